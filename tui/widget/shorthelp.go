package widget

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"backprop/themes"
)

// shortSep separates the bindings of a one-line help.
const shortSep = " • "

// ShortHelp is a screen's one-line help in w cells: "key desc" for each
// enabled binding, in order, then the pinned ones (the help key, quit).
// Nothing is cut: when the line is too wide each key is shown by its first
// name only ("pgdn next step" for "pgdn/ctrl+n"), then bindings are left
// out from the end of bs, never the pinned ones. The full help (?) lists
// them all.
func ShortHelp(st *themes.Styles, w int, bs []key.Binding, pinned ...key.Binding) string {
	bs, pinned = enabled(bs), enabled(pinned)
	if items := append(shortItems(bs, false), shortItems(pinned, false)...); width(items) <= w {
		return renderShort(st, items)
	}
	for n := len(bs); ; n-- {
		items := append(shortItems(bs[:n], true), shortItems(pinned, true)...)
		if width(items) <= w || n == 0 {
			return renderShort(st, items)
		}
	}
}

type shortItem struct{ key, desc string }

func enabled(bs []key.Binding) []key.Binding {
	var out []key.Binding
	for _, b := range bs {
		if b.Enabled() && b.Help().Key != "" {
			out = append(out, b)
		}
	}
	return out
}

// shortItems are the bindings' help; firstOnly keeps each key's first name.
func shortItems(bs []key.Binding, firstOnly bool) []shortItem {
	items := make([]shortItem, 0, len(bs))
	for _, b := range bs {
		k := b.Help().Key
		if firstOnly && len(k) > 1 {
			if i := strings.Index(k[1:], "/"); i >= 0 {
				k = k[:i+1]
			}
		}
		items = append(items, shortItem{k, b.Help().Desc})
	}
	return items
}

func width(items []shortItem) int {
	n := 0
	for i, it := range items {
		if i > 0 {
			n += ansi.StringWidth(shortSep)
		}
		n += ansi.StringWidth(it.key) + 1 + ansi.StringWidth(it.desc)
	}
	return n
}

func renderShort(st *themes.Styles, items []shortItem) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString(st.HelpSep.Render(shortSep))
		}
		b.WriteString(st.HelpKey.Render(it.key) + " " + st.HelpDesc.Render(it.desc))
	}
	return b.String()
}
