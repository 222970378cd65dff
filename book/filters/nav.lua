--[[ book/filters/nav.lua: the book's numbering, links and navigation.

make passes three lists as metadata: the sorted chapter files
(-M book-chapters="book/00-x.md book/01-y.md ..."), the labs' handouts
(-M book-labs="labs/lab1.md ...") and the appendices, the specification
(-M book-appendices="spec/abi.md ...").  The lists drive everything:

* numbers: a chapter's number is its place in the list (the first is 0),
  whatever its file is called; its sections are numbered N.1, N.1.1; an
  appendix is lettered A, B, ... in its list's order; figures (a paragraph
  holding only ![caption](figures/NAME.svg)) are numbered N.1, N.2 in
  their chapter and get the id fig-NAME.
* links: a link to NN-slug.html goes to the chapter called slug whatever
  its number (so a renumbered chapter keeps its links), and a link whose
  text is "chapter 5" or just "5" is renumbered to the chapter's place; a
  link to a chapter not (yet) in the book is left as plain text with a
  warning.  A link [Figure](#fig-NAME) gets the figure's number, and
  a link "Appendix A" to spec/NAME.md the appendix's letter.  A link
  or inline code naming spec/NAME.md goes to that appendix; inline code
  naming a file of the tree (kernel/proc/proc.c) links to the book's
  listing of that file, src/PATH.html (listed in X.src for make).
* navigation: on a page it sets `nav-prev`, `nav-next` (href, title,
  number) and `chapter` for the template; on the contents page (metadata
  `contents: true`) it appends a line per chapter (number, title, its
  `description:`), the appendices and the labs.
]]

-- words(meta, key): the space-separated list held by metadata `key`.
local function words(meta, key)
  local list = {}
  for p in pandoc.utils.stringify(meta[key] or ""):gmatch("%S+") do
    list[#list + 1] = p
  end
  return list
end

-- read(path): the whole text of a file, or nil.
local function read(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local text = f:read("a")
  f:close()
  return text
end

-- yaml_field(text, key): a one-line field of a file's YAML header, unquoted.
local function yaml_field(text, key)
  local yaml = text:match("^%-%-%-\n(.-\n)%-%-%-")
  if not yaml then return nil end
  local v = ("\n" .. yaml):match("\n" .. key .. ":%s*(.-)%s*\n")
  if not v then return nil end
  return (v:gsub('^"(.*)"$', "%1"):gsub("^'(.*)'$", "%1"))
end

-- title_of(path): a page's title: its YAML `title:`, else its first
-- level-1 heading, else its file name.
local function title_of(path)
  local text = read(path)
  if not text then return path end
  local t = yaml_field(text, "title")
  if not t then t = text:match("^#%s+(.-)%s*\n") or text:match("\n#%s+(.-)%s*\n") end
  return t or path:match("([^/]+)%.md$")
end

-- page_of(path): the HTML page built from `path` (spec/X.md -> spec-X.html).
local function page_of(path)
  local spec = path:match("^spec/([^/]+)%.md$")
  if spec then return "spec-" .. spec .. ".html" end
  return path:match("([^/]+)%.md$") .. ".html"
end

-- slug_of(path): a chapter's name without its number (book/04-x.md -> x).
local function slug_of(path)
  return path:match("%d+%-([^/]-)%.html$") or path:match("%d+%-([^/]-)%.md$")
end

local CHAPTERS, LABS, APPENDICES = {}, {}, {}
local BY_SLUG = {}      -- slug -> { path, number }
local BY_SPEC = {}      -- "ipc" -> { path, letter }
local ME, MY_NUMBER, MY_KIND = nil, nil, nil
local FIGS = {}         -- NAME -> number of a figure on this page
local SOURCES, SOURCES_SEEN = {}, {}
local WARNINGS = {}

local function letter(i) return string.char(64 + i) end

local function setup(meta)
  CHAPTERS = words(meta, "book-chapters")
  LABS = words(meta, "book-labs")
  APPENDICES = words(meta, "book-appendices")
  for i, p in ipairs(CHAPTERS) do BY_SLUG[slug_of(p)] = { path = p, number = i - 1 } end
  for i, p in ipairs(APPENDICES) do
    BY_SPEC[p:match("([^/]+)%.md$")] = { path = p, letter = letter(i) }
  end
  ME = (PANDOC_STATE.input_files or {})[1]
  for i, p in ipairs(CHAPTERS) do
    if p == ME then MY_NUMBER, MY_KIND = i - 1, "chapter" end
  end
  for i, p in ipairs(APPENDICES) do
    if p == ME then MY_NUMBER, MY_KIND = letter(i), "appendix" end
  end
  for _, p in ipairs(LABS) do
    if p == ME then MY_KIND = "lab" end
  end
end

local function link_meta(i)
  local p = CHAPTERS[i]
  return { href = page_of(p), title = title_of(p), number = tostring(i - 1) }
end

-- figures_of(path): NAME -> number of each figure of chapter `path`, in
-- order of appearance (an image alone at the start of a line).
local function figures_of(path)
  local figs, n = {}, 0
  local text = read(path) or ""
  for name in ("\n" .. text):gmatch("\n!%[.-%]%(figures/([%w_-]+)%.svg%)") do
    n = n + 1
    figs[name] = n
  end
  return figs
end

-- source_page(path): the listing of a file of the tree, recorded for make.
local function source_page(path)
  if not SOURCES_SEEN[path] then
    SOURCES_SEEN[path] = true
    SOURCES[#SOURCES + 1] = path
  end
  return "src/" .. path .. ".html"
end

-- is_source(s): s names a file of the tree that the book may list.
local function is_source(s)
  if not s:match("^[%w_][%w_./-]*/[%w_.-]+%.[%w]+$") or s:match("%.%.") then return false end
  if s:match("^build/") or s:match("%.md$") or s:match("%.wasm$") then return false end
  -- never a listing of a solution: the student edition must not print one
  if s:match("^solutions/") then return false end
  local f = io.open(s, "r")
  if not f then return false end
  local data = f:read(1)          -- nil for a directory (or an empty file)
  f:close()
  return data ~= nil
end

-- spec_target(target): the appendix page a link or name points to, or nil.
local function spec_target(target)
  local name, frag = target:match("^spec/([%w_-]+)%.md(#?.*)$")
  if not name then name, frag = target:match("^%.%./spec/([%w_-]+)%.md(#?.*)$") end
  if not name and MY_KIND == "appendix" then name, frag = target:match("^([%w_-]+)%.md(#?.*)$") end
  if name and BY_SPEC[name] then return page_of(BY_SPEC[name].path) .. frag end
end

-- renumber(content, n): a link text "chapter 5", "Chapter 5" or "5" with
-- the number n instead.
local function renumber(content, n)
  local s = pandoc.utils.stringify(content)
  local word = s:match("^([Cc]hapters?)%s+%d+$")
  if word then return { pandoc.Str(word), pandoc.Space(), pandoc.Str(tostring(n)) } end
  if s:match("^%d+$") then return { pandoc.Str(tostring(n)) } end
  return content
end

-- Pass 1: code inside a link is not linked again.
local function mark_code_in_links(el)
  el.content = pandoc.walk_inline(pandoc.Span(el.content), {
    Code = function(c) c.classes:insert("nolink"); return c end }).content
  return el
end

-- Pass 2: links to chapters, figures, appendices and files.
local function resolve_link(el)
  local t = el.target
  local spec = spec_target(t)
  if spec then
    el.target = spec
    -- "Appendix C" names the appendix by its current letter
    local name = spec:match("^spec%-([%w_-]+)%.html")
    if pandoc.utils.stringify(el.content):match("^Appendix %u$") and BY_SPEC[name] then
      el.content = { pandoc.Str("Appendix"), pandoc.Space(), pandoc.Str(BY_SPEC[name].letter) }
    end
    return el
  end
  local slug, frag = t:match("^%d%d%-([%w_-]+)%.html(#?.*)$")
  if slug then
    local ch = BY_SLUG[slug]
    if not ch then
      WARNINGS[#WARNINGS + 1] = "link to " .. t .. ": no such chapter in the book (yet); shown as text"
      return pandoc.Span(el.content, pandoc.Attr("", { "missing-chapter" }))
    end
    el.target = page_of(ch.path) .. frag
    el.content = renumber(el.content, ch.number)
    if frag:match("^#fig%-") then
      local n = figures_of(ch.path)[frag:sub(6)]
      if n and pandoc.utils.stringify(el.content):match("^[Ff]igure$") then
        el.content = { pandoc.Str(pandoc.utils.stringify(el.content) .. "\u{a0}" .. ch.number .. "." .. n) }
      end
    end
    return el
  end
  local fig = t:match("^#fig%-([%w_-]+)$")
  if fig and FIGS[fig] and pandoc.utils.stringify(el.content):match("^[Ff]igure$") then
    el.content = { pandoc.Str(pandoc.utils.stringify(el.content) .. "\u{a0}" .. FIGS[fig]) }
    return el
  end
  if is_source(t) and not t:match("^%a+:") then
    el.target = source_page(t)
    return el
  end
  return nil
end

-- bibliography(): key -> label of every entry of book/bibliography.md
-- (written `[]{#ref-KEY}**[LABEL]**`).
local BIB
local function bibliography()
  if BIB then return BIB end
  BIB = {}
  local text = read("book/bibliography.md") or ""
  for key, label in text:gmatch("%[%]{#ref%-([%w_-]+)}%*%*%[([^%]]+)%]%*%*") do BIB[key] = label end
  return BIB
end

-- Pass 2: a citation [@key] becomes a link to its bibliography entry; a
-- key the bibliography lacks fails the build.
local ERRORS = {}
local function cite(el)
  local out = {}
  for i, c in ipairs(el.citations) do
    local label = bibliography()[c.id]
    if not label then
      ERRORS[#ERRORS + 1] = "citation @" .. c.id .. ": not in book/bibliography.md"
      label = c.id
    end
    if i > 1 then out[#out + 1] = pandoc.Str(", ") end
    out[#out + 1] = pandoc.Link({ pandoc.Str(label) }, "bibliography.html#ref-" .. c.id)
  end
  table.insert(out, 1, pandoc.Str("["))
  out[#out + 1] = pandoc.Str("]")
  return pandoc.Span(out, pandoc.Attr("", { "cite" }))
end

-- Pass 2: inline code naming an appendix or a file becomes a link.
local function link_code(el)
  if el.classes:includes("nolink") then
    el.classes = el.classes:filter(function(c) return c ~= "nolink" end)
    return el
  end
  local spec = spec_target(el.text)
  if spec then return pandoc.Link({ el }, spec) end
  if is_source(el.text) then return pandoc.Link({ el }, source_page(el.text)) end
  return nil
end

-- Pass 0: figures numbered, headings numbered.
local function number_figure(el)
  if #el.content ~= 1 or el.content[1].t ~= "Image" then return nil end
  local img = el.content[1]
  if not img.title:match("^fig:") then return nil end
  local name = img.src:match("figures/([%w_-]+)%.svg$")
  if not name then return nil end
  local n = (MY_KIND == "chapter" and (MY_NUMBER .. ".") or "") .. (figures_of(ME)[name] or "?")
  FIGS[name] = n
  local caption = { pandoc.Strong({ pandoc.Str("Figure\u{a0}" .. n .. ".") }), pandoc.Space() }
  for _, x in ipairs(img.caption) do caption[#caption + 1] = x end
  img.caption = caption
  return pandoc.Div({ el }, pandoc.Attr("fig-" .. name, { "figure" }))
end

local counters = { 0, 0, 0 }
local function number_header(el)
  if el.classes:includes("unnumbered") or MY_KIND ~= "chapter" then return nil end
  if el.level == 1 then return nil end
  local d = el.level - 1
  if d > 3 then return nil end
  counters[d] = counters[d] + 1
  for k = d + 1, 3 do counters[k] = 0 end
  local parts = { tostring(MY_NUMBER) }
  for k = 1, d do parts[#parts + 1] = tostring(counters[k]) end
  local num = table.concat(parts, ".")
  el.content:insert(1, pandoc.Space())
  el.content:insert(1, pandoc.Span({ pandoc.Str(num) }, pandoc.Attr("", { "secno" })))
  return el
end

-- contents(): the contents page's lists: chapters with their lines,
-- appendices, labs.
local function contents()
  local items = {}
  for i, p in ipairs(CHAPTERS) do
    local l = link_meta(i)
    local line = { pandoc.Span({ pandoc.Str(l.number) }, pandoc.Attr("", { "secno" })),
                   pandoc.Space(), pandoc.Link(l.title, l.href) }
    local d = yaml_field(read(p) or "", "description")
    if d then
      line[#line + 1] = pandoc.LineBreak()
      line[#line + 1] = pandoc.Span(pandoc.read(d, "markdown").blocks[1].content,
                                    pandoc.Attr("", { "description" }))
    end
    items[#items + 1] = { pandoc.Plain(line) }
  end
  local blocks = { pandoc.Div({ pandoc.BulletList(items) }, pandoc.Attr("", { "contents" })) }
  if #APPENDICES > 0 then
    local a = {}
    for i, p in ipairs(APPENDICES) do
      a[#a + 1] = { pandoc.Plain({ pandoc.Span({ pandoc.Str(letter(i)) }, pandoc.Attr("", { "secno" })),
                                   pandoc.Space(), pandoc.Link(title_of(p), page_of(p)) }) }
    end
    blocks[#blocks + 1] = pandoc.Header(2, "Appendices: the specification")
    blocks[#blocks + 1] = pandoc.Div({ pandoc.BulletList(a) }, pandoc.Attr("", { "contents" }))
  end
  if #LABS > 0 then
    local l = {}
    for _, p in ipairs(LABS) do
      l[#l + 1] = { pandoc.Plain({ pandoc.Link(title_of(p), page_of(p)) }) }
    end
    blocks[#blocks + 1] = pandoc.Header(2, "Labs")
    blocks[#blocks + 1] = pandoc.Div({ pandoc.BulletList(l) }, pandoc.Attr("", { "contents" }))
  end
  return blocks
end

-- write_sources(): X.src beside the output X.html, the files to list.
local function write_sources()
  local out = PANDOC_STATE.output_file
  if not out or not out:match("%.html$") then return end
  local f = io.open(out:gsub("%.html$", ".src"), "w")
  if not f then return end
  for _, p in ipairs(SOURCES) do f:write(p .. "\n") end
  f:close()
end

local function first_pass(doc)
  setup(doc.meta)
  if doc.meta.contents then
    -- the contents go where the page says `::: {#contents}`, else at the end
    local placed = false
    local blocks = {}
    for _, b in ipairs(doc.blocks) do
      if b.t == "Div" and b.identifier == "contents" then
        for _, x in ipairs(contents()) do blocks[#blocks + 1] = x end
        placed = true
      else
        blocks[#blocks + 1] = b
      end
    end
    if not placed then for _, x in ipairs(contents()) do blocks[#blocks + 1] = x end end
    doc.blocks = blocks
  end
  for i, p in ipairs(CHAPTERS) do
    if p == ME then
      if CHAPTERS[i - 1] then doc.meta["nav-prev"] = link_meta(i - 1) end
      if CHAPTERS[i + 1] then doc.meta["nav-next"] = link_meta(i + 1) end
      doc.meta.chapter = tostring(i - 1)
    end
  end
  if MY_KIND == "appendix" then
    doc.meta.appendix = MY_NUMBER
    -- the page's first level-1 heading is its title
    for k, b in ipairs(doc.blocks) do
      if b.t == "Header" and b.level == 1 then
        doc.meta.title = b.content
        doc.blocks:remove(k)
        break
      end
    end
  end
  if not doc.meta.title and not doc.meta.pagetitle and ME then
    doc.meta.pagetitle = title_of(ME)
  end
  return doc
end

local function last_pass(doc)
  if #ERRORS > 0 then
    for _, e in ipairs(ERRORS) do io.stderr:write((ME or "(stdin)") .. ": " .. e .. "\n") end
    os.exit(1)
  end
  for _, w in ipairs(WARNINGS) do
    io.stderr:write((ME or "(stdin)") .. ": warning: " .. w .. "\n")
  end
  write_sources()
  return doc
end

return {
  { Pandoc = first_pass },
  { Para = number_figure, Header = number_header },
  { Link = mark_code_in_links },
  { Link = resolve_link, Code = link_code, Cite = cite },
  { Pandoc = last_pass },
}
