package server

import (
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	gossh "golang.org/x/crypto/ssh"
)

// rawControl reports the first character in s that a terminal would act
// on: a byte below 0x20 other than newline and tab, ESC, DEL, a C1
// control, a bidi control or invalid UTF-8.
func rawControl(s string) string {
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
			r == 0x200e, r == 0x200f, r == 0x061c, r == 0x2028, r == 0x2029:
			return fmt.Sprintf("%U at byte %d in %q", r, i, s[max(0, i-60):min(len(s), i+60)])
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"):
			return fmt.Sprintf("invalid UTF-8 at byte %d", i)
		}
	}
	return ""
}

// TestLogsAreSafeText: a user name and a terminal name that hold escapes,
// C1 controls and bidi overrides reach the logs (JSON and text) escaped.
// slog's JSON handler escapes C0 controls itself but writes C1 controls
// and U+202E as they are.
func TestLogsAreSafeText(t *testing.T) {
	user := "eve\u009b2J\u202egnp.exe\x1b]2;pwned\x07"
	for _, format := range []string{"json", "text"} {
		t.Run(format, func(t *testing.T) {
			logs := &testLog{}
			var h slog.Handler = slog.NewTextHandler(logs, nil)
			if format == "json" {
				h = slog.NewJSONHandler(logs, nil)
			}
			_, addr, _ := startServer(t, Config{Password: "pw", Logger: slog.New(h)})
			if c, err := dial(addr, user, gossh.Password("wrong")); err == nil {
				c.Close()
				t.Fatal("a wrong password logged in")
			}
			c, err := dial(addr, user, gossh.Password("pw"))
			if err != nil {
				t.Fatal(err)
			}
			sess, err := c.NewSession()
			if err != nil {
				t.Fatal(err)
			}
			if err := sess.RequestPty("xterm\u202e\u0085", 24, 80, gossh.TerminalModes{}); err != nil {
				t.Fatal(err)
			}
			if err := sess.Shell(); err != nil {
				t.Fatal(err)
			}
			sess.Close()
			c.Close()
			for range 200 {
				if strings.Contains(logs.String(), "disconnect") {
					break
				}
				time.Sleep(10 * time.Millisecond)
			}
			l := logs.String()
			if bad := rawControl(l); bad != "" {
				t.Errorf("the log holds %s:\n%s", bad, l)
			}
			if !strings.Contains(l, `u202egnp.exe`) || !strings.Contains(l, "auth rejected") || !strings.Contains(l, "connect") {
				t.Errorf("the log should name the user (escaped) on the rejected and the accepted login:\n%s", l)
			}
		})
	}
}
