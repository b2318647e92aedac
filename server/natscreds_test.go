package server

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backprop/internal/testkit"
)

// TestConnectNATSCreds: a NATS that requires credentials admits serve
// with the right creds file (--nats-creds) and refuses it, saying so,
// without one, with a user it does not know and with a file that is not
// there or not creds.
func TestConnectNATSCreds(t *testing.T) {
	a := testkit.StartAuthNATS(t)
	connect := func(creds string) (*NATSLink, error) {
		return ConnectNATS(context.Background(), NATSConfig{URL: a.URL, CredsFile: creds, Instance: "i1", Class: "c1",
			Logger: slog.New(slog.DiscardHandler)})
	}
	l, err := connect(a.Good)
	if err != nil {
		t.Fatalf("with the right creds: %v", err)
	}
	// the buckets are usable
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := l.presence.Put(ctx, "i1", []byte(`{}`)); err != nil {
		t.Errorf("a write with the right creds: %v", err)
	}
	l.Close()

	garbage := filepath.Join(t.TempDir(), "garbage.creds")
	if err := os.WriteFile(garbage, []byte("not a creds file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, creds, want string }{
		{"none", "", "NATS asks for credentials: give --nats-creds FILE"},
		{"unknown user", a.Wrong, "NATS refused the credentials in " + a.Wrong},
		{"no such file", filepath.Join(t.TempDir(), "missing.creds"), "missing.creds"},
		{"not creds", garbage, "garbage.creds"},
	} {
		_, err := connect(c.creds)
		if err == nil {
			t.Errorf("%s: connected", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), a.URL) {
			t.Errorf("%s: %v, want it to name %s and say %q", c.name, err, a.URL, c.want)
		}
	}
}
