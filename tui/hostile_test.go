package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
)

// A terminal claiming 65535×65535 gets a MaxWidth×MaxHeight screen: what a
// frame costs never depends on the size a client claims.
func TestHugeWindowClamped(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 65535, 65535)
	for _, size := range [][2]int{{65535, 65535}, {-5, 1 << 40}, {1 << 40, 30}} {
		send(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(m.View().Content, "\n")
		if len(lines) > MaxHeight {
			t.Errorf("%v: %d lines, want at most %d", size, len(lines), MaxHeight)
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > MaxWidth {
				t.Fatalf("%v: line %d is %d wide, want at most %d", size, i, w, MaxWidth)
			}
		}
	}
}
