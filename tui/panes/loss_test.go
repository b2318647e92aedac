package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// A flat stretch of loss labels each y value once (asciigraph prints one
// per row: 0.129 three times), in colour and mono.
func TestLossDistinctLabels(t *testing.T) {
	in := []string{"\x1b[90m  0.129\x1b[0m\x1b[90m ┤\x1b[0m x", "\x1b[90m  0.129\x1b[0m\x1b[90m ┤\x1b[0m", "  0.128 ┼╮", "  0.128 ┤╰"}
	rows := distinctLabels(append([]string(nil), in...))
	want := []string{"0.129 ┤ x", "┤", "0.128 ┼╮", "┤╰"}
	for i, r := range rows {
		if got := strings.TrimSpace(ansi.Strip(r)); got != want[i] {
			t.Errorf("row %d: %q, want %q", i, got, want[i])
		}
		if ansi.StringWidth(r) != ansi.StringWidth(in[i]) {
			t.Errorf("row %d changed width", i)
		}
	}
	if !strings.Contains(rows[1], "\x1b[90m ┤") {
		t.Errorf("the axis lost its colour: %q", rows[1])
	}
}
