package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The acceptance check of "Networks with memory": an Elman layer of 8
// learns echo (the input two steps back); the same network without
// recurrence cannot beat chance.
func TestTrainEchoRecurrent(t *testing.T) {
	args := []string{"train", "--data", "echo", "--layers", "_,8,_", "--act", "tanh,sigmoid", "--cost", "cross-entropy",
		"--opt", "adam", "--lr", "0.01", "--epochs", "30", "--seed", "1", "--json"}
	for _, c := range []struct {
		recurrent bool
		ok        func(float64) bool
		want      string
	}{{true, func(a float64) bool { return a >= 0.99 }, "≥ 0.99"}, {false, func(a float64) bool { return a <= 0.6 }, "≤ 0.6"}} {
		a := args
		if c.recurrent {
			a = append(append([]string(nil), args...), "--recurrent")
		}
		code, out, errs := runCLI(a...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		objs := jsonLines(t, out)
		final := objs[len(objs)-1]
		acc, _ := final["val_accuracy"].(float64)
		if final["final"] != true || !c.ok(acc) {
			t.Errorf("recurrent %v: test accuracy %v, want %s", c.recurrent, acc, c.want)
		}
		t.Logf("recurrent %v: test accuracy %v", c.recurrent, acc)
	}
}

func TestRecurrentFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--data", "xor", "--recurrent"}, "--recurrent: needs sequence data"},
		{[]string{"--data", "echo", "--recurrent", "--layers", "_,_"}, "--recurrent: makes the hidden layers recurrent"},
		{[]string{"--data", "echo", "--bptt", "-1"}, "--bptt: must be in [0, 65536]"},
		{[]string{"--data", "echo", "--clip", "-2"}, "--clip: must be a finite number ≥ 0"},
		{[]string{"--data", "xor", "--delay", "3"}, "--delay: is echo's delay"},
		{[]string{"--data", "echo", "--delay", "30"}, "echo: delay must be in [1, 19]"},
		{[]string{"--data", "iris", "--steps", "3"}, "--steps: is the length of the sequences"},
	} {
		code, _, errs := runCLI(append([]string{"train", "--epochs", "1"}, c.args...)...)
		if code == 0 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q; want %q", c.args, code, errs, c.want)
		}
	}
	code, out, errs := runCLI("train", "--data", "parity", "--steps", "6", "--samples", "40", "--recurrent", "--layers", "_,6,_",
		"--act", "tanh,sigmoid", "--cost", "cross-entropy", "--opt", "momentum", "--lr", "0.1", "--bptt", "3", "--clip", "1", "--epochs", "2")
	if code != 0 || !strings.Contains(out, "Final test") {
		t.Fatalf("parity: exit %d\n%s\n%s", code, out, errs)
	}
}

// A trained recurrent model file: eval counts steps, eval --gradcheck
// checks through time, export writes a numpy script that runs the loop and
// matches the engine on the model's own sequences.
func TestRecurrentModelCommands(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "echo.json")
	code, _, errs := runCLI("train", "--data", "echo", "--samples", "40", "--recurrent", "--layers", "_,4,_", "--act", "tanh,sigmoid",
		"--cost", "cross-entropy", "--opt", "adam", "--lr", "0.01", "--epochs", "2", "--out", model)
	if code != 0 {
		t.Fatalf("train: %s", errs)
	}
	code, out, errs := runCLI("eval", "--model", model)
	if code != 0 || !strings.Contains(out, "20 sequences") || !strings.Contains(out, "/360 steps with a target)") {
		t.Errorf("eval: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCLI("eval", "--model", model, "--gradcheck")
	if code != 0 || !strings.HasPrefix(out, "gradcheck: max relative error") || !strings.Contains(out, "over 29 parameters") {
		t.Errorf("gradcheck: exit %d\n%s%s", code, out, errs)
	}
	script := filepath.Join(dir, "echo.py")
	if code, _, errs = runCLI("export", "--format", "numpy", "--model", model, "--data-probes", "--out", script); code != 0 {
		t.Fatalf("export: %s", errs)
	}
	py := "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3 with numpy is required under CI: %v", err)
		}
		t.Skipf("no python3 with numpy: %v", err)
	}
	if res, err := exec.Command(py, script).CombinedOutput(); err != nil || !strings.HasPrefix(string(res), "OK: 5 probe sequences match") {
		t.Errorf("python3 %s: %v: %s", script, err, res)
	}
}
