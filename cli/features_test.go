package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestFeaturesAcceptance is issue 10's check: on circle, x₁² and x₂² with
// no hidden layer separate the classes (test accuracy ≥ 0.95) where x₁, x₂
// cannot (< 0.75); the model file records the features, eval and plot
// compute them, and both exported scripts match the engine within 1e-9.
func TestFeaturesAcceptance(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "circle.json")
	args := func(features string, more ...string) []string {
		return append([]string{"train", "--data", "circle", "--features", features, "--layers", "_,_", "--act", "sigmoid",
			"--cost", "cross-entropy", "--lr", "0.5", "--epochs", "100", "--seed", "1", "--json"}, more...)
	}
	for _, c := range []struct {
		features string
		ok       func(float64) bool
		want     string
	}{
		{"x1sq,x2sq", func(a float64) bool { return a >= 0.95 }, "≥ 0.95"},
		{"x1,x2", func(a float64) bool { return a < 0.75 }, "< 0.75"},
	} {
		var more []string
		if c.features == "x1sq,x2sq" {
			more = []string{"--out", model}
		}
		code, out, errs := runCLI(args(c.features, more...)...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.features, code, errs)
		}
		objs := jsonLines(t, out)
		acc := objs[len(objs)-1]["val_accuracy"].(float64)
		if !c.ok(acc) {
			t.Errorf("--features %s: test accuracy %v, want %s", c.features, acc, c.want)
		}
		t.Logf("--features %s: test accuracy %v", c.features, acc)
	}
	file, _ := os.ReadFile(model)
	if !strings.Contains(string(file), `"features": ["x1sq","x2sq"]`) {
		t.Fatalf("the model file lacks the features:\n%.200s", file)
	}
	code, out, errs := runCLI("eval", "--model", model, "--json")
	if code != 0 || !strings.Contains(out, `"accuracy": 1`) && !strings.Contains(out, `"accuracy":1`) {
		t.Errorf("eval: exit %d: %s %s", code, out, errs)
	}
	if code, _, errs := runCLI("plot", "neurons", "--model", model, "-o", filepath.Join(dir, "n.svg")); code != 0 {
		t.Errorf("plot neurons: exit %d: %s", code, errs)
	}
	for _, format := range []string{"numpy", "pytorch"} {
		var stdout, stderr bytes.Buffer
		if code := Run([]string{"export", "--format", format, "--model", model, "--data-probes", "--probes", "50"}, &stdout, &stderr); code != 0 {
			t.Fatalf("export %s: exit %d: %s", format, code, stderr.String())
		}
		script := filepath.Join(dir, "circle_"+format+".py") // not numpy.py: it would shadow numpy
		os.WriteFile(script, stdout.Bytes(), 0o644)
		lib := map[string]string{"numpy": "numpy", "pytorch": "torch"}[format]
		if err := exec.Command("/usr/bin/python3", "-c", "import "+lib).Run(); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("/usr/bin/python3 with %s is required under CI: %v", lib, err)
			}
			t.Logf("skipping the %s script: no %s", format, lib)
			continue
		}
		res, err := exec.Command("/usr/bin/python3", script).CombinedOutput()
		if err != nil || !strings.HasPrefix(string(res), "OK: 50 probes match the Go engine within 1e-09") {
			t.Errorf("%s script: %v: %s", format, err, res)
		}
	}
	// non-2-D data refuses --features; a bad name lists the valid ones
	if code, _, errs := runCLI("train", "--data", "iris", "--features", "x1sq", "--epochs", "1"); code != 2 || !strings.Contains(errs, "iris has 4 inputs") {
		t.Errorf("iris: exit %d: %s", code, errs)
	}
	if code, _, errs := runCLI("train", "--data", "circle", "--features", "x1,x3", "--epochs", "1"); code != 2 ||
		!strings.Contains(errs, `--features: unknown feature "x3"; want one of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2`) {
		t.Errorf("x3: exit %d: %s", code, errs)
	}
}
