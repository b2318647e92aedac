package server

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	uv "github.com/charmbracelet/ultraviolet"
)

func capped(t testing.TB, in string, max int, oneByte bool) string {
	t.Helper()
	var r io.Reader = strings.NewReader(in)
	if oneByte {
		r = iotest.OneByteReader(r)
	}
	out, err := io.ReadAll(&pasteCap{r: r, max: max})
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

func TestPasteCap(t *testing.T) {
	const s, e = "\x1b[200~", "\x1b[201~"
	tests := []struct{ in, want string }{
		{"plain keys", "plain keys"},
		{s + "abc" + e, s + "abc" + e},
		{s + "abcdefgh" + e + "xyz", s + "abcd" + e + "xyz"},
		{s + "abcdefgh" + e + s + "123456" + e, s + "abcd" + e + s + "1234" + e},
		{s + "a\x1b[201" + e, s + "a\x1b[2" + e},     // a partial end marker is content
		{s + "\x1b\x1b[201~q", s + "\x1b" + e + "q"}, // ESC then the marker
		{"\x1b[20" + "0~x" + e, "\x1b[200~x" + e},
		{s + strings.Repeat("z", 1000), s + "zzzz"}, // never ends: still capped
		{"\x1b[A\x1b[200", "\x1b[A\x1b[200"},        // arrow key, partial marker
		{s + "é€" + e, s + "é\xe2\x82" + e},         // cut mid-rune (the parser drops it)
	}
	for _, tc := range tests {
		for _, oneByte := range []bool{false, true} {
			if got := capped(t, tc.in, 4, oneByte); got != tc.want {
				t.Errorf("pasteCap(%q, oneByte=%v) = %q, want %q", tc.in, oneByte, got, tc.want)
			}
		}
	}
}

// FuzzPasteCap: without pastes the input passes unchanged, and no paste
// passes more than max bytes.
func FuzzPasteCap(f *testing.F) {
	f.Add([]byte("\x1b[200~hello\x1b[201~ world"))
	f.Add([]byte("\x1b[200~\x1b\x1b[201~\x1b[200"))
	f.Fuzz(func(t *testing.T, in []byte) {
		out := []byte(capped(t, string(in), 3, false))
		if !bytes.Contains(in, pasteStart) && !bytes.Equal(in, out) {
			t.Fatalf("no paste, but %q became %q", in, out)
		}
		for rest := out; ; {
			_, after, ok := bytes.Cut(rest, pasteStart)
			if !ok {
				break
			}
			content, tail, _ := bytes.Cut(after, pasteEnd)
			if len(content) > 3 {
				t.Fatalf("%q: a paste passed %d bytes, cap 3", out, len(content))
			}
			rest = tail
		}
	})
}

func TestCoalesce(t *testing.T) {
	key := func(s string) uv.Event { return uv.KeyPressEvent{Code: []rune(s)[0], Text: s} }
	ctrlS := uv.KeyPressEvent{Code: 's', Mod: uv.ModCtrl}
	enter := uv.KeyPressEvent{Code: uv.KeyEnter}
	var long []uv.Event
	for range pasteRun {
		long = append(long, key("é"))
	}
	short := long[:pasteRun-1]
	batch := append(append(append([]uv.Event{enter}, short...), ctrlS), long...)
	batch = append(batch, key("q"))
	out := coalesce(batch)
	// enter, the short run key by key, ctrl+s, the long run (and the q
	// that continues it) as one paste.
	if len(out) != 1+len(short)+1+1 {
		t.Fatalf("%d events, want %d: %v", len(out), len(short)+3, out)
	}
	if out[0] != enter || out[len(short)] != short[len(short)-1] || out[len(short)+1] != ctrlS {
		t.Errorf("events out of order: %v", out)
	}
	if p, ok := out[len(out)-1].(uv.PasteEvent); !ok || p.Content != strings.Repeat("é", pasteRun)+"q" {
		t.Errorf("last = %#v, want the long run as a paste", out[len(out)-1])
	}
	if got := coalesce(nil); len(got) != 0 {
		t.Errorf("coalesce(nil) = %v", got)
	}
}
