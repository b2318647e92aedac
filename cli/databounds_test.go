package cli

// End-to-end checks of the data limits and of the sanitiser, on the built
// binary: hostile data files give clear errors in bounded memory, and
// nothing a data file holds reaches the terminal raw.

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// result is one run of the binary.
type result struct {
	code           int
	stdout, stderr string
	maxRSS         int64 // peak resident set, bytes
}

// runLimited runs bin with args under an address-space limit of as bytes
// (prlimit, or the shell's ulimit -v).
func runLimited(t *testing.T, as int64, bin string, args ...string) result {
	t.Helper()
	return runLimitedEnv(t, as, nil, bin, args...)
}

// runLimitedEnv is runLimited with env added to the environment.
//
// The peak RSS comes from a launcher (this test binary again, see
// rusageLauncher) that starts bin: on Linux a process started by this one
// (a clone sharing its memory until exec) reports this process's own peak
// as its maximum resident set, so bin must be started by a small process.
func runLimitedEnv(t *testing.T, as int64, env []string, bin string, args ...string) result {
	t.Helper()
	argv := append([]string{"sh", "-c", fmt.Sprintf(`ulimit -v %d && exec "$0" "$@"`, as>>10), bin}, args...)
	if p, err := exec.LookPath("prlimit"); err == nil {
		argv = append([]string{p, fmt.Sprintf("--as=%d", as), bin}, args...)
	}
	usage := filepath.Join(t.TempDir(), "rusage")
	cmd := exec.Command(os.Args[0], argv...)
	cmd.Env = append(append(os.Environ(), env...), rusageEnv+"="+usage)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if ee, ok := err.(*exec.ExitError); ok {
		r.code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %q: %v", bin, args, err)
	}
	b, err := os.ReadFile(usage)
	if err != nil {
		t.Fatalf("%s %q: the launcher wrote no peak RSS: %v\n%s", bin, args, err, r.stderr)
	}
	r.maxRSS, _ = strconv.ParseInt(string(b), 10, 64)
	return r
}

// rusageEnv names the file where rusageLauncher writes the peak RSS.
const rusageEnv = "BACKPROP_TEST_RUSAGE"

// rusageLauncher runs argv with this process's standard streams, writes
// its peak resident set (bytes) to the file $BACKPROP_TEST_RUSAGE names
// and returns its exit status. TestMain calls it when that is set.
func rusageLauncher(argv []string) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		return 125
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		os.WriteFile(os.Getenv(rusageEnv), []byte(strconv.FormatInt(ru.Maxrss<<10, 10)), 0o600)
	}
	return code
}

func gzipBytes(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// idxFile encodes an unsigned-byte idx file.
func idxFile(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

// gzipZeroes is a gzip stream of n zero bytes made of repeated 1 MiB members
// (a multi-member gzip file is one valid stream): 2 GB cost 2 MB.
func gzipZeroes(n int64) []byte {
	const chunk = 1 << 20
	member := gzipBytes(make([]byte, chunk))
	var b bytes.Buffer
	for ; n >= chunk; n -= chunk {
		b.Write(member)
	}
	b.Write(gzipBytes(make([]byte, n)))
	return b.Bytes()
}

// TestDataLimitsUnderAddressLimit: a gzipped idx set of 2.6 million 28×28
// images (complete and valid, 2 GB of pixels), /dev/zero and a 1 GB CSV
// line each end with a clear error, exit 1, under a 6 GB and a 3 GB
// address-space limit, and in little memory.
func TestDataLimitsUnderAddressLimit(t *testing.T) {
	_, bin := buildBinary(t)
	dir := t.TempDir()
	huge := filepath.Join(dir, "huge")
	os.Mkdir(huge, 0o755)
	const n = 2_600_000
	for name, b := range map[string][]byte{
		"train-images-idx3-ubyte.gz": append(gzipBytes(idxFile([]int{n, 28, 28}, nil)), gzipZeroes(n*28*28)...),
		"train-labels-idx1-ubyte.gz": append(gzipBytes(idxFile([]int{n}, nil)), gzipZeroes(n)...),
		"t10k-images-idx3-ubyte.gz":  gzipBytes(idxFile([]int{1, 28, 28}, make([]byte, 784))),
		"t10k-labels-idx1-ubyte.gz":  gzipBytes(idxFile([]int{1}, []byte{7})),
	} {
		if err := os.WriteFile(filepath.Join(huge, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A 1 GB line, as a stream (a FIFO fed as fast as it is read) and as a
	// regular file of 1 GB whose first 16 MiB are one line of digits.
	fifo := filepath.Join(dir, "line.csv")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	big := filepath.Join(dir, "big.csv")
	f, err := os.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("a,b\n" + strings.Repeat("1", 16<<20))
	f.Truncate(1e9)
	f.Close()
	// A gzipped CSV of 200 million rows ("1,0"): 800 MB of text in 1 MB.
	bomb := filepath.Join(dir, "bomb.csv.gz")
	var zb bytes.Buffer
	zb.Write(gzipBytes([]byte("a,b\n")))
	member := gzipBytes(bytes.Repeat([]byte("1,0\n2,1\n"), 1<<17))
	for range 800 {
		zb.Write(member)
	}
	os.WriteFile(bomb, zb.Bytes(), 0o644)

	cases := []struct {
		name string
		args []string
		want []string
	}{
		{"idx 2.6M images gzipped", []string{"train", "--data", "idx:" + huge, "--epochs", "1"},
			[]string{"train-images-idx3-ubyte.gz: its header claims 2600000 images of 28×28, which is 1.9 GiB (2038400000 bytes), over the limit of 1 GiB (--max-data-mb sets the limit)"}},
		{"/dev/zero", []string{"train", "--data", "/dev/zero", "--epochs", "1"},
			[]string{"backprop train: /dev/zero: not a CSV text file: binary data (a NUL byte at offset 0)"}},
		{"1 GB line, streamed", []string{"train", "--data", fifo, "--epochs", "1"},
			[]string{"line.csv:2: a record longer than 8 MiB (the limit on one row"}},
		{"1 GB file, long line", []string{"train", "--data", big, "--epochs", "1"},
			[]string{"big.csv:2: a record longer than 8 MiB"}},
		{"gzip bomb", []string{"train", "--data", bomb, "--epochs", "1", "--max-data-mb", "64"},
			[]string{"bomb.csv.gz:", "rows of 2 values take more than the limit of 64 MiB (--max-data-mb sets the limit)"}},
	}
	for _, as := range []int64{6e9, 3e9} {
		for _, c := range cases {
			t.Run(fmt.Sprintf("%s/AS %.0f GB", c.name, float64(as)/1e9), func(t *testing.T) {
				if c.args[2] == fifo {
					go func() {
						w, err := os.OpenFile(fifo, os.O_WRONLY, 0)
						if err != nil {
							return
						}
						defer w.Close()
						w.WriteString("a,b\n")
						line := bytes.Repeat([]byte("1"), 1<<20)
						for range 1000 { // 1 GB, or until the reader stops
							if _, err := w.Write(line); err != nil {
								return
							}
						}
						w.WriteString(",1\n2,0\n")
					}()
				}
				r := runLimited(t, as, bin, c.args...)
				t.Logf("exit %d, peak RSS %d MB: %s", r.code, r.maxRSS>>20, strings.TrimSpace(r.stderr))
				if r.code != 1 || strings.Contains(r.stderr, "fatal error") || strings.Contains(r.stderr, "panic") {
					t.Errorf("exit %d, want 1; stderr:\n%s", r.code, r.stderr)
				}
				for _, w := range c.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("stderr\n  %s\nwant it to contain\n  %s", r.stderr, w)
					}
				}
				if r.maxRSS > 256<<20 {
					t.Errorf("peak RSS %d MB", r.maxRSS>>20)
				}
			})
		}
	}
}

// forbidden reports the first byte or character in s that a terminal would
// act on: a byte < 0x20 other than newline and tab, ESC, DEL, a C1 control,
// a bidi control or invalid UTF-8.
func forbidden(s string) string {
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			return fmt.Sprintf("%U at byte %d in %q", r, i, s[max(0, i-40):min(len(s), i+40)])
		case r == 0xfffd && !strings.HasPrefix(s[i:], "\ufffd"):
			return fmt.Sprintf("invalid UTF-8 at byte %d", i)
		}
	}
	return ""
}

// TestHostileCSVReachesNoTerminal trains and evaluates on a CSV whose file
// name, column names and class labels hold terminal escapes (window title,
// screen clear, OSC 52 clipboard write, C1 CSI, bidi override, CR), and
// runs the errors that name them, and those of model files, lessons and
// serve's key and password files with hostile names or contents: no output
// of train, eval, export, the trainer or serve holds a control byte or ESC
// from a file.
func TestHostileCSVReachesNoTerminal(t *testing.T) {
	_, bin := buildBinary(t)
	dir := t.TempDir()
	labels := []string{"\x1b]2;pwned\x07", "\x1b[2J", "\x1b]52;c;cm0gLXJmIH4=\x07", "\u009b31mred", "\u202eevil", "over\rwrite"}
	var b strings.Builder
	b.WriteString("x\x1b[2J,\"y\u202e\",\x1b]2;title\x07label\n")
	for i := range 60 {
		fmt.Fprintf(&b, "%d,%d,%s\n", i%5, i%3, labels[i%len(labels)])
	}
	data := filepath.Join(dir, "h\x1b]2;name\x07.csv")
	if err := os.WriteFile(data, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	one := filepath.Join(dir, "one\x1b[2J.csv")
	os.WriteFile(one, []byte("a\x1b[2J,l\x1b[2J\n1,\x1b]2;x\x07\n2,\x1b]2;x\x07\n"), 0o644)
	nameless := filepath.Join(dir, "nameless\x1b[2J.csv")
	os.WriteFile(nameless, []byte("a\x1b[2J,,l\n1,2,x\n"), 0o644)
	other := filepath.Join(dir, "other.csv")
	os.WriteFile(other, []byte("p,q,r,\x1b[2Jlabel\n1,2,3,a\x1b[2J\n2,3,4,b\n"), 0o644)
	model := filepath.Join(dir, "m.json")
	// A model file whose data, activation and fields name hostile text
	// (JSON's \u001b is ESC once decoded), and one with a hostile name.
	hostileModel := filepath.Join(dir, "hm\x1b]2;t\x07.json")
	os.WriteFile(hostileModel, []byte(`{"format":"backprop/model","version":1,"inputs":2,"cost":"quadratic",
 "layers":[{"activation":"sigmoid","weights":[[0,0]],"biases":[0]}],
 "data":{"name":"gone\u001b]2;x\u0007\u202e.csv","target":["t\u001b[2J"]}}`), 0o644)
	badAct := filepath.Join(dir, "act.json")
	os.WriteFile(badAct, []byte(`{"format":"backprop/model","version":1,"inputs":2,"cost":"q\u001b[2J",
 "layers":[{"activation":"\u001b]2;x\u0007","weights":[[0,0]],"biases":[0]}]}`), 0o644)
	badField := filepath.Join(dir, "field.json")
	os.WriteFile(badField, []byte("{\"format\":\"backprop/model\",\"\x1b[2J\u009b\":1}"), 0o644)
	// Lessons and server files with hostile names and contents.
	lessonBad := filepath.Join(dir, "l\x1b[2J.md")
	os.WriteFile(lessonBad, []byte("---\ntitle: t\x1b]2;x\x07\nid: \x1b[2J\u202e\n---\n"), 0o644)
	lessonKey := filepath.Join(dir, "k.md")
	os.WriteFile(lessonKey, []byte("---\ntitle: t\n\x1b]2;x\x07: v\n---\n"), 0o644)
	keys := filepath.Join(dir, "keys\x1b[2J")
	os.WriteFile(keys, []byte("ssh-ed25519 \x1b]2;x\x07 comment\u202e\n"), 0o600)
	serve := []string{"serve", "--listen", "127.0.0.1:0", "--host-key", filepath.Join(dir, "hk")}

	runs := [][]string{
		{"train", "--data", data, "--epochs", "2", "--out", model, "--progress", "plain"},
		{"train", "--data", data, "--epochs", "2", "--json"},
		{"train", "--data", data, "--epochs", "2", "--progress", "bar"},
		{"eval", "--model", model},
		{"eval", "--model", model, "--on", "all"},
		{"eval", "--model", model, "--json"},
		{"eval", "--model", model, "--data", other},
		{"train", "--data", data, "--target", "nope"},
		{"train", "--data", data, "--target", "x\x1b[2J,y\u202e,\x1b]2;title\x07label"},
		{"train", "--data", one},
		{"train", "--data", nameless},
		{"train", "--data", filepath.Join(dir, "missing\x1b[2J.csv")},
		{"train", "--data", data, "--max-data-mb", "0"},
		{"eval", "--model", filepath.Join(dir, "missing\x1b[2J\u202e.json")},
		{"eval", "--model", hostileModel},
		{"eval", "--model", badAct},
		{"eval", "--model", badField},
		{"train", "--model", hostileModel, "--epochs", "1"},
		{"export", "--format", "numpy", "--model", filepath.Join(dir, "gone\x1b]2;x\x07.json"), "--out", filepath.Join(dir, "x.py")},
		{"export", "--format", "numpy", "--model", model, "--out", filepath.Join(dir, "no\x1b[2J", "x.py")},
		{"--lesson", lessonBad},
		{"--lesson", lessonKey},
		{"--lesson", filepath.Join(dir, "nolesson\x1b[2J.md")},
		{"--model", filepath.Join(dir, "none\x1b[2J.json")},
		append(serve, "--authorized-keys", keys),
		append(serve, "--password-file", filepath.Join(dir, "pw\x1b]2;x\x07")),
		append(serve, "--open", "--teacher-key", keys),
	}
	sawLabel := false
	for _, args := range runs {
		r := runLimited(t, 3e9, bin, args...)
		out := r.stdout
		if args[len(args)-1] == "bar" {
			// The bar redraws itself with CR and erase-line: the program's
			// own sequences, not the data's.
			out = strings.NewReplacer("\r", "", "\x1b[K", "").Replace(out)
		}
		for what, s := range map[string]string{"stdout": out, "stderr": r.stderr} {
			if bad := forbidden(s); bad != "" {
				t.Errorf("%q: %s holds %s", args, what, bad)
			}
		}
		if r.code == 0 && args[0] != "train" && args[0] != "eval" {
			t.Errorf("%q: exit 0, want an error", args)
		}
		if r.code == 0 && args[0] == "train" && args[len(args)-1] != "plain" && args[len(args)-1] != "--json" && args[len(args)-1] != "bar" {
			t.Errorf("%q: exit 0, want an error", args)
		}
		sawLabel = sawLabel || strings.Contains(r.stdout, `\x1b]2;pwned\x07`)
		t.Logf("%q: exit %d\n%s%s", args, r.code, r.stdout, r.stderr)
	}
	if !sawLabel {
		t.Error("no output showed the class label (escaped); the test could not fail")
	}
}
