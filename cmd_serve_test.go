package main

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestServeRefusesWithoutAuth(t *testing.T) {
	t.Setenv("BACKPROP_PASSWORD", "")
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	var out, errb bytes.Buffer
	code := runServe([]string{"--listen", "127.0.0.1:0"}, &out, &errb)
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
		{[]string{"--open", "--cpu-share", "-1"}, "CPUShare"},
		{[]string{"--open", "--preset", "no-such-preset"}, "-preset"},
	}
	for _, tc := range tests {
		var out, errb bytes.Buffer
		if code := runServe(tc.args, &out, &errb); code == 0 {
			t.Errorf("%v: exit 0", tc.args)
		}
		if !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: stderr = %q, want %q", tc.args, errb.String(), tc.want)
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
