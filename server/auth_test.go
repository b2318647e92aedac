package server

import (
	"net"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseAuthorizedKeys(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	tests := []struct {
		name    string
		in      string
		n       int
		wantErr string
	}{
		{"empty", "", 0, ""},
		{"comments and blanks", "# c\n\n   \n", 0, ""},
		{"two keys", k1.authz + "\n# x\n" + k2.authz, 2, ""},
		{"options and comment", `from="10.0.0.0/8",no-pty ` + strings.TrimSpace(k1.authz) + " alice@laptop\n", 1, ""},
		{"bad line 3", k1.authz + "\nnot a key\n", 0, "ak:3:"},
		{"crlf", strings.TrimSpace(k1.authz) + "\r\n", 1, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			keys, err := ParseAuthorizedKeys("ak", []byte(tc.in))
			if tc.wantErr != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want prefix %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || len(keys) != tc.n {
				t.Fatalf("got %d keys, err %v; want %d", len(keys), err, tc.n)
			}
		})
	}
}

func FuzzParseAuthorizedKeys(f *testing.F) {
	f.Add([]byte("# comment\n\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGnQ2Yq7cWkJ0bJ9L0wz6dtx0jTqTPmVbAE6AqV0rrfX me\n"))
	f.Add([]byte("ssh-rsa AAAA\n"))
	f.Add([]byte("\x00\xff\n#\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		keys, err := ParseAuthorizedKeys("f", data)
		if err != nil && !strings.HasPrefix(err.Error(), "f:") {
			t.Fatalf("error without line: %v", err)
		}
		for _, k := range keys {
			if k == nil {
				t.Fatal("nil key")
			}
		}
	})
}

func TestPasswordsEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"pw", "pw", true}, {"pw", "pW", false}, {"pw", "pw ", false}, {"", "x", false}, {"x", "", false},
	}
	for _, tc := range tests {
		if got := passwordsEqual(tc.a, tc.b); got != tc.want {
			t.Errorf("passwordsEqual(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}

func TestSanitizeEnv(t *testing.T) {
	got := sanitizeEnv([]string{
		"COLORTERM=truecolor", "NO_COLOR=1", "TERM=evil", "LD_PRELOAD=/tmp/x.so",
		"LANG=en_US.UTF-8", "PATH=/bin", "LC_ALL=" + strings.Repeat("x", 100),
		"CLICOLOR_FORCE=\x1b[31m", "novalue",
	}, "xterm-256color")
	want := "COLORTERM=truecolor LANG=en_US.UTF-8 NO_COLOR=1 TERM=xterm-256color"
	if strings.Join(got, " ") != want {
		t.Errorf("sanitizeEnv = %v\nwant %s", got, want)
	}
	if got := sanitizeEnv(nil, "bad\x1bterm"); len(got) != 0 {
		t.Errorf("control chars in TERM kept: %q", got)
	}
}

func FuzzSanitizeEnv(f *testing.F) {
	f.Add("TERM=xterm", "xterm-256color")
	f.Add("NO_COLOR=\x00", "\xff")
	f.Fuzz(func(t *testing.T, kv, term string) {
		for _, e := range sanitizeEnv([]string{kv, kv + "=x"}, term) {
			k, v, ok := strings.Cut(e, "=")
			if !ok || !allowedEnv[k] || !cleanValue(v) {
				t.Fatalf("unsafe entry %q", e)
			}
		}
	})
}

func TestDisplayName(t *testing.T) {
	tests := map[string]string{
		"alice": "alice", "Zoë Müller": "Zoë Müller", "": "anonymous", "  ": "anonymous",
		"  bob  ": "bob", "../../etc": "../../etc",
		"\x1b[2Jevil":                 `\x1b[2Jevil`, // a terminal sequence shows, escaped
		"a\u200bb":                    "a_b",         // zero-width space
		"\u202eevil":                  `\u202eevil`,  // bidi override
		strings.Repeat("z", 70):       strings.Repeat("z", 64),
		strings.Repeat("é", 40):       strings.Repeat("é", 32),
		"Alice Smith <alice@uni.edu>": "Alice Smith <alice@uni.edu>",
	}
	for in, want := range tests {
		got := displayName(in)
		if got != want || !utf8.ValidString(got) || len(got) > maxName {
			t.Errorf("displayName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestIPLimiter(t *testing.T) {
	clk := &fakeClock{t: time.Unix(1000, 0)}
	l := newIPLimiter(60, 2, clk.now) // 1 per second, burst 2
	a := &net.TCPAddr{IP: net.ParseIP("10.0.0.1"), Port: 1}
	b := &net.TCPAddr{IP: net.ParseIP("10.0.0.2"), Port: 2}
	for i := 0; i < 2; i++ {
		if ok, _ := l.allow(a); !ok {
			t.Fatalf("connection %d refused within burst", i)
		}
	}
	ok, wait := l.allow(a)
	if ok || wait <= 0 || wait > time.Second {
		t.Fatalf("third: ok=%v wait=%v, want refused with wait in (0,1s]", ok, wait)
	}
	if ok, _ := l.allow(b); !ok {
		t.Error("other IP limited")
	}
	clk.advance(time.Second)
	if ok, _ := l.allow(a); !ok {
		t.Error("not refilled after 1s")
	}
	// A refused attempt does not consume a token.
	if ok, _ := newIPLimiter(-1, 1, clk.now).allow(a); !ok {
		t.Error("unlimited limiter refused")
	}
}
