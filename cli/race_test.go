package cli

import (
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"backprop/cli/setup"
	"backprop/internal/testkit"
	"backprop/network"
)

// raceArgs is the acceptance command.
func raceArgs() []string {
	return []string{"race", "--data", "circle", "--layers", "_,4,2,_", "--act", "tanh", "--vary", "opt=sgd,momentum,adam", "--epochs", "100", "--seed", "1"}
}

// prepareRace parses race's flags from args (without "race") and builds
// the variants as race does, untrained.
func prepareRace(t *testing.T, args ...string) ([]*variant, []axis) {
	t.Helper()
	fs := flag.NewFlagSet("race", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	sf, o := raceFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	axes, err := parseVary(fs, o.vary)
	if err != nil {
		t.Fatal(err)
	}
	vs, err := buildVariants(fs, sf, axes, setup.Limits{UndoBudget: -1})
	if err != nil {
		t.Fatal(err)
	}
	groupStarts(vs)
	return vs, axes
}

// TestRaceAcceptance: one row per optimizer, all from start A.
func TestRaceAcceptance(t *testing.T) {
	code, out, errs := runCLI(raceArgs()...)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d: %s", code, errs)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[2], "opt       start    loss  accuracy  val_loss  val_accuracy  acc ≥ 0.95") {
		t.Errorf("header:\n%s", out)
	}
	for i, opt := range []string{"sgd", "momentum", "adam"} {
		if f := strings.Fields(lines[3+i]); len(f) < 7 || f[0] != opt || f[1] != "A" {
			t.Errorf("row %d: %q\n%s", i, lines[3+i], out)
		}
	}
	if !strings.Contains(out, "start A: all 3 variants started from bit-identical weights, with the same shuffle seed") {
		t.Errorf("no note on the start:\n%s", out)
	}
}

// TestRaceSameStart: the three optimizers start from bit-identical
// weights, the ones train builds from the same flags; after the race they
// differ (so the comparison can fail).
func TestRaceSameStart(t *testing.T) {
	vs, _ := prepareRace(t, raceArgs()[1:]...)
	if len(vs) != 3 {
		t.Fatalf("%d variants", len(vs))
	}
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	sf := setup.AddFlags(fs)
	if err := fs.Parse([]string{"--data", "circle", "--layers", "_,4,2,_", "--act", "tanh", "--seed", "1"}); err != nil {
		t.Fatal(err)
	}
	s, err := sf.Session(setup.Limits{UndoBudget: -1})
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range vs {
		if !sameWeights(v.init0, s.Stepper.Net()) || !sameWeights(v.sess.Stepper.Net(), s.Stepper.Net()) {
			t.Errorf("variant %s does not start from train's weights", v.label)
		}
		if v.start != 0 || v.sess.Stepper.Hyper().Opt != []network.Optimizer{network.SGD, network.Momentum, network.Adam}[i] {
			t.Errorf("variant %d: start %d, %v", i, v.start, v.sess.Stepper.Hyper().Opt)
		}
	}
	runVariants(vs, 5, []finishLine{{"acc", 0.95}}, false, 1)
	for _, v := range vs[1:] {
		if sameWeights(v.sess.Stepper.Net(), vs[0].sess.Stepper.Net()) {
			t.Errorf("%s trained to sgd's weights", v.label)
		}
	}
}

// TestRaceStarts: shapes that differ cannot share a start, and the note
// says why; normal and lecun share their draws.
func TestRaceStarts(t *testing.T) {
	vs, _ := prepareRace(t, "--data", "xor", "--vary", "layers=_,4,_/_,8,_", "--vary", "init=normal,lecun,xavier", "--vary", "act=sigmoid,tanh")
	got := ""
	for _, v := range vs {
		got += startName(v.start)
	}
	if want := "AABBCCDDEEFF"; got != want {
		t.Errorf("starts %s, want %s", got, want)
	}
	for _, c := range []struct {
		i    int
		note string
	}{{2, "lecun init: A's random draws, with the weights divided by √n_in"}, {4, "xavier init: its own draws from the same seed"},
		{6, "other layer sizes (2→8→1, not 2→4→1), so it cannot share A's weights"}} {
		if vs[c.i].note != c.note {
			t.Errorf("%s: note %q, want %q", vs[c.i].label, vs[c.i].note, c.note)
		}
	}
	a, b := vs[0].init0.Layers[0], vs[2].init0.Layers[0]
	for k := range a.W {
		if d := a.W[k]/b.W[k] - 1.4142135623730951; d > 1e-12 || d < -1e-12 {
			t.Fatalf("w[%d]: normal %g, lecun %g: not the same draw scaled by √2", k, a.W[k], b.W[k])
		}
	}
}

// TestRaceThreads: variants trained in parallel give the same bits as one
// thread (the JSON prints every float in full).
func TestRaceThreads(t *testing.T) {
	args := []string{"race", "--data", "spiral", "--layers", "_,40,_", "--act", "tanh", "--vary", "opt=sgd,adam", "--vary", "lr=0.03,0.3,3",
		"--epochs", "15", "--json", "--until", "val_acc=0.7"}
	_, one, errs := runCLI(append(args, "--threads", "1")...)
	if errs != "" {
		t.Fatal(errs)
	}
	// 3: three variants at once on one thread each; 12: all six at once,
	// each with two threads for its kernels.
	for _, n := range []string{"3", "12"} {
		if _, other, _ := runCLI(append(args, "--threads", n)...); other != one {
			t.Errorf("--threads 1:\n%s\n--threads %s:\n%s", one, n, other)
		}
	}
	var res struct {
		Variants []struct {
			Vary    map[string]string
			Loss    *float64
			Reached []*int
			Start   string
		}
	}
	if err := json.Unmarshal([]byte(one), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Variants) != 6 || res.Variants[5].Vary["opt"] != "adam" || res.Variants[5].Vary["lr"] != "3" {
		t.Fatalf("variants: %+v", res.Variants)
	}
	for _, v := range res.Variants {
		if v.Start != "A" || len(v.Reached) != 1 {
			t.Errorf("%v: start %s, reached %v", v.Vary, v.Start, v.Reached)
		}
	}
}

// TestRaceUntil: a variant stops at the finish line; the epochs column
// says when.
func TestRaceUntil(t *testing.T) {
	code, out, errs := runCLI("race", "--data", "gaussians", "--layers", "_,_", "--vary", "lr=0.01,0.5", "--until", "acc=0.9", "--epochs", "50")
	if code != 0 {
		t.Fatal(errs)
	}
	lines := strings.Split(out, "\n")
	if !strings.HasPrefix(lines[2], "lr    start  epochs") {
		t.Fatalf("no epochs column:\n%s", out)
	}
	f := strings.Fields(lines[4])
	if f[0] != "0.5" || f[2] == "50" || "epoch "+f[2] != f[len(f)-2]+" "+f[len(f)-1] {
		t.Errorf("lr 0.5 should stop at the epoch it reached acc ≥ 0.9: %q\n%s", lines[4], out)
	}
}

// TestRaceFiles: --history and --out write one file per variant, and the
// models load.
func TestRaceFiles(t *testing.T) {
	dir := t.TempDir()
	hist, models := filepath.Join(dir, "runs"), filepath.Join(dir, "models")
	code, _, errs := runCLI("race", "--data", "xor", "--layers", "2,3,1", "--vary", "act=sigmoid/tanh,sigmoid", "--vary", "lr=1,2",
		"--epochs", "7", "--history", hist, "--out", models)
	if code != 0 {
		t.Fatal(errs)
	}
	for _, name := range []string{"act-sigmoid_lr-1", "act-sigmoid_lr-2", "act-tanh,sigmoid_lr-1", "act-tanh,sigmoid_lr-2"} {
		b, err := os.ReadFile(filepath.Join(hist, name+".csv"))
		if err != nil || len(strings.Split(strings.TrimSpace(string(b)), "\n")) != 8 {
			t.Errorf("%s.csv: %v\n%s", name, err, b)
		}
		if code, _, errs := runCLI("eval", "--model", filepath.Join(models, name+".json")); code != 0 {
			t.Errorf("eval %s.json: %s", name, errs)
		}
	}
	writeFile(t, dir, "file", "")
	if code, _, errs := runCLI("race", "--data", "xor", "--vary", "lr=1,2", "--history", filepath.Join(dir, "file")); code != 2 || !strings.Contains(errs, "is a file; race wants a folder") {
		t.Errorf("--history FILE: exit %d, %q", code, errs)
	}
	if code, _, errs := runCLI("race", "--data", "xor", "--vary", "lr=1,2", "--out", filepath.Join(dir, "no", "such")); code != 2 || !strings.Contains(errs, "does not exist") {
		t.Errorf("--out in a missing folder: exit %d, %q", code, errs)
	}
}

// TestRaceErrors: bad --vary and --until are one line each, exit 2.
func TestRaceErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "--vary: required: at least one NAME=V1,V2,... such as --vary opt=sgd,momentum,adam"},
		{[]string{"--vary", "lrr=1,2"}, "--vary lrr: unknown flag (did you mean --vary lr?)"},
		{[]string{"--vary", "learning-rate=1,2"}, "--vary learning-rate: unknown flag (did you mean --vary lr?)"},
		{[]string{"--vary", "listen=1,2"}, "--vary listen: unknown flag (it is a flag of backprop serve; race varies train's data, network and training flags)"},
		{[]string{"--vary", "out=a,b"}, "--vary out: cannot vary: it names the folder race writes to (one file per variant)"},
		{[]string{"--vary", "epochs=1,2"}, "--vary epochs: cannot vary: every variant trains the same --epochs"},
		{[]string{"--vary", "progress=bar"}, "--vary progress: cannot vary: it is train's alone"},
		{[]string{"--vary", "opt"}, `--vary: want NAME=V1,V2,... (for example --vary opt=sgd,adam), got "opt"`},
		{[]string{"--vary", "opt=sgd,adm"}, `--vary opt=adm: must be one of sgd, momentum, adam, got "adm" (did you mean adam?)`},
		{[]string{"--vary", "lr=fast"}, "--vary lr=fast: want a number"},
		{[]string{"--vary", "lr=-1"}, "--vary lr=-1: must be a finite number > 0, got -1"},
		{[]string{"--vary", "batch=1.5"}, "--vary batch=1.5: want a whole number"},
		{[]string{"--vary", "lr="}, "--vary lr: no values (want lr=V1,V2,...)"},
		{[]string{"--vary", "lr=1,,2"}, `--vary lr: an empty value in "1,,2"`},
		{[]string{"--vary", "lr=1,1"}, `--vary lr: "1" is given twice`},
		{[]string{"--vary", "layers=_,4,_"}, "--vary layers: separate --layers values with /"},
		{[]string{"--lr", "1", "--vary", "lr=1,2"}, "--vary lr: --lr is given too; drop one"},
		{[]string{"--vary", "lr=1", "--vary", "lr=2"}, "--vary lr: is varied twice"},
		{[]string{"--vary", "act=tanh,sigmoid", "--cost", "cross-entropy"}, "--cost: cross-entropy needs outputs in (0, 1), from a sigmoid or softmax output layer, but the output layer is tanh; use --out-act sigmoid (or softmax), or --cost quadratic (in the variant act=tanh)"},
		{[]string{"--vary", "seed=1,2,3,4,5,6,7,8,9", "--vary", "lr=1,2,3,4,5,6,7,8"}, "--vary: 72 variants or more; a race takes at most 64"},
		{[]string{"--vary", "opt=sgd,adam", "--momentum", "0.5"}, "--momentum: is for --opt momentum, and no variant uses it"},
		{[]string{"--vary", "lr=1,2", "--until", "acc"}, `--until: want acc=V, loss=V, val_acc=V or val_loss=V (for example --until acc=0.95), got "acc"`},
		{[]string{"--vary", "lr=1,2", "--until", "acc=most"}, `--until: acc: want a number, got "most"`},
		{[]string{"--vary", "lr=1,2", "--threads", "-1"}, "--threads: must be 1..256 (or 0 for every core), got -1"},
		{[]string{"--vary", "lr=1,2", "--vray", "x"}, "unknown flag --vray (did you mean --vary?)"},
	} {
		args := append([]string{"race", "--data", "circle", "--epochs", "1"}, c.args...)
		code, out, errs := runCLI(args...)
		if code != 2 || out != "" || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", c.args, code, errs, c.want)
		}
	}
	code, _, errs := runCLI("race", "--data", "sine", "--vary", "lr=1,2", "--until", "acc=0.9")
	if code != 2 || !strings.Contains(errs, "--until: acc=0.9: sine is regression data: it has no accuracy") {
		t.Errorf("acc on regression: exit %d, %q", code, errs)
	}
}

// TestRaceDiverged: a variant that diverges is a row, and the race goes on.
func TestRaceDiverged(t *testing.T) {
	code, out, errs := runCLI("race", "--data", "sine", "--vary", "lr=0.1,1e6", "--epochs", "3")
	if code != 0 {
		t.Fatal(errs)
	}
	if !strings.Contains(out, "1e6  A           0  diverged         —           —\n") || !strings.Contains(out, "lr=1e6: network: training diverged: weights of layer 1 exploded") ||
		!strings.Contains(out, "lowest val_loss: lr=0.1") {
		t.Errorf("%s", out)
	}
}

// TestRaceMNISTInit: Nielsen's chapter 3 comparison. One epoch of
// [784,30,10], sigmoid, cross-entropy, η = 0.1, L2 5.0: the lecun start
// (N(0, 1/n_in)) is well ahead of normal (N(0, 1)) on the test part, and
// the README quotes the rows.
func TestRaceMNISTInit(t *testing.T) {
	if testing.Short() || raceDetector {
		t.Skip("-short, or -race (loading MNIST takes a minute under it; TestRaceThreads runs variants in parallel)")
	}
	dir := testkit.MNISTDir(t)
	code, out, errs := runCLI("race", "--data", "idx:"+dir, "--layers", "784,30,10", "--act", "sigmoid", "--cost", "cross-entropy",
		"--lr", "0.1", "--l2", "5", "--epochs", "1", "--vary", "init=normal,lecun")
	if code != 0 {
		t.Fatal(errs)
	}
	lines := strings.Split(out, "\n")
	normal, lecun := strings.Fields(lines[3]), strings.Fields(lines[4])
	if len(normal) < 6 || len(lecun) < 6 || normal[0] != "normal" || lecun[0] != "lecun" || normal[1] != "A" || lecun[1] != "B" {
		t.Fatalf("rows:\n%s", out)
	}
	acc := func(f []string) float64 {
		v, err := strconv.ParseFloat(f[5], 64)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	t.Logf("val_accuracy after one epoch: normal %.4f, lecun %.4f", acc(normal), acc(lecun))
	if acc(lecun) < acc(normal)+0.03 {
		t.Errorf("lecun should be well ahead of normal:\n%s", out)
	}
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	for _, row := range lines[3:5] {
		if !strings.Contains(readme, "`"+strings.Join(strings.Fields(row[:strings.LastIndex(row, " ")]), " ")) {
			t.Errorf("README.md does not quote the row %q", row)
		}
	}
}
