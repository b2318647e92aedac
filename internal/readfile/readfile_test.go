package readfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello\n"), 0o600)
	big := filepath.Join(dir, "big\x1b[2J")
	f, _ := os.Create(big)
	f.Truncate(3 << 30) // sparse: 3 GiB on a small disk
	f.Close()
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o600)

	if b, err := Read(small, "a test file", 6); err != nil || string(b) != "hello\n" {
		t.Fatalf("Read(small) = %q, %v", b, err)
	}
	if b, err := Read(empty, "a test file", 6); err != nil || len(b) != 0 {
		t.Fatalf("Read(empty) = %q, %v", b, err)
	}
	for _, c := range []struct {
		path string
		max  int64
		want string
		is   error
	}{
		{small, 5, "small: the file is 6 bytes, over the limit of 5 bytes for a test file", ErrTooLarge},
		{big, 1 << 20, `big\x1b[2J: the file is 3 GiB, over the limit of 1 MiB for a test file`, ErrTooLarge},
		{"/dev/zero", 1 << 20, "/dev/zero: more than 1 MiB, the limit for a test file", ErrTooLarge},
		{dir, 1 << 20, "is a directory, not a test file", nil},
		{filepath.Join(dir, "missing\x1b]2;x\x07"), 1, `missing\x1b]2;x\x07: no such file or directory`, fs.ErrNotExist},
	} {
		b, err := Read(c.path, "a test file", c.max)
		if err == nil || !strings.Contains(err.Error(), c.want) || b != nil {
			t.Errorf("Read(%q, %d) = %d bytes, %v; want an error saying %q", c.path, c.max, len(b), err, c.want)
			continue
		}
		if c.is != nil && !errors.Is(err, c.is) {
			t.Errorf("Read(%q): %v does not wrap %v", c.path, err, c.is)
		}
		if strings.ContainsRune(err.Error(), 0x1b) {
			t.Errorf("Read(%q): %q holds ESC", c.path, err)
		}
	}
}

func TestOpen(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	os.WriteFile(small, []byte("hello\n"), 0o600)
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	f, n, err := Open(small, "a test file", 6)
	if err != nil || n != 6 {
		t.Fatalf("Open(small) = %d, %v", n, err)
	}
	f.Close()
	for _, c := range []struct {
		path string
		want string
		is   error
	}{
		{small + "x", "no such file", fs.ErrNotExist},
		{"/dev/zero", "/dev/zero: not a regular file (a character device); a test file must be one", ErrNotRegular},
		{fifo, "not a regular file (a named pipe)", ErrNotRegular}, // without blocking for a writer
		{dir, "not a regular file (a directory)", ErrNotRegular},
	} {
		f, _, err := Open(c.path, "a test file", 6)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, c.is) || f != nil {
			t.Errorf("Open(%q) = %v; want an error saying %q", c.path, err, c.want)
		}
	}
	if _, _, err := Open(small, "a test file", 5); !errors.Is(err, ErrTooLarge) ||
		!strings.Contains(err.Error(), "the file is 6 bytes, over the limit of 5 bytes for a test file") {
		t.Errorf("Open over the limit: %v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{
		512: "512 bytes", 1 << 10: "1 KiB", 1 << 30: "1 GiB", 2038400000: "1.9 GiB (2038400000 bytes)",
	} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
