package server

import (
	"encoding/hex"
	"strings"
	"testing"
)

func TestUserID(t *testing.T) {
	for in, want := range map[string]string{
		"alice": "user-alice", "a/b": "user-a_2fb", "a_b": "user-a_5fb", ".": "user-_2e", "é": "user-_c3_a9",
		"Alice": "user-_41lice", "../al ice": "user-_2e_2e_2fal_20ice", "": "user-",
	} {
		if got := userID(in); got != want {
			t.Errorf("userID(%q) = %q, want %q", in, got, want)
		}
	}
	// Names that used to share a folder (cut at 32, or mapped to '_') no
	// longer do.
	long := strings.Repeat("z", 40)
	names := []string{"a/b", "a_b", "a b", ".", "é", "_", long, long + "x", strings.Repeat("z", 32), "Alice", "alice",
		strings.Repeat("é", 100), strings.Repeat("é", 100) + "!"}
	seen := map[string]string{}
	for _, n := range names {
		id := userID(n)
		if prev, ok := seen[id]; ok {
			t.Errorf("%q and %q share the folder %q", prev, n, id)
		}
		seen[id] = n
		if len(id) > 5+maxEscaped+1+32 {
			t.Errorf("userID(%q) is %d bytes long", n, len(id))
		}
	}
}

// unescape inverts userID for names short enough to have no hash.
func unescape(t *testing.T, id string) string {
	t.Helper()
	esc, ok := strings.CutPrefix(id, "user-")
	if !ok {
		t.Fatalf("%q lacks user-", id)
	}
	var out []byte
	for i := 0; i < len(esc); i++ {
		if esc[i] != '_' {
			out = append(out, esc[i])
			continue
		}
		b, err := hex.DecodeString(esc[i+1 : i+3])
		if err != nil {
			t.Fatalf("%q: bad escape at %d", id, i)
		}
		out = append(out, b...)
		i += 2
	}
	return string(out)
}

// FuzzUserID: every folder name is a safe file name, and a short name's
// folder decodes back to it (so no two names share one).
func FuzzUserID(f *testing.F) {
	for _, s := range []string{"alice", "a/b", "..", "é", strings.Repeat("Z", 100), "\x00\x1b[2J"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		id := userID(name)
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
				t.Fatalf("userID(%q) = %q holds %q", name, id, c)
			}
		}
		if len(id) > 5+maxEscaped+1+32 || id == "user-." || id == "user-.." {
			t.Fatalf("userID(%q) = %q", name, id)
		}
		if !strings.Contains(id, ".") {
			if back := unescape(t, id); back != name {
				t.Fatalf("userID(%q) = %q decodes to %q", name, id, back)
			}
		}
	})
}
