package tui

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// listRow is one screen row of the launcher's item list: part of item's
// line (its first row, or a continuation of its description).
type listRow struct {
	item  int
	first bool
	about string // the description's text on this row
}

// listRows lays the items out for w cells and at most h rows: every
// description in full, wrapped under itself, when all of them fit;
// otherwise the selected item's in full and the others shortened at a
// word with "…" (the selected one is what the reader is looking at). Items
// that do not fit scroll, keeping the selected one in view.
func (l *launcher) listRows(w, h int) []listRow {
	nameW := l.nameWidth()
	aboutW := max(w-nameW-4, 8) // "▸ " name "  " about
	items := l.entries()
	wrapped := make([][]string, len(items))
	total := 0
	for i, it := range items {
		wrapped[i] = strings.Split(ansi.Wordwrap(it.about, aboutW, ""), "\n")
		total += len(wrapped[i])
	}
	var rows []listRow
	for i := range items {
		lines := wrapped[i]
		if total > h && i != l.cursor {
			lines = []string{shorten(items[i].about, aboutW)}
		}
		for k, s := range lines {
			rows = append(rows, listRow{item: i, first: k == 0, about: s})
		}
	}
	return scrollRows(rows, l.cursor, h)
}

// scrollRows keeps at most h rows, with the cursor's item in view (from
// its first row when it is taller than h).
func scrollRows(rows []listRow, cursor, h int) []listRow {
	if len(rows) <= h {
		return rows
	}
	fi, li := -1, 0 // the cursor item's first and last rows
	for i, r := range rows {
		if r.item == cursor {
			if fi < 0 {
				fi = i
			}
			li = i
		}
	}
	first := max(0, li-h+1)
	for first < fi && !rows[first].first { // start at an item's first row
		first++
	}
	first = min(first, max(fi, 0))
	return rows[first:min(first+h, len(rows))]
}

// shorten cuts s to w cells at a word, marking the cut with "…".
func shorten(s string, w int) string {
	if ansi.StringWidth(s) <= w {
		return s
	}
	cut := ansi.Truncate(s, w-1, "")
	if i := strings.LastIndex(cut, " "); i > w/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,:;") + "…"
}

// nameWidth is the width of the item names' column.
func (l *launcher) nameWidth() int {
	n := 0
	for _, it := range l.entries() {
		n = max(n, ansi.StringWidth(it.title))
	}
	return n
}
