package cli

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// The README's captures and command outputs are checked against the app:
// every fenced block without a language is output, and the comment line
// just above it says how it is made, so a test can make it again:
//
//	<!-- walk: size=80x24 args="--preset xor" keys="s s s s space" -->
//	    the screen after starting the trainer with args in a terminal of
//	    that size and pressing keys (readme_walk_test.go, in tmux)
//	<!-- output: NAME -->
//	    the output of check NAME (readme_output_test.go)
//
// Blocks with a language (sh, json, ini, markdown, text) are things to
// type or read, not output. BACKPROP_README_UPDATE=1 rewrites the output
// blocks with what the app shows (look at the diff before committing).

// readmeBlock is one fenced block of the README.
type readmeBlock struct {
	line   int    // of the opening fence, 1-based
	lang   string // after the fence
	body   string // the lines between the fences
	marker string // the comment line above the fence, "" if none
	indent string // before the fence (a block in a list item), and before each line
	// start and end are the byte offsets of body in the README
	start, end int
}

var markerRE = regexp.MustCompile(`^<!-- (walk|output): (.*) -->$`)

// readmeBlocks reads the README's fenced blocks (a ```` fence holds ```
// blocks as text).
func readmeBlocks(t *testing.T) (string, []readmeBlock) {
	t.Helper()
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	var blocks []readmeBlock
	lines := strings.SplitAfter(s, "\n")
	off := 0
	var open *readmeBlock
	fence := ""
	for i, l := range lines {
		trim := strings.TrimSpace(l) // a list item's block is indented
		switch {
		case open == nil && strings.HasPrefix(trim, "```"):
			fence = strings.Repeat("`", len(trim)-len(strings.TrimLeft(trim, "`")))
			open = &readmeBlock{line: i + 1, lang: strings.TrimSpace(trim[len(fence):]), start: off + len(l),
				indent: l[:len(l)-len(strings.TrimLeft(l, " "))]}
			if i > 0 {
				open.marker = strings.TrimSpace(lines[i-1])
			}
		case open != nil && trim == fence:
			open.end = off
			var body []string
			for _, bl := range strings.SplitAfter(s[open.start:open.end], "\n") {
				body = append(body, strings.TrimPrefix(bl, open.indent))
			}
			open.body = strings.Join(body, "")
			blocks = append(blocks, *open)
			open = nil
		}
		off += len(l)
	}
	if open != nil {
		t.Fatalf("README.md:%d: the block is not closed", open.line)
	}
	return s, blocks
}

// marked returns the README's output blocks by kind (walk or output): the
// marker's argument and the block.
func marked(t *testing.T, kind string) ([]string, []readmeBlock) {
	t.Helper()
	_, blocks := readmeBlocks(t)
	var args []string
	var out []readmeBlock
	for _, b := range blocks {
		if m := markerRE.FindStringSubmatch(b.marker); m != nil && m[1] == kind {
			args = append(args, m[2])
			out = append(out, b)
		}
	}
	return args, out
}

// TestREADMEOutputsAreMarked: every output block of the README says how it
// is made, so none goes unchecked.
func TestREADMEOutputsAreMarked(t *testing.T) {
	_, blocks := readmeBlocks(t)
	inputs := []string{"sh", "json", "ini", "markdown", "text"}
	var names []string
	for _, b := range blocks {
		m := markerRE.FindStringSubmatch(b.marker)
		switch {
		case b.lang == "" && m == nil:
			t.Errorf("README.md:%d: an output block without a <!-- walk: … --> or <!-- output: … --> line above it", b.line)
		case b.lang != "" && !slices.Contains(inputs, b.lang):
			t.Errorf("README.md:%d: block language %q (want none for output, or one of %v)", b.line, b.lang, inputs)
		case m != nil && m[1] == "output":
			names = append(names, m[2])
		}
	}
	for _, n := range names {
		if _, ok := readmeOutputs()[n]; !ok {
			t.Errorf("README.md: <!-- output: %s --> names no check in readmeOutputs", n)
		}
	}
	for n := range readmeOutputs() {
		if !slices.Contains(names, n) {
			t.Errorf("readmeOutputs has %q, which no README block uses", n)
		}
	}
}

// normalise drops trailing spaces and trailing empty lines.
func normalise(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// updateREADME replaces the bodies of blocks by bodies (same order) when
// BACKPROP_README_UPDATE=1, and reports whether it did.
func updateREADME(t *testing.T, blocks []readmeBlock, bodies []string) bool {
	t.Helper()
	if os.Getenv("BACKPROP_README_UPDATE") != "1" {
		return false
	}
	s, _ := readmeBlocks(t)
	for i := len(blocks) - 1; i >= 0; i-- {
		if bodies[i] == "" {
			continue
		}
		b := blocks[i]
		lines := strings.Split(normalise(bodies[i]), "\n")
		for j, l := range lines {
			if l != "" {
				lines[j] = b.indent + l
			}
		}
		s = s[:b.start] + strings.Join(lines, "\n") + "\n" + s[b.end:]
	}
	if err := os.WriteFile("../README.md", []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return true
}

// diffLines shows where want and got differ, line by line.
func diffLines(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d\n  README: %s\n  app:    %s\n", i+1, wl, gl)
		}
	}
	return b.String()
}
