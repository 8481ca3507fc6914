-- Runs inside the one pandoc process coursepack starts per document, after
-- pandoc's citeproc has formatted the document's citations in the project style.
--  * Divs of class "cp-card" hold an evidence card's citation: their short cite is
--    formatted again with coursepack's card style (pandoc.utils.citeproc), among all
--    the sources the document cites, so that year suffixes agree ("2003a").
--  * Citations lose their <span class="citation"> wrapper: the caller knows which is which.
--  * A note (note styles put citations in footnotes) becomes <span class="footnote">,
--    which the print stylesheet floats to the foot of the page.
local card_style = PANDOC_SCRIPT_FILE:gsub("[^/\\]+$", "") .. "card-short.csl"

local function card_cites(doc)
  local cards, keys, seen = {}, pandoc.List(), {}
  doc.blocks:walk({
    Div = function(div)
      if div.classes:includes("cp-card") then
        table.insert(cards, div)
      end
    end,
    Cite = function(cite)
      for _, c in ipairs(cite.citations) do
        if not seen[c.id] then
          seen[c.id] = true
          keys:insert(c.id)
        end
      end
    end,
  })
  if #cards == 0 then
    return {}
  end
  local blocks = pandoc.List()
  for _, div in ipairs(cards) do
    local citations = pandoc.List()
    div:walk({ Cite = function(cite)
      for _, c in ipairs(cite.citations) do
        citations:insert(pandoc.Citation(c.id, "NormalCitation", c.prefix, c.suffix))
      end
    end })
    blocks:insert(pandoc.Div({ pandoc.Plain({ pandoc.Cite({}, citations) }) }, { id = div.identifier }))
  end
  local nocite = pandoc.List()
  for _, key in ipairs(keys) do
    nocite:insert(pandoc.Citation(key, "NormalCitation"))
  end
  local meta = {}
  for name, value in pairs(doc.meta) do
    meta[name] = value
  end
  meta.csl = card_style
  meta["suppress-bibliography"] = true
  meta.nocite = pandoc.MetaInlines({ pandoc.Cite({}, nocite) })
  local formatted = pandoc.utils.citeproc(pandoc.Pandoc(blocks, meta))
  local short = {}
  for _, div in ipairs(formatted.blocks) do
    if div.t == "Div" then
      short[div.identifier] = div.content
    end
  end
  return short
end

function Pandoc(doc)
  local short = card_cites(doc)
  doc.blocks = doc.blocks:walk({
    Div = function(div)
      if short[div.identifier] then
        div.content = short[div.identifier]
        return div
      end
    end,
  })
  return doc:walk({
    Cite = function(cite)
      return cite.content
    end,
    Note = function(note)
      local inlines = pandoc.List()
      for index, block in ipairs(note.content) do
        if index > 1 then
          inlines:insert(pandoc.Space())
        end
        if block.content then
          inlines:extend(block.content)
        end
      end
      return pandoc.Span(inlines, { class = "footnote" })
    end,
  })
end
