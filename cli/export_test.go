package cli

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// exportTestModel is Matt Mazur's 2-2-2 network as a hand-written model file.
const exportTestModel = `{"format": "backprop/model", "version": 1, "inputs": 2,
 "layers": [
  {"activation": "sigmoid", "weights": [[0.15, 0.2], [0.25, 0.3]], "biases": [0.35, 0.35]},
  {"activation": "softmax", "weights": [[0.4, 0.45], [0.5, 0.55]], "biases": [0.6, 0.6]}],
 "cost": "cross-entropy"}`

func writeExportModel(t *testing.T) (dir, path string) {
	t.Helper()
	dir = t.TempDir()
	path = filepath.Join(dir, "mazur.json")
	if err := os.WriteFile(path, []byte(exportTestModel), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, path
}

func TestRunExportUsage(t *testing.T) {
	dir, model := writeExportModel(t)
	tests := []struct {
		name       string
		args       []string
		code       int
		stdout     string // substring; "" means stdout must be empty
		stderr     string
		wantScript bool
	}{
		{"help", []string{"--help"}, 0, "usage: backprop export --format pytorch|numpy", "", false},
		{"-h", []string{"-h"}, 0, "--probes N", "", false},
		{"no flags", nil, 2, "", "backprop export: --format: required: pytorch or numpy\n", false},
		{"bad format", []string{"--format", "onnx", "--model", model}, 2, "", `--format: unknown "onnx" (want pytorch or numpy)`, false},
		{"no model", []string{"--format", "numpy"}, 2, "", "--model: required", false},
		{"zero probes", []string{"--format", "numpy", "--model", model, "--probes", "0"}, 2, "", "--probes: must be 1..10000, got 0", false},
		{"bad probes", []string{"--format", "numpy", "--model", model, "--probes", "x"}, 2, "", `--probes: invalid value "x": want a whole number`, false},
		{"unknown flag", []string{"--format", "numpy", "--model", model, "--epochs", "3"}, 2, "", "backprop export: unknown flag --epochs (it is a flag of backprop train)\n", false},
		{"unknown flag anywhere", []string{"--format", "numpy", "--model", model, "--zzzzzz"}, 2, "", "backprop export: unknown flag --zzzzzz (see backprop export --help)\n", false},
		{"near flag", []string{"--format", "numpy", "--model", model, "--probe", "3"}, 2, "", "backprop export: unknown flag --probe (did you mean --probes?)\n", false},
		{"seed with data probes", []string{"--format", "numpy", "--model", model, "--data-probes", "--seed", "3"}, 2, "", "--seed: seeds the random probes", false},
		{"positional", []string{"--format", "numpy", "--model", model, "extra"}, 2, "", `unexpected argument "extra"`, false},
		{"missing file", []string{"--format", "numpy", "--model", filepath.Join(dir, "nope.json")}, 1, "", "nope.json", false},
		{"stdout", []string{"--format", "numpy", "--model", model}, 0, "import numpy as np", "", true},
		{"dash", []string{"--format", "pytorch", "--model", model, "--out", "-", "--probes", "2"}, 0, "import torch", "", true},
		{"out is the model", []string{"--format", "numpy", "--model", model, "--out", filepath.Join(dir, ".", "mazur.json")}, 2, "", "is the model file", false},
		{"out in missing dir", []string{"--format", "numpy", "--model", model, "--out", filepath.Join(dir, "no", "m.py")}, 2, "", "--out: directory " + filepath.Join(dir, "no") + " does not exist", false},
		{"out is a dir", []string{"--format", "numpy", "--model", model, "--out", dir}, 2, "", "--out: " + dir + " is a directory", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := Run(append([]string{"export"}, tc.args...), &stdout, &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, stderr.String())
			}
			if tc.stdout == "" && stdout.Len() > 0 {
				t.Errorf("stdout should be empty, got %q", stdout.String())
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout lacks %q:\n%s", tc.stdout, stdout.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tc.stderr)
			}
			if tc.code == 2 && strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("usage error is not one line: %q", stderr.String())
			}
			if tc.wantScript != strings.HasPrefix(stdout.String(), "#!/usr/bin/env python3\n") {
				t.Errorf("script on stdout: %v, want %v", !tc.wantScript, tc.wantScript)
			}
		})
	}
}

// TestRunExportOut writes with --out over an old file, leaves no temporary
// file behind, embeds --probes inputs, and the script checks itself OK when
// numpy is installed.
func TestRunExportOut(t *testing.T) {
	dir, model := writeExportModel(t)
	out := filepath.Join(dir, "model.py")
	if err := os.WriteFile(out, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"export", "--format", "numpy", "--model", model, "--out", out, "--probes", "3", "--seed", "9"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if stdout.Len() != 0 {
		t.Errorf("stdout should be empty with --out, got %q", stdout.String())
	}
	if !strings.Contains(stderr.String(), "wrote "+out) {
		t.Errorf("stderr %q doesn't say what it wrote", stderr.String())
	}
	script, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), `ACTIVATIONS = ["sigmoid", "softmax"]`) || !strings.Contains(string(script), `COST = "cross-entropy"`) {
		t.Errorf("script doesn't describe the model:\n%.600s", script)
	}
	for _, want := range []string{"\n# From: model file mazur.json.\n", "\n# Probes: random inputs, uniform in [-1, 1), seed 9.\nPROBES = [\n"} {
		if !strings.Contains(string(script), want) {
			t.Errorf("script lacks %q", want)
		}
	}
	if fi, _ := os.Stat(out); fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", fi.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "model.py" && e.Name() != "mazur.json" {
			t.Errorf("left %s behind", e.Name())
		}
	}
	// The same seed gives the same script.
	var again bytes.Buffer
	Run([]string{"export", "--format", "numpy", "--model", model, "--probes", "3", "--seed", "9"}, &again, &stderr)
	if again.String() != string(script) {
		t.Error("same flags, different script")
	}

	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with numpy is required under CI: %v", err)
		}
		t.Skipf("no python3 with numpy: %v", err)
	}
	res, err := exec.Command(py, out).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(res), "OK: 3 probes match the Go engine within 1e-09") {
		t.Errorf("python3 %s: %v: %s", out, err, res)
	}
	cmd := exec.Command(py, out, "--predict")
	cmd.Stdin = strings.NewReader("[[0.05, 0.1]]")
	res, err = cmd.Output()
	var got [][]float64
	if err != nil || json.Unmarshal(res, &got) != nil || len(got) != 1 || len(got[0]) != 2 {
		t.Fatalf("--predict: %v: %s", err, res)
	}
	// Softmax outputs sum to 1.
	if s := got[0][0] + got[0][1]; s < 1-1e-12 || s > 1+1e-12 {
		t.Errorf("softmax outputs %v sum to %v", got[0], s)
	}
}

// TestRunExportDataProbes takes the probes from the data set the model names:
// the AND gate's four rows (no test split, so the training set).
func TestRunExportDataProbes(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "and.json")
	const andModel = `{"format": "backprop/model", "version": 1, "inputs": 2,
 "layers": [{"activation": "sigmoid", "weights": [[5.5, 5.5]], "biases": [-8.25]}],
 "cost": "cross-entropy", "data": {"Name": "and", "Split": 1, "Seed": 1}}`
	if err := os.WriteFile(model, []byte(andModel), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if code := Run([]string{"export", "--format", "numpy", "--model", model, "--data-probes", "--probes", "10"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	script := stdout.String()
	i := strings.Index(script, "PROBES = [\n")
	j := strings.Index(script, "\nEXPECTED = ")
	if i < 0 || j < i {
		t.Fatalf("no PROBES in:\n%s", script)
	}
	rows := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(script[i+len("PROBES = [\n"):j-1]), "\n") {
		rows[strings.TrimSpace(line)] = true
	}
	for _, want := range []string{"[0.0, 0.0],", "[0.0, 1.0],", "[1.0, 0.0],", "[1.0, 1.0],"} {
		if !rows[want] {
			t.Errorf("PROBES lacks %s; has %v", want, rows)
		}
	}
	if want := "\n# Probes: the first 4 usable samples of and (training set).\n"; !strings.Contains(script, want) {
		t.Errorf("script lacks %q", want)
	}
	if len(rows) != 4 {
		t.Errorf("PROBES has %d rows, want the 4 of the AND gate: %v", len(rows), rows)
	}

	// A model without "data" can't take its probes from there.
	_, plain := writeExportModel(t)
	stdout.Reset()
	stderr.Reset()
	if code := Run([]string{"export", "--format", "numpy", "--model", plain, "--data-probes"}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "does not name its data set") {
		t.Errorf("exit %d, stderr %q; want 1 and 'does not name its data set'", code, stderr.String())
	}
	// Nor one whose data doesn't fit the network.
	mismatch := filepath.Join(dir, "iris.json")
	os.WriteFile(mismatch, []byte(strings.Replace(andModel, `"Name": "and"`, `"Name": "iris"`, 1)), 0o644)
	stderr.Reset()
	if code := Run([]string{"export", "--format", "numpy", "--model", mismatch, "--data-probes"}, &stdout, &stderr); code != 1 ||
		!strings.Contains(stderr.String(), "--data-probes: the model "+mismatch+" takes 2 inputs and gives 1 outputs (2→1), but iris has 4 inputs and 3 outputs") {
		t.Errorf("exit %d, stderr %q; want 1 and 'takes 2 inputs … but iris has 4 inputs'", code, stderr.String())
	}
}

// A python3 without numpy or torch (a fresh machine's, often) printed a
// traceback ending in ModuleNotFoundError. The script now says in one line
// what it needs and how to get it, and exits 1; imported, it raises an
// ImportError that says the same. A package whose import fails stands in
// for the missing one, so any python3 shows it.
func TestExportedScriptWithoutItsLibrary(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("python3 is required under CI")
		}
		t.Skip("no python3")
	}
	_, model := writeExportModel(t)
	for _, tc := range []struct {
		format, module, want string
		need                 [2]string
	}{
		{"numpy", "numpy", "this script needs numpy, which ", [2]string{"numpy", "pip install numpy, or on Debian apt-get install python3-numpy"}},
		{"pytorch", "torch", "this script needs PyTorch, which ", [2]string{"PyTorch", "pip install torch, or on Debian apt-get install python3-torch"}},
	} {
		dir := t.TempDir()
		out := filepath.Join(dir, "model.py")
		var stdout, stderr bytes.Buffer
		if code := Run([]string{"export", "--format", tc.format, "--model", model, "--out", out}, &stdout, &stderr); code != 0 {
			t.Fatalf("export: %s", stderr.String())
		}
		need := tc.need
		if !strings.Contains(stderr.String(), "(it needs "+need[0]+": "+need[1]+")") {
			t.Errorf("the export's hint does not say what the script needs: %q", stderr.String())
		}
		fake := filepath.Join(dir, "missing", tc.module)
		if err := os.MkdirAll(fake, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(fake, "__init__.py"), []byte("raise ModuleNotFoundError(\"No module named '"+tc.module+"'\")\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(py, out)
		cmd.Env = append(os.Environ(), "PYTHONPATH="+filepath.Join(dir, "missing"))
		res, err := cmd.CombinedOutput()
		line := strings.TrimSpace(string(res))
		if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || strings.Count(line, "\n") != 0 ||
			!strings.HasPrefix(line, tc.want) || !strings.HasSuffix(line, need[1]) {
			t.Errorf("%s without %s: %v\n%s", tc.format, tc.module, err, res)
		}
		cmd = exec.Command(py, "-c", "import model")
		cmd.Dir, cmd.Env = dir, append(os.Environ(), "PYTHONPATH="+filepath.Join(dir, "missing"))
		if res, _ := cmd.CombinedOutput(); !strings.Contains(string(res), "ImportError: "+tc.want) || !strings.Contains(string(res), need[1]) {
			t.Errorf("import without %s:\n%s", tc.module, res)
		}
	}
}
