package cli

import (
	"flag"
	"os"
	"strings"
	"testing"

	"backprop/cli/setup"
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

// TestREADMEFlags: the README mentions every flag of every command, and
// states the noise range the flags check.
func TestREADMEFlags(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, c := range commands() {
		if c.flags == nil {
			continue
		}
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		c.flags(fs)
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(s, "--"+f.Name) {
				t.Errorf("README.md does not mention %s's --%s", c.name, f.Name)
			}
		})
	}
	if want := "| `--noise N` | noise of the generators, " + setup.NoiseRange() + " as in TF Playground"; !strings.Contains(s, want) {
		t.Errorf("README.md's --noise row does not say %q", want)
	}
}

// TestREADMEErrors: the error lines the README quotes are what the program
// prints, each on one line.
func TestREADMEErrors(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Join(strings.Fields(string(b)), " ") // undo the line wrapping
	for _, tc := range [][]string{
		{"train", "--data", "xor", "--lr", "-1"},
		{"train", "--data", "xor", "--epoch", "3"},
		{"eval", "--model", "m.json", "--lr", "3"},
		{"plot", "bondary", "--model", "m.json", "-o", "b.png"},
		{"plot", "weights", "--model", "m.json", "-o", "w.png", "--log"},
	} {
		code, _, errs := runCLI(tc...)
		if code != 2 || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, want 2 and one line:\n%s", tc, code, errs)
		}
		if line := strings.TrimSuffix(errs, "\n"); !strings.Contains(s, "`"+line+"`") {
			t.Errorf("README.md does not quote %v's message %q", tc, line)
		}
	}
}
