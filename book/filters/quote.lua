--[[ book/filters/quote.lua: quote code into the book by symbol, never by
line number, so a chapter cannot silently drift from the code.

A chapter writes an empty fenced block with a `quote` attribute:

    ```{quote="kernel/serial.c:serial_putc"}
    ```
        a C function (the contract comment above it, then the definition to
        the closing brace at column 0), a struct/union/enum, a typedef or a
        #define by name; a Python def or class; a nasm label up to the next
        global label.  Promela is quoted as C: an `inline` or `proctype`
        by name.
    ```{quote="spec/ipc/model.py:op_send.__doc__"}
    ```
        a Python def or class from its `def` line to the end of its
        docstring: the contract without the body.
    ```{quote="kernel/boot/entry.asm#long_mode"}
    ```
        the lines strictly between two marker lines `// book: long_mode`
        (also `/* book: long_mode */`), `; book: long_mode` or
        `# book: long_mode`, in any language.

The block becomes a caption naming the file and symbol and a code block
with the file's language.  A quoted file, symbol or region that does not
exist fails the build, naming the chapter and what is missing.  When pandoc
writes a file (-o X.html), the quoted files are listed in X.d for make.
]]

local errors = {}     -- every broken quote of this chapter
local quoted = {}     -- files quoted, for the dependency file
local quoted_seen = {}

local LANGS = {
  c = "c", h = "c", asm = "nasm", s = "nasm", py = "python",
  lua = "lua", sh = "bash", pml = "c", ld = "", mk = "makefile",
}

-- chapter(): the Markdown file being built, for error messages.
local function chapter()
  return (PANDOC_STATE.input_files or {})[1] or "(stdin)"
end

-- lang_of(path): the highlighting language of a file ("" if none).
local function lang_of(path)
  local base = path:match("([^/]+)$") or path
  if base == "Makefile" or base == "Makefrag" then return "makefile" end
  return LANGS[base:match("%.([%w]+)$") or ""] or ""
end

-- read_lines(path): the file's lines, or nil if it cannot be read.
local function read_lines(path)
  local f = io.open(path, "r")
  if not f then return nil end
  local lines = {}
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
  return lines
end

-- escape(s): s with Lua pattern magic characters escaped.
local function escape(s)
  return (s:gsub("[%^%$%(%)%%%.%[%]%*%+%-%?]", "%%%0"))
end

-- comment_above(lines, s, lang): the first line of the comment block that
-- ends right above line s (s itself if there is none).
local function comment_above(lines, s, lang)
  local i = s - 1
  if lang == "c" and i >= 1 and lines[i]:match("%*/%s*$") and
     (lines[i]:match("^%s*%*") or lines[i]:match("^%s*/%*")) then
    -- up through the comment's " * " lines to its opening "/*" line
    while i >= 1 and not lines[i]:match("^%s*/%*") do
      if not lines[i]:match("^%s*%*") then return s end
      i = i - 1
    end
    return i >= 1 and i or s
  end
  local mark = ({ c = "//", nasm = ";", python = "#" })[lang]
  if not mark then return s end
  local start = s
  while i >= 1 and lines[i]:match("^%s*" .. escape(mark)) do
    start = i
    i = i - 1
  end
  return start
end

-- marker_patterns(n): the patterns of a `book: n` marker line in each
-- comment syntax (n is a Lua pattern).
local function marker_patterns(n)
  return { "^%s*//%s*book:%s*" .. n .. "%s*$", "^%s*;+%s*book:%s*" .. n .. "%s*$",
           "^%s*#+%s*book:%s*" .. n .. "%s*$", "^%s*/%*%s*book:%s*" .. n .. "%s*%*/%s*$" }
end

-- is_marker(line, n): true if line is a `book: n` marker.
local function is_marker(line, n)
  for _, p in ipairs(marker_patterns(n)) do
    if line:match(p) then return true end
  end
  return false
end

-- slice(lines, a, b): lines a..b joined, common indentation removed.
local function slice(lines, a, b)
  local indent
  for i = a, b do
    if lines[i]:match("%S") then
      local w = #lines[i]:match("^%s*")
      if not indent or w < indent then indent = w end
    end
  end
  local out = {}
  for i = a, b do
    -- markers of regions nested in the quote are for the book, not the reader
    if not is_marker(lines[i], "[%w_.-]+") then
      out[#out + 1] = lines[i]:sub((indent or 0) + 1)
    end
  end
  return table.concat(out, "\n")
end

-- region(lines, name): first and last line strictly between the two
-- `book: name` markers, or nil and why.
local function region(lines, name)
  local n = escape(name)
  local found = {}
  for i, line in ipairs(lines) do
    if is_marker(line, n) then found[#found + 1] = i end
  end
  if #found == 0 then return nil, "no region marked `book: " .. name .. "`" end
  if #found == 1 then return nil, "region `" .. name .. "` has only one marker" end
  if #found > 2 then return nil, "region `" .. name .. "` has more than two markers" end
  if found[2] == found[1] + 1 then return nil, "region `" .. name .. "` is empty" end
  return found[1] + 1, found[2] - 1
end

-- c_end(lines, i): the line of the first `}` at column 0 from line i on.
local function c_end(lines, i)
  for j = i, #lines do
    if lines[j]:match("^}") then return j end
  end
end

-- c_function(lines, name): first and last line of the definition (not a
-- prototype) of function `name`.
local function c_function(lines, name)
  local call = "%f[%w_]" .. escape(name) .. "%s*%("
  for i, line in ipairs(lines) do
    if line:match("^[%a_]") and line:match(call) and not line:match("^#") then
      -- a definition reaches `{` before any `;`
      for j = i, math.min(i + 12, #lines) do
        local l = lines[j]:gsub("//.*$", "")
        local brace, semi = l:find("{", 1, true), l:find(";", 1, true)
        if semi and (not brace or semi < brace) then break end
        if brace then
          local s = i
          -- return type on its own line above (static int\nname(...))
          if line:match("^" .. escape(name) .. "%s*%(") and i > 1 and
             lines[i - 1]:match("^[%a_]") and not lines[i - 1]:match("[;{}]%s*$") then
            s = i - 1
          end
          local e = c_end(lines, j)
          if e then return s, e end
          break
        end
      end
    end
  end
end

-- c_type(lines, name): a struct/union/enum (tagged or typedef'd), a
-- typedef, or a #define named `name`.
local function c_type(lines, name)
  local n, w = escape(name), "%f[^%w_]"
  for i, line in ipairs(lines) do
    -- struct name { ... };   typedef struct name { ... } x;
    local tag = line:match("^(%a+)%s+" .. n .. w) or line:match("^typedef%s+(%a+)%s+" .. n .. w)
    if tag == "struct" or tag == "union" or tag == "enum" then
      if line:match("}.*;%s*$") then return i, i end          -- all on one line
      if not line:match(";%s*$") then                         -- not a declaration
        local e = c_end(lines, i)
        if e then return i, e end
      end
    end
    if line:match("^#%s*define%s+" .. n .. w) then
      local e = i
      while lines[e]:match("\\%s*$") and e < #lines do e = e + 1 end
      return i, e
    end
    -- } name;  closing a typedef'd struct/union/enum
    if line:match("^}%s*" .. n .. "%s*;") then
      for s = i - 1, 1, -1 do
        if lines[s]:match("^typedef") then return s, i end
      end
    end
    -- typedef ... name;  (one line, or a function pointer type)
    if line:match("^typedef") and line:match("%f[%w_]" .. n .. w) and line:match(";%s*$") then
      return i, i
    end
  end
end

-- python_def(lines, name): a def or class named `name` with its decorators,
-- to the last line indented deeper than it.
local function python_def(lines, name)
  local n = escape(name)
  for i, line in ipairs(lines) do
    local indent = line:match("^(%s*)def%s+" .. n .. "%s*%(") or
                   line:match("^(%s*)async%s+def%s+" .. n .. "%s*%(") or
                   line:match("^(%s*)class%s+" .. n .. "%s*[%(:]")
    if indent then
      local s = i
      while s > 1 and lines[s - 1]:match("^" .. indent .. "@") do s = s - 1 end
      local e = i
      for j = i + 1, #lines do
        if lines[j]:match("%S") then
          if #lines[j]:match("^%s*") <= #indent then break end
          e = j
        end
      end
      return s, e
    end
  end
end

-- python_doc(lines, name): a def or class named `name` from its `def` line
-- to the end of its docstring: its contract without its body.
local function python_doc(lines, name)
  local s, e = python_def(lines, name)
  if not s then return nil, "no symbol `" .. name .. "`" end
  local d = s
  while lines[d]:match("^%s*@") do d = d + 1 end
  local h = d                        -- the header's last line ends with ':'
  while h < e and not lines[h]:gsub("#.*$", ""):match(":%s*$") do h = h + 1 end
  local j = h + 1
  while j <= e and not lines[j]:match("%S") do j = j + 1 end
  local q = j <= e and lines[j]:match('^%s*[rRuU]?(["\']["\']["\'])')
  if not q then return nil, "`" .. name .. "` has no docstring" end
  local rest = lines[j]:match("^%s*[rRuU]?" .. q .. "(.*)$")
  if rest:find(q, 1, true) then return d, j end
  for k = j + 1, e do
    if lines[k]:find(q, 1, true) then return d, k end
  end
  return nil, "the docstring of `" .. name .. "` does not end"
end

-- nasm_label(lines, name): the label `name:` at column 0 up to the next
-- global label (local labels start with a dot), trailing comments and
-- blank lines left to what follows.
local function nasm_label(lines, name)
  for i, line in ipairs(lines) do
    if line:match("^" .. escape(name) .. ":") then
      local e = #lines
      for j = i + 1, #lines do
        if lines[j]:match("^[%a_][%w_]*:") then e = j - 1; break end
      end
      while e > i and (not lines[e]:match("%S") or lines[e]:match("^%s*;")) do e = e - 1 end
      return i, e
    end
  end
end

-- extract(lines, sym, lang): the quoted text, nil, and its first and last
-- line numbers; or nil and why.
local function extract(lines, sym, lang)
  local s, e
  if lang == "c" then
    s, e = c_function(lines, sym)
    if not s then s, e = c_type(lines, sym) end
  elseif lang == "python" and sym:match("%.__doc__$") then
    s, e = python_doc(lines, sym:gsub("%.__doc__$", ""))
    if not s then return nil, e end
  elseif lang == "python" then
    s, e = python_def(lines, sym)
  elseif lang == "nasm" then
    s, e = nasm_label(lines, sym)
  else
    return nil, "quoting by symbol works for C, Python and nasm; mark a region instead"
  end
  if not s then return nil, "no symbol `" .. sym .. "`" end
  local first = comment_above(lines, s, lang)
  return slice(lines, first, e), nil, first, e
end

-- quote(spec): the file, name, language, text, first and last line of one
-- quote, or nil and why.
local function quote(spec)
  local path, sep, name = spec:match("^([^:#]+)([:#])(.+)$")
  if not path then
    return nil, "write FILE:SYMBOL or FILE#REGION"
  end
  local lines = read_lines(path)
  if not lines then return nil, "no file " .. path end
  if not quoted_seen[path] then
    quoted_seen[path] = true
    quoted[#quoted + 1] = path
  end
  local lang = lang_of(path)
  local text, why, first, last
  if sep == "#" then
    local a, b = region(lines, name)
    if not a then return nil, why or b end
    text, first, last = slice(lines, a, b), a, b
  else
    text, why, first, last = extract(lines, name, lang)
    if not text then return nil, why end
  end
  return path, name, lang, text, first, last
end

-- hole_notes(text): for each lab hole in quoted code (the student
-- edition quotes the carved files, where a hole is the line
-- `LAB N: your code here (name)` and its stub), a note pointing at the lab.
local function hole_notes(text)
  local notes = {}
  for lab, name in text:gmatch("LAB (%d+): your code here %(([%w_]+)%)") do
    notes[#notes + 1] = pandoc.Para({
      pandoc.Strong({ pandoc.Str("Lab " .. lab .. ":") }), pandoc.Space(),
      pandoc.Code(name), pandoc.Str(" is yours to write in "),
      pandoc.Link({ pandoc.Str("lab " .. lab) }, "lab" .. lab .. ".html"),
      pandoc.Str("; until you do, the stub above stands in for it.") })
  end
  return notes
end

function CodeBlock(el)
  local spec = el.attributes.quote
  if not spec then return nil end
  if el.text:match("%S") then
    errors[#errors + 1] = "quote " .. spec .. ": the block must be empty (never paste code)"
    return nil
  end
  local path, name, lang, text, first, last = quote(spec)
  if not path then
    local file = spec:match("^([^:#]+)[:#]")
    local where = (file and not name:match("^no file")) and (" in " .. file) or ""
    errors[#errors + 1] = "quote " .. spec .. ": " .. name .. where
    return nil
  end
  local kind = spec:find("#", 1, true) and "region " or ""
  -- the caption links to the book's listing of the file (src/PATH.html,
  -- made by book/listing.py from the .d files), at the quote's first line
  local where = "src/" .. path .. ".html#L" .. first
  local caption = pandoc.Para({ pandoc.Link({ pandoc.Code(path) }, where), pandoc.Str(": "),
                                pandoc.Str(kind), pandoc.Code(name),
                                pandoc.Space(), pandoc.Link({ pandoc.Str("(lines " .. first .. "\u{2013}" .. last .. ")") }, where) })
  local classes = lang ~= "" and { lang } or {}
  local code = pandoc.CodeBlock(text, pandoc.Attr("", classes, { ["data-file"] = path }))
  local blocks = { caption, code }
  for _, note in ipairs(hole_notes(text)) do blocks[#blocks + 1] = note end
  return pandoc.Div(blocks, pandoc.Attr("", { "quote" }))
end

-- write_depfile(): X.d beside the output X.html, listing quoted files.
local function write_depfile()
  local out = PANDOC_STATE.output_file
  if not out or not out:match("%.html$") then return end
  local f = io.open(out:gsub("%.html$", ".d"), "w")
  if not f then return end
  f:write(out .. ": " .. table.concat(quoted, " ") .. "\n")
  for _, p in ipairs(quoted) do f:write(p .. ":\n") end
  f:close()
end

function Pandoc(doc)
  if #errors > 0 then
    for _, e in ipairs(errors) do
      io.stderr:write(chapter() .. ": " .. e .. "\n")
    end
    os.exit(1)
  end
  write_depfile()
  return doc
end
