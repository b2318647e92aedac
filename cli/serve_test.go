package cli

import (
	"bytes"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"backprop/internal/testkit"
)

func TestServeRefusesWithoutAuth(t *testing.T) {
	t.Setenv("BACKPROP_PASSWORD", "")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var out, errb bytes.Buffer
	code := Run([]string{"serve", "--listen", "127.0.0.1:0"}, &out, &errb)
	if code != 2 {
		t.Errorf("exit %d, want 2", code)
	}
	want := "serve: no authentication configured; use --authorized-keys, --password-file, BACKPROP_PASSWORD or --open"
	if !strings.Contains(errb.String(), want) {
		t.Errorf("stderr = %q\nwant %q", errb.String(), want)
	}
}

func TestServeFlagErrors(t *testing.T) {
	t.Setenv("BACKPROP_PASSWORD", "")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	empty := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(empty, []byte("\nsecond\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--log-format", "xml", "--open"}, "-log-format \"xml\""},
		{[]string{"--password-file", "/nonexistent/pw"}, "-password-file"},
		{[]string{"--password-file", empty}, "first line is empty"},
		{[]string{"--open", "extra"}, "unexpected argument"},
		{[]string{"--open", "--cpu-share", "-1"}, "backprop serve: --cpu-share -1: want a positive value\n"},
		{[]string{"--open", "--cpu-share", "0"}, "--cpu-share 0: want a positive value"},
		{[]string{"--open", "--cpu-share", "NaN"}, "--cpu-share NaN: want a positive value"},
		{[]string{"--open", "--max-sessions", "0"}, "--max-sessions 0: want a positive value, or -1 for unlimited"},
		{[]string{"--open", "--max-startups", "0"}, "--max-startups 0: want a positive value, or -1 for unlimited"},
		{[]string{"--open", "--per-source-startups", "-3"}, "--per-source-startups -3: want a positive value, or -1 for unlimited"},
		{[]string{"--open", "--per-source-penalty", "0s"}, "--per-source-penalty 0s: want a positive value, or -1s for none"},
		{[]string{"--open", "--cpu-share", "100000"}, "--cpu-share 100000: want at most"},
		{[]string{"--open", "--max-fps", "1e6"}, "--max-fps 1e+06: want at most 1000"},
		{[]string{"--open", "--max-fps", "0"}, "--max-fps 0: want a positive value, or -1 for no cap"},
		{[]string{"--open", "--idle-timeout", "0s"}, "--idle-timeout 0s: want a positive value, or -1s for never"},
		{[]string{"--open", "--max-weights", "-5"}, "--max-weights -5: want a positive value"},
		{[]string{"--open", "--rate-burst", "0"}, "--rate-burst 0: want a positive value"},
		{[]string{"--open", "--max-undo-mb", "0"}, "--max-undo-mb 0: want a positive value"},
		{[]string{"--open", "--bogus"}, "backprop serve: unknown flag --bogus (see backprop serve --help)\n"},
		{[]string{"--open", "--max-sesions", "5"}, "backprop serve: unknown flag --max-sesions (did you mean --max-sessions?)\n"},
		{[]string{"--open", "--max-sessions", "-5"}, "--max-sessions -5: want a positive value, or -1 for unlimited"},
		{[]string{"--open", "--idle-timeout", "-5m"}, "--idle-timeout -5m0s: want a positive value, or -1s for never"},
		{[]string{"--open", "--max-undo-mb", "1e300"}, "--max-undo-mb 1e+300: want at most 1048576"},
		{[]string{"--open", "--max-sessions", "x"}, "--max-sessions: invalid value \"x\": want a whole number"},
		{[]string{"--open", "--preset", "no-such-preset"}, "-preset"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := Run(append([]string{"serve"}, tc.args...), &out, &errb); code == 0 {
			t.Errorf("%v: exit 0", tc.args)
		}
		if strings.Count(errb.String(), "\n") > 2 {
			t.Errorf("%v: want a short message, got %d lines:\n%s", tc.args, strings.Count(errb.String(), "\n"), errb.String())
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: stderr = %q, want %q", tc.args, errb.String(), tc.want)
		}
	}
}

func TestServeHelp(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var out, errb bytes.Buffer
	if code := Run([]string{"serve", "--help"}, &out, &errb); code != 0 {
		t.Fatalf("exit %d, want 0; stderr %q", code, errb.String())
	}
	if errb.Len() != 0 {
		t.Errorf("help went to stderr: %q", errb.String())
	}
	help := out.String()
	// every flag is listed once, as --name, like the other commands' help
	seen := map[string]bool{}
	for _, g := range serveFlagGroups() {
		for _, n := range g.names {
			if seen[n] {
				t.Errorf("flag %s in two groups", n)
			}
			seen[n] = true
		}
	}
	for _, line := range strings.Split(help, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "-") && !strings.HasPrefix(f[0], "--") {
			t.Errorf("single-dash flag in help: %q", line)
		}
	}
	for _, want := range []string{"--listen", "--authorized-keys", "--password-file", "--open", "--teacher-key", "--max-sessions",
		"--idle-timeout", "--max-timeout", "--rate-limit", "--rate-burst", "--cpu-share", "--max-fps", "--max-neurons",
		"--max-weights", "--max-samples", "--data-dir", "--datasets-dir", "--report", "--preset", "--proxy-protocol", "--log-format",
		"--shutdown-timeout", "--host-key", "--max-undo-mb", "--max-startups", "--per-source-startups", "--per-source-penalty"} {
		if strings.Count(help, "  "+want+" ") != 1 {
			t.Errorf("help lists %s %d times, want once:\n%s", want, strings.Count(help, "  "+want+" "), help)
		}
	}
}

func TestReadPassword(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "pw")
	if err := os.WriteFile(p, []byte("hunter2\r\nignored\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	got, err := readPassword(p, "fromenv", log)
	if err != nil || got != "hunter2" {
		t.Fatalf("readPassword = %q, %v", got, err)
	}
	if !strings.Contains(logs.String(), "readable by other users") {
		t.Error("no warning for a 0644 password file")
	}
	if got, _ := readPassword("", "fromenv", log); got != "fromenv" {
		t.Errorf("env fallback = %q", got)
	}
}

// TestServeSignalShutdown runs `backprop serve` with the real trainer, opens
// a session with the Go SSH client, then sends this process SIGINT: the user
// is told the server is stopping and runServe returns 0.
func TestServeSignalShutdown(t *testing.T) {
	t.Setenv("BACKPROP_PASSWORD", "pw")
	dir := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	var out, errb syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- Run([]string{"serve", "--listen", addr, "--host-key", filepath.Join(dir, "hk"),
			"--data-dir", filepath.Join(dir, "users"), "--preset", "xor", "--shutdown-timeout", "5s"}, &out, &errb)
	}()
	var client *gossh.Client
	for i := 0; i < 200; i++ {
		if client, err = testkit.DialSSH(addr, "student", gossh.Password("pw")); err == nil {
			break
		}
		select {
		case code := <-done:
			t.Fatalf("runServe exited early with %d: %s", code, errb.String())
		case <-time.After(25 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if st, err := os.Stat(filepath.Join(dir, "hk")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("host key: %v, %v", st, err)
	}
	tm := testkit.OpenSSHTerm(t, client, 100, 30)
	tm.WaitScreen("quit") // the trainer's key help
	if err := syscall.Kill(os.Getpid(), syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("runServe exit %d; stderr:\n%s", code, errb.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("runServe did not stop after SIGINT")
	}
	_ = tm.WaitDone()
	tm.WaitOutput("server is stopping")
	logs := errb.String()
	for _, want := range []string{"msg=connect", "msg=disconnect", "signal received"} {
		if !strings.Contains(logs, want) {
			t.Errorf("log lacks %q:\n%s", want, logs)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// serve --help (like train --help) keeps its flag table aligned: every
// usage starts in the same column, however long the flag's name.
func TestServeHelpAligned(t *testing.T) {
	for _, cmd := range []string{"serve", "train"} {
		var out, errb bytes.Buffer
		if code := Run([]string{cmd, "--help"}, &out, &errb); code != 0 {
			t.Fatalf("%s --help: exit %d: %s", cmd, code, errb.String())
		}
		col := -1
		for _, l := range strings.Split(out.String(), "\n") {
			if !strings.HasPrefix(l, "  --") {
				continue
			}
			head, _, ok := strings.Cut(l[2:], "  ") // the head, then padding
			if !ok {                                // a head on its own line, or a usage run into its head
				if strings.Count(l[2:], " ") > 1 {
					t.Errorf("%s --help: no column: %q", cmd, l)
				}
				continue
			}
			c := 2 + len(head) + len(l[2+len(head):]) - len(strings.TrimLeft(l[2+len(head):], " "))
			if col < 0 {
				col = c
			}
			if c != col {
				t.Errorf("%s --help: the usage starts at column %d, not %d: %q", cmd, c, col, l)
			}
		}
	}
}
