--[[ book/filters/transcript.lua: transcripts, what a command printed.

A chapter shows what Wisp printed with a fenced block of class
`transcript`, naming where the commands were typed:

    ```{.transcript boot="monitor"}
    monitor> mem
    frames: «64905» free, 14 used
    ...
    ```

  boot="monitor"   at the kernel monitor of `make qemu` (build/wisp.iso)
  boot="shell"     at the shell of `make demo` (build/wisp-demo.iso); lines
                   before the first `$ ` are what the boot printed
  boot="host"      at a shell on the build machine, in the tree

Each line starting with the prompt (`monitor> `, `$ `) is a command typed.
Text between « and » is what one run printed where runs differ (a time, a
count of cycles, an address that moves when the kernel grows): it is shown
underlined, and the check accepts anything there.  A line `...` stands for
lines left out.  harness/tests/test_book_transcripts.py boots the system,
types each transcript's commands and fails when the output no longer
matches, so a transcript cannot drift from the system.  This filter only
renders: the block becomes a caption naming where it was typed and a <pre>.
]]

local WHERE = {
  monitor = "typed at the kernel monitor (make qemu)",
  shell = "typed at the shell (make demo)",
  host = "typed on the build machine, in the tree",
}

local function escape_html(s)
  return (s:gsub("&", "&amp;"):gsub("<", "&lt;"):gsub(">", "&gt;"))
end

-- render(text): the HTML of a transcript's text, varying parts marked.
local function render(text)
  local out = {}
  local pos = 1
  while true do
    local a, b = text:find("«", pos, true)
    if not a then break end
    local c, d = text:find("»", b + 1, true)
    if not c then break end
    out[#out + 1] = escape_html(text:sub(pos, a - 1))
    out[#out + 1] = '<span class="varies" title="varies from run to run">' ..
                    escape_html(text:sub(b + 1, c - 1)) .. "</span>"
    pos = d + 1
  end
  out[#out + 1] = escape_html(text:sub(pos))
  return table.concat(out)
end

function CodeBlock(el)
  if not el.classes:includes("transcript") then return nil end
  local boot = el.attributes.boot or ""
  if not WHERE[boot] then
    io.stderr:write((PANDOC_STATE.input_files or {})[1] or "(stdin)",
                    ": transcript: boot=\"", boot, "\" is not monitor, shell or host\n")
    os.exit(1)
  end
  local caption = pandoc.Para({ pandoc.Str("Transcript, " .. WHERE[boot]) })
  local pre = pandoc.RawBlock("html", '<pre class="transcript"><code>' .. render(el.text) ..
                                      "</code></pre>")
  return pandoc.Div({ caption, pre }, pandoc.Attr("", { "transcript" }))
end
