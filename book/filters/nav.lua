--[[ book/filters/nav.lua: the book's navigation.

make passes the sorted chapter files as metadata (-M book-chapters="book/00-x.md
book/01-y.md ...").  On a chapter page this filter sets `nav-prev`,
`nav-next` (each with `href` and `title`) and `chapter` for the template,
and a page title from the first heading when the chapter has no YAML title.
On the contents page (metadata `contents: true`) it appends the list of
chapters, then the labs' handouts (-M book-labs="labs/lab1.md ...").
]]

-- title_of(path): a chapter's title: its YAML `title:`, else its first
-- level-1 heading, else its file name.
local function title_of(path)
  local f = io.open(path, "r")
  if not f then return path end
  local text = f:read("a")
  f:close()
  local yaml = text:match("^%-%-%-\n(.-)\n%-%-%-")
  local t = yaml and yaml:match("\ntitle:%s*(.-)%s*\n") or (yaml and yaml:match("^title:%s*(.-)%s*$"))
  t = t or (yaml and yaml:match("^title:%s*(.-)%s*\n"))
  if not t then t = text:match("^#%s+(.-)%s*\n") or text:match("\n#%s+(.-)%s*\n") end
  if not t then return path:match("([^/]+)%.md$") end
  return (t:gsub('^"(.*)"$', "%1"):gsub("^'(.*)'$", "%1"))
end

-- page_of(path): the HTML page built from chapter `path`.
local function page_of(path)
  return path:match("([^/]+)%.md$") .. ".html"
end

-- number_of(path): the chapter number from its NN- prefix.
local function number_of(path)
  return tonumber(path:match("([0-9]+)%-[^/]*$") or "") or 0
end

local function link(path)
  return { href = page_of(path), title = title_of(path), number = tostring(number_of(path)) }
end

local function chapters(meta, key)
  local list = {}
  for p in pandoc.utils.stringify(meta[key or "book-chapters"] or ""):gmatch("%S+") do
    list[#list + 1] = p
  end
  return list
end

-- lab_list(list): the contents page's list of lab handouts.
local function lab_list(list)
  local items = {}
  for _, p in ipairs(list) do
    items[#items + 1] = { pandoc.Plain({ pandoc.Link(title_of(p), page_of(p)) }) }
  end
  return pandoc.Div({ pandoc.Header(2, "Labs"), pandoc.BulletList(items) },
                    pandoc.Attr("", { "contents" }))
end

-- contents(list): the contents page's list of chapters.
local function contents(list)
  local items = {}
  for _, p in ipairs(list) do
    local l = link(p)
    items[#items + 1] = { pandoc.Plain({ pandoc.Str(l.number .. ". "),
                                         pandoc.Link(l.title, l.href) }) }
  end
  return pandoc.Div({ pandoc.BulletList(items) }, pandoc.Attr("", { "contents" }))
end

function Pandoc(doc)
  local list = chapters(doc.meta)
  if doc.meta.contents then
    doc.blocks:insert(contents(list))
    local labs = chapters(doc.meta, "book-labs")
    if #labs > 0 then doc.blocks:insert(lab_list(labs)) end
    return doc
  end
  local me = (PANDOC_STATE.input_files or {})[1]
  for i, p in ipairs(list) do
    if p == me then
      if list[i - 1] then doc.meta["nav-prev"] = link(list[i - 1]) end
      if list[i + 1] then doc.meta["nav-next"] = link(list[i + 1]) end
      doc.meta.chapter = tostring(number_of(p))
    end
  end
  if not doc.meta.title and not doc.meta.pagetitle and me then
    doc.meta.pagetitle = title_of(me)
  end
  return doc
end
