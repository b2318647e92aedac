package cli

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backprop/cli/setup"
	"backprop/network"
)

// The README's command outputs, made again: the blocks marked <!-- output:
// NAME --> and the messages it quotes inline. Times and speeds differ from
// run to run and machine to machine: they are masked on both sides.

// timingRE matches a time or a speed: 0.04s, 29.9µs/sample, 500ns/sample, 33,468
// samples/s.
var timingRE = regexp.MustCompile(`\b\d[\d,.]*(s|ms|µs|ns)(/sample)?\b|\b\d[\d,]*(\.\d+)? samples/s`)

func maskTimes(s string) string { return timingRE.ReplaceAllString(s, "⟨t⟩") }

// terminal is what a terminal shows of output written with \r and erase
// to end of line (the progress bar): each line's text after its last \r.
func terminal(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\x1b[K", ""), "\n")
	for i, l := range lines {
		if j := strings.LastIndex(l, "\r"); j >= 0 {
			lines[i] = l[j+1:]
		}
	}
	return strings.Join(lines, "\n")
}

// digitsRun is the README's digits command (30 epochs, seed 1).
func digitsRun(progress string) []string {
	return []string{"train", "--data", "digits", "--layers", "64,30,10", "--act", "sigmoid", "--cost", "quadratic",
		"--lr", "3", "--batch", "10", "--epochs", "30", "--seed", "1", "--progress", progress}
}

// readmeOutputs make the README's output blocks, by the name of their
// marker.
func readmeOutputs() map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		// `backprop help`, under "Commands"
		"help": func(t *testing.T) string {
			_, out, _ := runCLI("help")
			return out
		},
		// the progress bar of epoch 2 of the digits command
		"train-progress": func(t *testing.T) string {
			_, out, _ := runCLI(digitsRun("bar")...)
			lines := strings.Split(terminal(out), "\n")
			for i, l := range lines {
				if l == "Epoch 2/30" && i+1 < len(lines) {
					return l + "\n" + lines[i+1]
				}
			}
			t.Fatalf("no epoch 2 in:\n%s", out)
			return ""
		},
		// the teacher's roster at 80×24: the golden screen the tui test
		// draws and checks (TestGoldenRoster)
		"roster-80x24": func(t *testing.T) string {
			b, err := os.ReadFile("../tui/testdata/TestGoldenRoster/80x24.golden")
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		},
		// the teacher's class wall at 80×24 with 300 students: the golden
		// screen the tui test draws and checks (TestGoldenWall)
		"wall-80x24": func(t *testing.T) string {
			b, err := os.ReadFile("../tui/testdata/TestGoldenWall/300/80x24.golden")
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		},
		// backprop report on a data dir of two students
		"report": func(t *testing.T) string {
			_, out, errs := runCLI("report", "--data-dir", readmeDataDir(t))
			return out + errs
		},
		// the race of three optimizers, under "Races"
		"race-opt": func(t *testing.T) string {
			_, out, errs := runCLI(raceArgs()...)
			return out + errs
		},
		// the same crossed with two learning rates
		"race-opt-lr": func(t *testing.T) string {
			_, out, errs := runCLI(append(raceArgs(), "--vary", "lr=0.05,0.5")...)
			return out + errs
		},
		// backprop sample on the Lincoln model the README's train command
		// writes, under "Networks with memory"
		"sample-lincoln": func(t *testing.T) string {
			t.Chdir(t.TempDir())
			code, out, errs := runCLI("train", "--data", "text", "--steps", "50", "--recurrent", "--layers", "_,64,_", "--act", "tanh,softmax",
				"--cost", "cross-entropy", "--opt", "adam", "--lr", "0.005", "--batch", "1", "--clip", "5", "--epochs", "40", "--seed", "1",
				"--progress", "plain", "--out", "lincoln.json")
			if code != 0 {
				t.Fatalf("train: %s", errs)
			}
			lines := strings.Split(strings.TrimSpace(out), "\n")
			_, sample, errs := runCLI("sample", "--model", "lincoln.json", "--prime", "Four score", "--len", "160", "--seed", "1")
			return lines[len(lines)-1] + "\n" + sample + errs
		},
		// train --sharpness on circle, under "Sharpness"
		"train-sharpness": func(t *testing.T) string {
			_, out, errs := runCLI("train", "--data", "circle", "--layers", "_,8,_", "--act", "tanh", "--epochs", "5", "--sharpness", "--progress", "plain")
			return out + errs
		},
		// the trainer's explanation on --preset circle --lr 40 (run mode,
		// the default jump factor): the lines it shows, before wrapping
		"why-circle": func(t *testing.T) string {
			pr, err := setup.FindPreset("circle")
			if err != nil {
				t.Fatal(err)
			}
			pr.Setup.Hyper.Eta = 40
			s, err := setup.New("circle", pr.Setup, setup.Limits{UndoBudget: -1})
			if err != nil {
				t.Fatal(err)
			}
			st := s.Stepper
			if err := st.SetBlowupFactor(network.DefaultBlowupFactor); err != nil {
				t.Fatal(err)
			}
			for st.LastJump() == nil && st.Status() == network.Training && st.Pos().Epoch < 10 {
				st.Run(100)
			}
			c, err := st.BlowUpCase()
			if err != nil {
				t.Fatal(err)
			}
			e, err := network.Explain(c, network.ExplainOptions{})
			if err != nil {
				t.Fatal(err)
			}
			return "! " + strings.Join(e.Lines(), "\n  ") + " (esc hides this)\n"
		},
		// eval on the iris model the README's train command writes
		"eval-iris": func(t *testing.T) string {
			t.Chdir(t.TempDir())
			if code, _, errs := runCLI(readmeIrisTrain()...); code != 0 {
				t.Fatalf("train: %s", errs)
			}
			_, out, errs := runCLI("eval", "--model", "m.json")
			return out + errs
		},
		// grad_norm of the deep sigmoid net (issue 11's acceptance command)
		"train-grad-norm": func(t *testing.T) string {
			_, out, errs := runCLI("train", "--data", "circle", "--layers", "_,8,8,8,8,_", "--act", "sigmoid",
				"--cost", "quadratic", "--lr", "0.5", "--epochs", "1", "--seed", "1", "--json")
			var e struct {
				GradNorm []float64 `json:"grad_norm"`
			}
			if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &e); err != nil {
				t.Fatalf("%v: %s%s", err, out, errs)
			}
			b, _ := json.Marshal(map[string][]float64{"grad_norm": roundAll(e.GradNorm, 3)})
			return string(b) + "\n"
		},
		// eval --gradcheck on the iris model
		"eval-gradcheck": func(t *testing.T) string {
			t.Chdir(t.TempDir())
			if code, _, errs := runCLI(readmeIrisTrain()...); code != 0 {
				t.Fatalf("train: %s", errs)
			}
			_, out, errs := runCLI("eval", "--model", "m.json", "--gradcheck")
			return out + errs
		},
	}
}

// roundAll rounds every value to digits significant digits.
func roundAll(v []float64, digits int) []float64 {
	r := make([]float64, len(v))
	for i, x := range v {
		r[i], _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', digits, 64), 64)
	}
	return r
}

// readmeIrisTrain is the README's command that writes m.json for eval.
func readmeIrisTrain() []string {
	return []string{"train", "--data", "iris", "--layers", "_,8,_", "--act", "sigmoid", "--cost", "quadratic",
		"--lr", "1", "--epochs", "20", "--out", "m.json", "--progress", "plain"}
}

// TestREADMEOutputs makes each marked output block again and compares.
func TestREADMEOutputs(t *testing.T) {
	names, blocks := marked(t, "output")
	outs := readmeOutputs()
	got := make([]string, len(blocks))
	for i, name := range names {
		f := outs[name]
		if f == nil {
			continue // TestREADMEOutputsAreMarked says so
		}
		t.Run(name, func(t *testing.T) {
			got[i] = normalise(f(t))
			want := normalise(blocks[i].body)
			if maskTimes(got[i]) != maskTimes(want) {
				t.Errorf("README.md:%d: the block differs from the app's output:\n%s", blocks[i].line, diffLines(maskTimes(want), maskTimes(got[i])))
			}
		})
	}
	if updateREADME(t, blocks, got) {
		t.Log("README.md: outputs rewritten")
	}
}

// readmeQuote is a message the README quotes inline, and how to make it.
type readmeQuote struct {
	name   string
	run    func(t *testing.T) string // the output (stdout and stderr)
	quotes []string                  // as the README has them
}

func readmeQuotes() []readmeQuote {
	cli := func(args ...string) func(t *testing.T) string {
		return func(t *testing.T) string {
			_, out, errs := runCLI(args...)
			return out + errs
		}
	}
	inDir := func(files map[string]string, args ...string) func(t *testing.T) string {
		return func(t *testing.T) string {
			dir := t.TempDir()
			for name, text := range files {
				writeFile(t, dir, name, text)
			}
			t.Chdir(dir)
			return cli(args...)(t)
		}
	}
	return []readmeQuote{
		{"eval --sharpness", func(t *testing.T) string {
			t.Chdir(t.TempDir())
			if code, _, errs := runCLI(readmeIrisTrain()...); code != 0 {
				t.Fatalf("train: %s", errs)
			}
			return cli("eval", "--model", "m.json", "--sharpness")(t)
		}, []string{
			"λ_max     0.163578 (the training cost's Hessian, 113 samples; 51 Hessian-vector products)",
			"2/λ_max   12.2266 (gradient descent overshoots along the steepest direction above this learning rate)",
		}},
		{"digits progress (plain)", cli(digitsRun("plain")...), []string{
			"Epoch 2/30 - 0.04s - loss: 0.1435 - accuracy: 0.8331 - val_loss: 0.1539 - val_accuracy: 0.7996",
			"Final test: loss 0.0235 - accuracy 0.9800 (30 epochs in 0.49s, 82,625 samples/s)",
		}},
		{"NaN", cli("train", "--data", "sine", "--act", "linear", "--lr", "1e6"), []string{
			"the cost is NaN or ±Inf (epoch 1, batch 4, sample 1, training row 98)",
		}},
		{"exploding weights (sine)", cli("train", "--data", "sine", "--lr", "1e6"), []string{
			"weights of layer 1 exploded: max |w| grew from 0.421 to 1.6e+21 in one epoch",
			"(epoch 1, batch 10, sample 10, training row 59); lower the learning rate or normalise the inputs (--lr 1e+06); no files were written",
		}},
		{"exploding weights (digits)", cli(append(digitsRun("plain"), "--lr", "1e6")...), []string{
			"weights of layer 1 exploded: max |w| grew from 0.253 to 2.53e+04 in one epoch",
		}},
		{"eval on other data", func(t *testing.T) string {
			t.Chdir(t.TempDir())
			runCLI(readmeIrisTrain()...)
			return cli("eval", "--model", "m.json", "--data", "wine")(t)
		}, []string{
			"--data: the model m.json takes 4 inputs and gives 3 outputs (4→8→3), but wine has 13 inputs and 3 outputs",
		}},
		{"CSV unnamed column", inDir(map[string]string{"data.csv": "a,,b\n1,2,3\n"}, "train", "--data", "data.csv"),
			[]string{"data.csv:1:3: column 2 of 3 has no name in the header row"}},
		{"CSV bad number", inDir(map[string]string{"data.csv": "a,b,c\n1,2,0\n3,four,1\n"}, "train", "--data", "data.csv"),
			[]string{`data.csv:3:3: column "b": expected a finite number, got "four"`}},
		{"CSV short row", inDir(map[string]string{"data.csv": "a,b,c\n1,2,0\n3,4\n"}, "train", "--data", "data.csv"),
			[]string{"data.csv:3:3: row has 2 fields, the header has 3"}},
		{"CSV empty", inDir(map[string]string{"data.csv": ""}, "train", "--data", "data.csv"),
			[]string{"data.csv: empty file: expected a header row"}},
		{"CSV no such column", inDir(map[string]string{"data.csv": "a,b,c\n1,2,0\n"}, "train", "--data", "data.csv", "--target", "label"),
			[]string{`data.csv: no column "label"; columns are: a, b, c`}},
		{"binary data", cli("train", "--data", "/dev/zero"),
			[]string{"/dev/zero: not a CSV text file: binary data (a NUL byte at offset 0)"}},
		{"model: short row", inDir(map[string]string{"m.json": model244(`[1,2,3,4]]`, `[1,2,3]]`)}, "eval", "--model", "m.json", "--data", "xor"),
			[]string{"layers[1].weights[3]: expected 4 values, got 3"}},
		{"model: unknown activation", inDir(map[string]string{"m.json": model244(`"sigmoid"`, `"sigmod"`)}, "eval", "--model", "m.json", "--data", "xor"),
			[]string{`layers[0].activation: unknown "sigmod" (want one of step, linear, sigmoid, tanh, relu, leaky-relu, softmax)`}},
		{"model: NaN", inDir(map[string]string{"m.json": model244(`"biases":[0,0,0,1]`, `"biases":[0,0,0,1]},{"activation":"sigmoid","weights":[[1,2,3,4]],"biases":["NaN"]`)}, "eval", "--model", "m.json", "--data", "xor"),
			[]string{"layers[2].biases[0]: NaN"}},
		{"model: eta", inDir(map[string]string{"m.json": model244(`"layers"`, `"training":{"eta":-1},"layers"`)}, "eval", "--model", "m.json", "--data", "xor"),
			[]string{"training.eta: -1, want a finite number > 0"}},
		{"model: data that don't fit", func(t *testing.T) string {
			t.Chdir(t.TempDir())
			if code, _, errs := runCLI("train", "--data", "digits", "--layers", "64,30,10", "--epochs", "1", "--out", "m.json", "--progress", "plain"); code != 0 {
				t.Fatal(errs)
			}
			b, err := os.ReadFile("m.json")
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]any
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			m["data"] = map[string]any{"name": "iris", "seed": 1}
			if b, err = json.Marshal(m); err != nil {
				t.Fatal(err)
			}
			writeFile(t, ".", "m.json", string(b))
			return cli("eval", "--model", "m.json")(t)
		}, []string{"the model m.json takes 64 inputs and gives 10 outputs (64→30→10), but iris has 4 inputs and 3 outputs"}},
		{"lesson: bad condition", inDir(map[string]string{"mine.md": "---\ntitle: T\nid: t\n---\n\n## Step: A\n\nSome text.\n\n```check\ngoal: g\nepoch >> 1\n```\n"}, "--lesson", "mine.md"),
			[]string{`mine.md:12: col 8: expected a value after >, found ">"`}},
		{"lesson: bad goal", inDir(map[string]string{"mine.md": "---\ntitle: T\nid: t\n---\n\n## Step: A\n\nSome text.\n```check\ngoal: accuracy >= 0.95 within five epochs\n```\n"}, "--lesson", "mine.md"),
			[]string{`mine.md:10: goal: col 25: expected a whole number of epochs ≥ 1 after within, found "five"`}},
		{"lesson: bad answer", inDir(map[string]string{"mine.md": "---\ntitle: T\nid: t\n---\n## Step: A\n```question\nask: q\noptions: a | b\nanswer: c\n```\n"}, "--lesson", "mine.md"),
			[]string{`mine.md:9: answer "c" is not one of the options (a | b)`}},
		{"serve without auth", cli("serve", "--listen", "127.0.0.1:0"),
			[]string{"serve: no authentication configured; use --authorized-keys, --password-file, BACKPROP_PASSWORD or --open"}},
	}
}

// model244 is a 2→4→4 model file with old replaced by new.
func model244(old, new string) string {
	const m = `{"format":"backprop/model","version":1,"inputs":2,"cost":"quadratic","layers":[
 {"activation":"sigmoid","weights":[[1,2],[1,2],[1,2],[1,2]],"biases":[0,0,0,0]},
 {"activation":"sigmoid","weights":[[1,2,3,4],[1,2,3,4],[1,2,3,4],[1,2,3,4]],"biases":[0,0,0,1]}]}`
	return strings.Replace(m, old, new, 1)
}

// TestREADMEQuotes: every message the README quotes is what the program
// prints (times masked).
func TestREADMEQuotes(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := maskTimes(strings.Join(strings.Fields(string(b)), " "))
	for _, q := range readmeQuotes() {
		t.Run(q.name, func(t *testing.T) {
			t.Setenv("BACKPROP_PASSWORD", "")
			out := maskTimes(strings.Join(strings.Fields(q.run(t)), " "))
			for _, s := range q.quotes {
				s = maskTimes(strings.Join(strings.Fields(s), " "))
				if !strings.Contains(readme, s) {
					t.Errorf("README.md does not quote %q", s)
				}
				if !strings.Contains(out, s) {
					t.Errorf("the app does not print %q; it printed:\n%s", s, out)
				}
			}
		})
	}
}

// The export's messages and the script's own line, with a python3 that has
// the library and one that lacks it (readme: "Take your network onward").
func TestREADMEExportQuotes(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := strings.Join(strings.Fields(string(b)), " ")
	dir := t.TempDir()
	_, model := writeExportModel(t)
	out := filepath.Join(dir, "model.py")
	_, _, errs := runCLI("export", "--format", "pytorch", "--model", model, "--out", out)
	bytesRE := regexp.MustCompile(`\d+ bytes`)
	hint := strings.Join(strings.Fields(strings.Replace(errs, out, "model.py", 2)), " ")
	quoted := regexp.MustCompile("`(backprop export: wrote [^`]*)`").FindStringSubmatch(readme)
	if quoted == nil || bytesRE.ReplaceAllString(quoted[1], "N bytes") != bytesRE.ReplaceAllString(hint, "N bytes") {
		t.Errorf("README quotes %q; the export prints %q", quoted, hint)
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("no python3")
	}
	fake := filepath.Join(dir, "missing", "torch")
	if err := os.MkdirAll(fake, 0o755); err != nil {
		t.Fatal(err)
	}
	writeFile(t, fake, "__init__.py", "raise ModuleNotFoundError(\"No module named 'torch'\")\n")
	cmd := exec.Command(py, out)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(dir, "missing"))
	res, _ := cmd.CombinedOutput()
	line := strings.Join(strings.Fields(string(res)), " ")
	exe := regexp.MustCompile(`which (\S+) lacks`)
	quoted = regexp.MustCompile("`(this script needs PyTorch[^`]*)`").FindStringSubmatch(readme)
	if quoted == nil || exe.ReplaceAllString(quoted[1], "which PY lacks") != exe.ReplaceAllString(line, "which PY lacks") {
		t.Errorf("README quotes %q; the script prints %q", quoted, line)
	}
	if err := exec.Command("/usr/bin/python3", "-c", "import torch").Run(); err == nil {
		res, _ := exec.Command("/usr/bin/python3", out).CombinedOutput()
		if want := "OK: 5 probes match the Go engine within 1e-09"; !strings.HasPrefix(string(res), want) || !strings.Contains(readme, want) {
			t.Errorf("the script says %q; the README quotes %q", res, want)
		}
	}
}
