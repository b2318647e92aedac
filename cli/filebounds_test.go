package cli

// End-to-end checks of every other file the program reads by name (model
// files, lessons, lesson progress, authorized_keys, host keys, password
// files): each is size-checked before it is read, or read no further than
// its limit, so none ends in Go's out-of-memory crash.

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"backprop/internal/testkit"
)

// longRowModel writes a model file of about 240 MB whose one weights row
// holds 120 million zeros: decoding it whole took more than 3 GB.
func longRowModel(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(`{"format":"backprop/model","version":1,"inputs":2,"cost":"quadratic","layers":[{"activation":"sigmoid","weights":[[`)
	chunk := strings.Repeat("0,", 1<<20)
	for range 120 {
		w.WriteString(chunk)
	}
	w.WriteString(`0]],"biases":[0]}]}`)
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// sparse makes a file of size bytes that takes no disk.
func sparse(t *testing.T, path string, size int64) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	f.Close()
}

// TestFileLimitsUnderAddressLimit: a model file that is /dev/zero, a pipe,
// 240 MB with one endless row, or larger than the limit; a lesson, a
// password file, an authorized_keys file or a host key that is /dev/zero or
// 3 GB: each exits with a clear error naming the file and the limit, under
// a 3 GB address-space limit, in little memory and at once.
func TestFileLimitsUnderAddressLimit(t *testing.T) {
	_, bin := buildBinary(t)
	dir := t.TempDir()
	long := filepath.Join(dir, "long.json")
	longRowModel(t, long)
	big := filepath.Join(dir, "big.json")
	sparse(t, big, 300<<20)
	huge := filepath.Join(dir, "huge")
	sparse(t, huge, 3<<30)
	fifo := filepath.Join(dir, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(dir, "state")
	serve := []string{"serve", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "hk")}
	cases := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"eval /dev/zero", []string{"eval", "--model", "/dev/zero"}, 1,
			"backprop eval: /dev/zero: not a regular file (a character device); a model file must be one"},
		{"train --model /dev/zero", []string{"train", "--model", "/dev/zero"}, 1, "/dev/zero: not a regular file"},
		{"export /dev/zero", []string{"export", "--format", "numpy", "--model", "/dev/zero", "--out", filepath.Join(dir, "x.py")}, 1, "/dev/zero: not a regular file"},
		{"eval a pipe", []string{"eval", "--model", fifo}, 1, "fifo.json: not a regular file (a named pipe)"},
		{"eval a 240 MB row", []string{"eval", "--model", long}, 1,
			"long.json: line 1:4194419: an array of more than 2097152 values: no model file holds that many"},
		{"eval 300 MB", []string{"eval", "--model", big}, 1,
			"big.json: the file is 300 MiB, over the limit of 256 MiB for a model file"},
		{"lesson /dev/zero", []string{"--lesson", "/dev/zero"}, 1,
			"backprop: lesson: /dev/zero: more than 1 MiB, the limit for a lesson file"},
		{"lesson 3 GB", []string{"--lesson", huge}, 1, "huge: the file is 3 GiB, over the limit of 1 MiB for a lesson file"},
		{"password /dev/zero", append(serve, "--password-file", "/dev/zero"), 2,
			"--password-file: /dev/zero: more than 64 KiB, the limit for a password file"},
		{"password 3 GB", append(serve, "--password-file", huge), 2, "huge: the file is 3 GiB, over the limit of 64 KiB for a password file"},
		{"authorized_keys /dev/zero", append(serve, "--authorized-keys", "/dev/zero"), 1,
			"authorized keys: /dev/zero: more than 16 MiB, the limit for an authorized_keys file"},
		{"authorized_keys 3 GB", append(serve, "--authorized-keys", huge), 1,
			"huge: the file is 3 GiB, over the limit of 16 MiB for an authorized_keys file"},
		{"teacher keys /dev/zero", append(serve, "--open", "--teacher-key", "/dev/zero"), 1, "/dev/zero: more than 16 MiB"},
		{"host key /dev/zero", []string{"serve", "--listen", "127.0.0.1:0", "--open", "--host-key", "/dev/zero"}, 1,
			"host key: /dev/zero: more than 64 KiB, the limit for a host key"},
		{"host key 3 GB", []string{"serve", "--listen", "127.0.0.1:0", "--open", "--host-key", huge}, 1,
			"huge: the file is 3 GiB, over the limit of 64 KiB for a host key"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runLimitedEnv(t, 3e9, []string{"XDG_STATE_HOME=" + state}, bin, c.args...)
			t.Logf("exit %d, peak RSS %d MB: %s", r.code, r.maxRSS>>20, strings.TrimSpace(r.stderr))
			if r.code != c.code || strings.Contains(r.stderr, "fatal error") || strings.Contains(r.stderr, "panic") {
				t.Errorf("exit %d, want %d; stderr:\n%s", r.code, c.code, r.stderr)
			}
			if !strings.Contains(r.stderr, c.want) {
				t.Errorf("stderr\n  %s\nwant it to contain\n  %s", r.stderr, c.want)
			}
			if r.maxRSS > 128<<20 {
				t.Errorf("peak RSS %d MB", r.maxRSS>>20)
			}
		})
	}
}

// TestProgressFileBounded: lesson progress that is /dev/zero (a link to
// it) or 3 GB is refused before it is read; the trainer opens the lesson,
// says why the progress was not read, and starts afresh — under a 3 GB
// address-space limit, in tmux.
func TestProgressFileBounded(t *testing.T) {
	x := testkit.NewTmux(t)
	_, bin := buildBinary(t)
	testkit.NeedTools(t, "prlimit")
	dir := t.TempDir()
	lessonFile := filepath.Join(dir, "l.md")
	os.WriteFile(lessonFile, []byte("---\ntitle: Small\nid: small\n---\n\n## Step: One\n\nHello.\n"), 0o644)
	for i, target := range []string{"/dev/zero", ""} {
		state := filepath.Join(dir, fmt.Sprint("state", i))
		os.MkdirAll(filepath.Join(state, "backprop"), 0o700)
		progress := filepath.Join(state, "backprop", "progress.json")
		want := "more than 4 MiB"
		if target != "" {
			os.Symlink(target, progress)
		} else {
			sparse(t, progress, 3<<30)
			want = "the file is 3 GiB"
		}
		p := x.Start(fmt.Sprint("progress", i), 120, 40, dir, "env", "XDG_STATE_HOME="+state,
			"prlimit", "--as=3000000000", bin, "--lesson", lessonFile)
		scr := p.WaitFor("the lesson with a note on its progress", func(s string) bool {
			return strings.Contains(strings.Join(strings.Fields(s), " "), "starting afresh")
		})
		if flat := strings.Join(strings.Fields(scr), " "); !strings.Contains(flat, want) || !strings.Contains(scr, "Hello.") {
			t.Errorf("want the lesson and a note saying %q:\n%s", want, scr)
		}
		p.Keys("q")
		if st := p.WaitExit(); st != 0 {
			t.Errorf("exit status %d", st)
		}
	}
}
