package safetext

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClean(t *testing.T) {
	tests := []struct {
		in   string
		keep Keep
		want string
	}{
		{"", 0, ""},
		{"petal width (cm)", 0, "petal width (cm)"},
		{"café ∂C/∂w 日本 😀", 0, "café ∂C/∂w 日本 😀"},
		{`C:\data\x.csv`, 0, `C:\data\x.csv`},
		{"a\x1b]2;pwned\x07b", 0, `a\x1b]2;pwned\x07b`},
		{"\x1b[2J", 0, `\x1b[2J`},
		{"\x1b]52;c;aGk=\x07", 0, `\x1b]52;c;aGk=\x07`},
		{"cr\roverwrite\bx", 0, `cr\roverwrite\x08x`},
		{"nul\x00del\x7f", 0, `nul\x00del\x7f`},
		{"c1 \u009b2J \u0085", 0, `c1 \u009b2J \u0085`},
		{"raw 8-bit CSI \x9b2J", 0, `raw 8-bit CSI \x9b2J`},
		{"bad utf8 \xff\xfe", 0, `bad utf8 \xff\xfe`},
		{"abc\u202edcba", 0, `abc\u202edcba`},
		{"\u2066iso\u2069 \u200e\u200f\u061c", 0, `\u2066iso\u2069 \u200e\u200f\u061c`},
		{"line\u2028sep\u2029", 0, `line\u2028sep\u2029`},
		{"two\nlines\tand tab", 0, `two\nlines\tand tab`},
		{"two\nlines\tand tab", Newline, "two\nlines\\tand tab"},
		{"two\nlines\tand tab", Newline | Tab, "two\nlines\tand tab"},
		{"crlf\r\n", Newline, "crlf\\r\n"},
	}
	for _, tt := range tests {
		if got := Clean(tt.in, tt.keep); got != tt.want {
			t.Errorf("Clean(%q, %d) = %q, want %q", tt.in, tt.keep, got, tt.want)
		}
	}
	if Line("a\x1bb") != `a\x1bb` {
		t.Error("Line")
	}
}

// check fails unless out obeys Clean's invariants.
func check(t *testing.T, in, out string, keep Keep) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Clean(%q) = %q: not UTF-8", in, out)
	}
	for _, r := range out {
		if (r == '\n' && keep&Newline != 0) || (r == '\t' && keep&Tab != 0) {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) ||
			r == 0x200e || r == 0x200f || r == 0x061c || r == 0x2028 || r == 0x2029 {
			t.Fatalf("Clean(%q, %d) = %q holds %U", in, keep, out, r)
		}
	}
	if again := Clean(out, keep); again != out {
		t.Fatalf("not idempotent: %q → %q → %q", in, out, again)
	}
}

func FuzzClean(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J", "a\x1b]2;t\x07", "\u202e", "\xff\x9b", "x\ny\tz\r", "\u0085\u2028"} {
		f.Add(s, uint8(0))
		f.Add(s, uint8(Newline|Tab))
	}
	f.Fuzz(func(t *testing.T, s string, k uint8) {
		keep := Keep(k) & (Newline | Tab)
		out := Clean(s, keep)
		check(t, s, out, keep)
		if strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r >= 0x7f }) < 0 && out != s {
			t.Fatalf("printable ASCII %q changed to %q", s, out)
		}
	})
}

func ExampleClean() {
	label := "cat\x1b]2;owned\x07"
	fmt.Println(Clean(label, 0))
	fmt.Println(Clean("one\ntwo\u202e", Newline))
	// Output:
	// cat\x1b]2;owned\x07
	// one
	// two\u202e
}
