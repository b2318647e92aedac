// Package safetext makes text that comes from outside the program (file
// names, CSV headers and class labels, lesson text, user names) safe to
// print on a terminal: the screen, CLI output and error messages.
//
// A terminal obeys bytes, not just shows them: ESC starts a sequence that
// can clear the screen (ESC [ 2 J), set the window title (ESC ] 2 ; … BEL)
// or write the clipboard (OSC 52); CR and backspace overwrite what was
// printed; a C1 control (U+0080–U+009F, or the raw byte 0x9B on an 8-bit
// terminal) acts as an ESC sequence; bidi overrides (U+202E …) reorder
// what the reader sees. Clean rewrites every such character as a visible
// escape in Go's notation (\x1b, \u202e), so the text stays readable and
// the terminal receives only printable characters.
//
// Clean is applied where text enters (a data set's names, a lesson as it is
// parsed) or where it leaves: Writer cleans everything written to a stream
// (the CLI's stderr), LogHandler every log record, and Printable filters
// what a prompt accepts as it is typed.
//
// # Invariants
//
//   - Clean's result is valid UTF-8 and holds no byte < 0x20 (except '\n'
//     and '\t' when the caller keeps them), no DEL, no C1 control, no bidi
//     control, no U+2028/U+2029 and no invalid byte.
//   - Text with none of those is returned unchanged (the same string).
//   - Clean(Clean(s, k), k) == Clean(s, k).
//
// Backslashes are left alone, so Clean is not injective (a label that
// spells \x1b and one that holds ESC look alike); it is for showing text,
// not for encoding it.
package safetext

import (
	"io"
	"strings"
	"unicode/utf8"
)

// Keep says which layout characters Clean lets through.
type Keep uint8

const (
	Newline Keep = 1 << iota // keep '\n' (multi-line text: lesson bodies)
	Tab                      // keep '\t'
)

// Clean returns s with every character a terminal would act on replaced by
// a visible escape: C0 controls (bytes < 0x20, except '\n' and '\t' when
// keep allows them), DEL, C1 controls, bidi embeddings, overrides and
// isolates (U+202A–U+202E, U+2066–U+2069, U+200E/F, U+061C), the line and
// paragraph separators U+2028/U+2029, and bytes that are not UTF-8.
// Newline, CR and tab become \n, \r and \t, other control bytes \xNN,
// the rest \uNNNN.
func Clean(s string, keep Keep) string {
	i := firstUnsafe(s, keep)
	if i < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for i < len(s) {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			writeHex(&b, `\x`, uint32(s[i]), 2)
		case !unsafeRune(r, keep):
			b.WriteString(s[i : i+n])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80:
			writeHex(&b, `\x`, uint32(r), 2)
		default:
			writeHex(&b, `\u`, uint32(r), 4)
		}
		i += n
	}
	return b.String()
}

// Line is Clean(s, 0): text shown on one line (names, labels, file names).
func Line(s string) string { return Clean(s, 0) }

// firstUnsafe is the byte offset of the first character Clean rewrites, or
// -1.
func firstUnsafe(s string, keep Keep) int {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || unsafeRune(r, keep) {
			return i
		}
		i += n
	}
	return -1
}

// Printable reports whether Line leaves r as it is: r is not a control
// character, a bidi control or a line or paragraph separator. Input that
// is shown as it is typed (a prompt) keeps only such characters.
func Printable(r rune) bool { return r != utf8.RuneError && !unsafeRune(r, 0) }

// unsafeRune reports whether r must be escaped.
func unsafeRune(r rune, keep Keep) bool {
	switch {
	case r == '\n':
		return keep&Newline == 0
	case r == '\t':
		return keep&Tab == 0
	case r < 0x20, r >= 0x7f && r <= 0x9f: // C0, DEL, C1
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, // bidi embeddings, overrides, isolates
		r == 0x200e, r == 0x200f, r == 0x061c, // LRM, RLM, ALM
		r == 0x2028, r == 0x2029: // line and paragraph separators
		return true
	}
	return false
}

func writeHex(b *strings.Builder, prefix string, v uint32, digits int) {
	const hex = "0123456789abcdef"
	b.WriteString(prefix)
	for k := digits - 1; k >= 0; k-- {
		b.WriteByte(hex[(v>>(4*uint(k)))&0xf])
	}
}

// Writer passes everything written to it on through Clean, so that text
// printed to it (errors that quote a file name, a log line with a user's
// name) cannot act on the terminal however it was made. A write that ends
// in the middle of a UTF-8 sequence keeps those bytes for the next one.
type Writer struct {
	w    io.Writer
	keep Keep
	tail []byte // an incomplete UTF-8 sequence at the end of the last write
}

// NewWriter returns a Writer that cleans what it passes to w, keeping the
// layout characters keep names.
func NewWriter(w io.Writer, keep Keep) *Writer { return &Writer{w: w, keep: keep} }

// Write cleans p and writes it; it reports len(p) when the cleaned text was
// written whole.
func (c *Writer) Write(p []byte) (int, error) {
	s := p
	if len(c.tail) > 0 {
		s = append(c.tail, p...)
		c.tail = nil
	}
	if k := partialRune(s); k > 0 {
		c.tail = append([]byte(nil), s[len(s)-k:]...)
		s = s[:len(s)-k]
	}
	if _, err := io.WriteString(c.w, Clean(string(s), c.keep)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// partialRune is the length of an incomplete but so far valid UTF-8
// sequence at the end of s (0 if there is none).
func partialRune(s []byte) int {
	for k := 1; k <= 3 && k <= len(s); k++ {
		c := s[len(s)-k]
		if c < 0x80 {
			return 0
		}
		if c >= 0xc0 { // a leading byte: is its sequence cut short?
			if !utf8.FullRune(s[len(s)-k:]) {
				return k
			}
			return 0
		}
	}
	return 0
}
