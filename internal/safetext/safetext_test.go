package safetext

import (
	"errors"
	"fmt"
	"log/slog"
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

// TestWriter: a Writer cleans each write, keeps the layout it is told to,
// and a UTF-8 sequence split across writes arrives whole.
func TestWriter(t *testing.T) {
	var b strings.Builder
	w := NewWriter(&b, Newline|Tab)
	parts := []string{"err: a\x1b[2J\n", "\tcafé ", "\xe2", "\x80", "\xae ok\u202e ", "\xff end\n"}
	for _, p := range parts {
		if n, err := w.Write([]byte(p)); n != len(p) || err != nil {
			t.Fatalf("Write(%q) = %d, %v", p, n, err)
		}
	}
	want := "err: a\\x1b[2J\n\tcafé \\u202e ok\\u202e \\xff end\n" // the split U+202E escaped once, whole
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	check(t, strings.Join(parts, ""), b.String(), Newline|Tab)
}

func TestPrintable(t *testing.T) {
	for r, want := range map[rune]bool{'a': true, 'é': true, '∂': true, ' ': true, '\t': false, '\n': false, 0x1b: false,
		0x7f: false, 0x9b: false, 0x202e: false, 0x2066: false, 0x2028: false, utf8.RuneError: false} {
		if Printable(r) != want {
			t.Errorf("Printable(%U) = %v", r, !want)
		}
	}
}

// TestLogHandler: a record's message, values, errors, Stringers, groups
// and attributes added with With are cleaned; numbers keep their kind.
func TestLogHandler(t *testing.T) {
	var b strings.Builder
	log := slog.New(LogHandler(slog.NewJSONHandler(&b, nil))).With("user", "eve\u202e\u009b")
	log = slog.New(LogHandler(log.Handler())) // wrapping twice cleans once
	log.WithGroup("g\u0085").Info("hi\u202e", "err", errors.New("x\u009b2J"), "n", 3, "s", stringer("y\u202e"),
		slog.Group("grp", "k", "z\u2066"), "b", []byte("\u009b"))
	out := b.String()
	check(t, "", strings.ReplaceAll(out, "\n", ""), 0)
	for _, want := range []string{`"msg":"hi\\u202e"`, `"user":"eve\\u202e\\u009b"`, `"err":"x\\u009b2J"`, `"n":3`,
		`"s":"y\\u202e"`, `"k":"z\\u2066"`, `"g\\u0085":{`, `"b":"\\u009b"`} {
		if !strings.Contains(out, want) {
			t.Errorf("log %s\nwant it to contain %s", out, want)
		}
	}
}

type stringer string

func (s stringer) String() string { return string(s) }
