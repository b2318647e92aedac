package cli

import (
	"os"
	"strings"
	"testing"

	"backprop/tui"
)

// TestREADMEKeys keeps the README's key table in step with the keymap.
func TestREADMEKeys(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const begin, end = "<!-- keys:begin -->\n", "\n<!-- keys:end -->"
	s := string(b)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatalf("README.md: no %q … %q section", strings.TrimSpace(begin), strings.TrimSpace(end))
	}
	got := strings.TrimSpace(s[i+len(begin) : j])
	want := strings.TrimSpace(tui.KeysMarkdown())
	if got != want {
		t.Errorf("README.md key table differs from the keymap; replace it with:\n%s", want)
	}
}

// TestREADMECommands checks the README names the two set-up commands and
// every subcommand.
func TestREADMECommands(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"go run .", "go test ./..."} {
		if !strings.Contains(s, want) {
			t.Errorf("README.md lacks %q", want)
		}
	}
	for _, c := range commands() {
		if !strings.Contains(s, "backprop "+c.name) {
			t.Errorf("README.md does not mention the command %q", c.name)
		}
	}
}
