package widget

import (
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"

	"backprop/themes"
)

func TestShortHelpFitsWithoutCutting(t *testing.T) {
	b := func(keys, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys), key.WithHelp(help, desc))
	}
	bs := []key.Binding{b("pgdown", "pgdn/ctrl+n", "next step"), b("pgup", "pgup/ctrl+p", "previous step"), b("ctrl+l", "ctrl+l", "show/hide lesson")}
	help, quit := b("?", "?", "all keys"), b("q", "q/ctrl+c", "quit")
	st := themes.Mono()
	tests := []struct {
		w    int
		want string
	}{
		{120, "pgdn/ctrl+n next step • pgup/ctrl+p previous step • ctrl+l show/hide lesson • ? all keys • q/ctrl+c quit"},
		// first names only, then the last bindings left out; ? and q stay
		{85, "pgdn next step • pgup previous step • ctrl+l show/hide lesson • ? all keys • q quit"},
		{80, "pgdn next step • pgup previous step • ? all keys • q quit"},
		{45, "pgdn next step • ? all keys • q quit"},
		{30, "? all keys • q quit"},
	}
	for _, tc := range tests {
		got := ansi.Strip(ShortHelp(st, tc.w, bs, help, quit))
		if got != tc.want {
			t.Errorf("w=%d:\n got %q\nwant %q", tc.w, got, tc.want)
		}
		if ansi.StringWidth(got) > tc.w && tc.w >= 30 {
			t.Errorf("w=%d: %d cells", tc.w, ansi.StringWidth(got))
		}
	}
}
