package cli

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
)

// run runs backprop with args and returns its exit status and output.
func runSample(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// TestSampleText: sample prints the priming text and n characters of the
// text's vocabulary, the same for the same seed; bad flags and a model of
// other data say what is wrong.
func TestSampleText(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "lincoln.json")
	if code, _, e := runSample(t, "train", "--data", "text", "--recurrent", "--layers", "_,16,_", "--act", "tanh,softmax",
		"--cost", "cross-entropy", "--opt", "adam", "--lr", "0.01", "--epochs", "2", "--progress", "plain", "--out", model); code != 0 {
		t.Fatalf("train: exit %d: %s", code, e)
	}
	sample := func(args ...string) string {
		t.Helper()
		code, out, e := runSample(t, append([]string{"sample", "--model", model}, args...)...)
		if code != 0 {
			t.Fatalf("sample %v: exit %d: %s", args, code, e)
		}
		return strings.TrimSuffix(out, "\n")
	}
	a, b := sample("--prime", "Four score", "--len", "80", "--seed", "7"), sample("--prime", "Four score", "--len", "80", "--seed", "7")
	if a != b {
		t.Fatalf("the same seed gave\n%q\nand\n%q", a, b)
	}
	if !strings.HasPrefix(a, "Four score") || len([]rune(a)) != len("Four score")+80 {
		t.Fatalf("want the prime and 80 characters, got %q", a)
	}
	for _, r := range strings.TrimPrefix(a, "Four score") {
		if !strings.ContainsRune(gettysburgChars, r) {
			t.Fatalf("character %q is not in the text", r)
		}
	}
	if c := sample("--prime", "Four score", "--len", "80", "--seed", "8"); c == a {
		t.Errorf("seeds 7 and 8 gave the same text %q", c)
	}
	if g1, g2 := sample("--temp", "0", "--seed", "1"), sample("--temp", "0", "--seed", "2"); g1 != g2 {
		t.Errorf("--temp 0 depends on the seed: %q, %q", g1, g2)
	}
	xor := filepath.Join(dir, "xor.json")
	if code, _, e := runSample(t, "train", "--data", "xor", "--epochs", "1", "--progress", "plain", "--out", xor); code != 0 {
		t.Fatalf("train xor: %s", e)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"sample", "--model", xor}, 1, "its data is xor, not a text set"},
		{[]string{"sample"}, 2, "--model: required"},
		{[]string{"sample", "--model", model, "--len", "0"}, 2, "--len: must be in 1..100000"},
		{[]string{"sample", "--model", model, "--temp", "-1"}, 2, "--temp: must be a finite number ≥ 0"},
		{[]string{"sample", "--model", filepath.Join(dir, "none.json")}, 1, "none.json"},
	} {
		code, _, e := runSample(t, c.args...)
		if code != c.code || !strings.Contains(e, c.msg) {
			t.Errorf("%v: exit %d, %q; want %d and %q", c.args, code, e, c.code, c.msg)
		}
	}
}

// gettysburgChars holds every character of the built-in text.
const gettysburgChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ ,.-\n'\"—;:?!"
