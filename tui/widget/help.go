package widget

import (
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"backprop/themes"
)

// HelpRow is one line of a help view: the keys and what they do.
type HelpRow struct{ Key, Desc string }

// HelpGroup is a titled block of help rows.
type HelpGroup struct {
	Title string
	Rows  []HelpRow
}

// keyGlyph is how help shows a key's name: arrows as glyphs.
func keyGlyph(k string) string {
	mod, name := "", k
	if i := strings.LastIndex(k, "+"); i > 0 && i < len(k)-1 {
		mod, name = k[:i+1], k[i+1:]
	}
	switch name {
	case "up":
		name = "↑"
	case "down":
		name = "↓"
	case "left":
		name = "←"
	case "right":
		name = "→"
	case "pgdown":
		name = "pgdn"
	}
	return mod + name
}

// KeyLabel shows every key of b, "/"-separated (arrows as glyphs); a run of
// three or more consecutive characters is shortened to its ends ("1–5").
func KeyLabel(b key.Binding) string {
	ks := b.Keys()
	var out []string
	for i := 0; i < len(ks); {
		j := i
		for j+1 < len(ks) && len(ks[j]) == 1 && len(ks[j+1]) == 1 && ks[j+1][0] == ks[j][0]+1 {
			j++
		}
		if j-i >= 2 {
			out = append(out, ks[i]+"–"+ks[j])
			i = j + 1
			continue
		}
		out = append(out, keyGlyph(ks[i]))
		i++
	}
	return strings.Join(out, "/")
}

// Row is a help row for bindings shown together: their keys, and desc (""
// takes the first binding's help text).
func Row(desc string, bs ...key.Binding) HelpRow {
	var ks []string
	for _, b := range bs {
		ks = append(ks, KeyLabel(b))
	}
	if desc == "" && len(bs) > 0 {
		desc = bs[0].Help().Desc
	}
	return HelpRow{Key: strings.Join(ks, " "), Desc: desc}
}

// Rows is one help row per binding.
func Rows(bs ...key.Binding) []HelpRow {
	rows := make([]HelpRow, 0, len(bs))
	for _, b := range bs {
		rows = append(rows, Row("", b))
	}
	return rows
}

// Layout of the help: columns at least minColumn cells wide, colGap apart.
const (
	minColumn = 24
	colGap    = 2
)

// helpBlock is what must stay together in one column: one row's lines,
// with its group's title on top when it is the group's first row.
type helpBlock struct {
	lines []string
	first bool // a group's first row: a blank line before it, except at a column's top
}

// HelpPages lays the groups out in columns that fit w×h cells and returns
// the pages, each h lines of w cells. Everything fits on one page when it
// can (in the columns where descriptions wrap least); otherwise it takes as
// many pages as it needs. Nothing is cut: long descriptions wrap under
// themselves.
func HelpPages(groups []HelpGroup, st *themes.Styles, w, h int) [][]string {
	if w <= 0 || h <= 0 {
		return [][]string{blank(w, h)}
	}
	maxCols := max(1, (w+colGap)/(minColumn+colGap))
	rows := 0 // lines without wrapping: the rows and the titles
	for _, g := range groups {
		rows += len(g.Rows) + 1
	}
	// one page with whole groups, in the columns where descriptions wrap
	// least (of those, the most columns: the shortest page)
	var best []string
	bestExtra := 0
	for c := 1; c <= maxCols; c++ {
		colW := (w - colGap*(c-1)) / c
		blocks := helpBlocks(groups, st, colW)
		extra := -rows
		for _, b := range blocks {
			extra += len(b.lines)
		}
		if cols, ok := packColumns(wholeGroups(blocks), c, h); ok && (best == nil || extra <= bestExtra) {
			best, bestExtra = drawPage(cols, colW, w, h), extra
		}
	}
	if best != nil {
		return [][]string{best}
	}
	// failing that, pages of whole groups (a title never ends a column
	// with its rows in the next); a group taller than a column is split
	colW := (w - colGap*(maxCols-1)) / maxCols
	blocks := helpBlocks(groups, st, colW)
	cols := fillColumns(wholeGroups(blocks), h)
	if cols == nil {
		cols = fillColumns(blocks, h)
	}
	var pages [][]string
	for len(cols) > 0 {
		n := min(maxCols, len(cols))
		pages = append(pages, drawPage(cols[:n], colW, w, h))
		cols = cols[n:]
	}
	return pages
}

// helpBlocks renders every row for a column colW cells wide.
func helpBlocks(groups []HelpGroup, st *themes.Styles, colW int) []helpBlock {
	var blocks []helpBlock
	for _, g := range groups {
		// keys are aligned to the widest that is at most 2/5 of the
		// column; a longer one gets a line of its own
		keyW := 0
		for _, r := range g.Rows {
			if kw := ansi.StringWidth(r.Key); kw <= colW*2/5 {
				keyW = max(keyW, kw)
			}
		}
		for i, r := range g.Rows {
			b := helpBlock{lines: rowLines(r, st, keyW, colW)}
			if i == 0 {
				b.first = true
				if g.Title != "" {
					b.lines = append([]string{st.Title.Render(ansi.Truncate(g.Title, colW, "…"))}, b.lines...)
				}
			}
			blocks = append(blocks, b)
		}
	}
	return blocks
}

// wholeGroups joins each group's blocks into one, so that a column break
// falls between groups.
func wholeGroups(blocks []helpBlock) []helpBlock {
	var out []helpBlock
	for _, b := range blocks {
		if b.first || len(out) == 0 {
			out = append(out, helpBlock{lines: slices.Clone(b.lines), first: b.first})
			continue
		}
		last := &out[len(out)-1]
		last.lines = append(last.lines, b.lines...)
	}
	return out
}

// rowLines draws a row: the key padded to keyW, the description wrapped
// beside it (or under a key too long for keyW).
func rowLines(r HelpRow, st *themes.Styles, keyW, colW int) []string {
	kw := ansi.StringWidth(r.Key)
	if kw > keyW {
		lines := []string{st.HelpKey.Render(ansi.Truncate(r.Key, colW, "…"))}
		for _, d := range wrap(r.Desc, colW-2) {
			lines = append(lines, "  "+st.HelpDesc.Render(d))
		}
		return lines
	}
	var lines []string
	for i, d := range wrap(r.Desc, colW-keyW-1) {
		k := strings.Repeat(" ", keyW)
		if i == 0 {
			k = st.HelpKey.Render(r.Key) + strings.Repeat(" ", keyW-kw)
		}
		lines = append(lines, k+" "+st.HelpDesc.Render(d))
	}
	return lines
}

// wrap breaks s into lines of at most w cells, at spaces where it can.
func wrap(s string, w int) []string {
	if w < 1 {
		w = 1
	}
	return strings.Split(ansi.Wrap(s, w, ""), "\n")
}

// height is b's height at position top of a column or below others.
func (b helpBlock) height(top bool) int {
	if b.first && !top {
		return len(b.lines) + 1
	}
	return len(b.lines)
}

// packColumns fills at most c columns of at most h lines, as evenly as it
// can: the shortest column height that takes every block.
func packColumns(blocks []helpBlock, c, h int) ([][]string, bool) {
	total := 0
	for _, b := range blocks {
		total += b.height(false)
	}
	for colH := max(1, total/c); colH <= h; colH++ {
		if cols := fillColumns(blocks, colH); cols != nil && len(cols) <= c {
			return cols, true
		}
	}
	return nil, false
}

// fillColumns puts the blocks in order into columns of at most colH lines;
// nil when a block is taller than a column.
func fillColumns(blocks []helpBlock, colH int) [][]string {
	var cols [][]string
	var col []string
	for _, b := range blocks {
		top := len(col) == 0
		if len(col)+b.height(top) > colH && !top {
			cols = append(cols, col)
			col, top = nil, true
		}
		if b.height(top) > colH {
			return nil
		}
		if !top && b.first {
			col = append(col, "")
		}
		col = append(col, b.lines...)
	}
	if len(col) > 0 {
		cols = append(cols, col)
	}
	return cols
}

// drawPage sets columns colW wide side by side in w×h cells.
func drawPage(cols [][]string, colW, w, h int) []string {
	lines := make([]string, h)
	for y := range lines {
		var b strings.Builder
		for i, col := range cols {
			if i > 0 {
				b.WriteString(strings.Repeat(" ", colGap))
			}
			cell := ""
			if y < len(col) {
				cell = col[y]
			}
			b.WriteString(fit(cell, colW))
		}
		lines[y] = fit(b.String(), w)
	}
	return lines
}

func blank(w, h int) []string {
	lines := make([]string, max(h, 0))
	for i := range lines {
		lines[i] = strings.Repeat(" ", max(w, 0))
	}
	return lines
}
