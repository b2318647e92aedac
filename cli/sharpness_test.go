package cli

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"backprop/cli/setup"
)

// TestEvalSharpnessLinear: for a network with no hidden layer, a linear
// output and the quadratic cost, eval --sharpness's λ_max is the largest
// eigenvalue of X̃ᵀX̃/n (X̃ = [X 1]: the bias is the weight of a constant
// input), by gonum and by numpy, within 1e-6.
func TestEvalSharpnessLinear(t *testing.T) {
	model := filepath.Join(t.TempDir(), "plane.json")
	if code, _, errs := runCLI("train", "--data", "plane", "--layers", "_,_", "--act", "linear", "--cost", "quadratic", "--epochs", "2", "--out", model); code != 0 {
		t.Fatal(errs)
	}
	code, out, errs := runCLI("eval", "--model", model, "--sharpness", "--json")
	var r struct {
		LambdaMax        float64 `json:"lambda_max"`
		StabilityLimit   float64 `json:"stability_limit"`
		SharpnessSamples int     `json:"sharpness_samples"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &r) != nil {
		t.Fatalf("exit %d: %s%s", code, out, errs)
	}
	mf, err := setup.Open(model, setup.NoFlags(), setup.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	x := mf.Dataset.Train.X
	n, d := len(x), len(x[0])+1
	if r.SharpnessSamples != n {
		t.Errorf("λ_max over %d samples, want the %d training samples", r.SharpnessSamples, n)
	}
	xt := mat.NewDense(n, d, nil)
	for i, row := range x {
		for k, v := range row {
			xt.Set(i, k, v)
		}
		xt.Set(i, d-1, 1)
	}
	var g mat.SymDense
	g.SymOuterK(1/float64(n), xt.T())
	var eig mat.EigenSym
	if !eig.Factorize(&g, false) {
		t.Fatal("EigenSym failed")
	}
	want := slices.Max(eig.Values(nil))
	if e := math.Abs(r.LambdaMax-want) / want; e > 1e-6 {
		t.Errorf("λ_max = %.12g, gonum's eig(X̃ᵀX̃/n) = %.12g: relative error %.2g", r.LambdaMax, want, e)
	}
	if math.Abs(r.StabilityLimit*r.LambdaMax-2) > 1e-12 {
		t.Errorf("2/λ_max = %g for λ_max %g", r.StabilityLimit, r.LambdaMax)
	}
	const py = "/usr/bin/python3"
	if err := exec.Command(py, "-c", "import numpy").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s has no numpy: %v", py, err)
		}
		t.Skipf("%s has no numpy: %v", py, err)
	}
	in, _ := json.Marshal(x)
	cmd := exec.Command(py, "-c", `import json, sys, numpy as np
x = np.array(json.load(sys.stdin)); x = np.hstack([x, np.ones((len(x), 1))])
print(repr(float(np.linalg.eigvalsh(x.T @ x / len(x)).max())))`)
	cmd.Stdin = bytes.NewReader(in)
	b, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	np, err := strconv.ParseFloat(string(bytes.TrimSpace(b)), 64)
	if err != nil {
		t.Fatal(err)
	}
	if e := math.Abs(r.LambdaMax-np) / np; e > 1e-6 {
		t.Errorf("λ_max = %.12g, numpy's = %.12g: relative error %.2g", r.LambdaMax, np, e)
	}
}

func TestSharpnessFlags(t *testing.T) {
	code, out, errs := runCLI("train", "--data", "xor", "--layers", "_,3,_", "--epochs", "3", "--json", "--sharpness", "--sharpness-samples", "3")
	if code != 0 {
		t.Fatal(errs)
	}
	lines := jsonLines(t, out)
	for _, l := range lines {
		lam, ok := l["lambda_max"].(float64)
		lim, ok2 := l["stability_limit"].(float64)
		if !ok || !ok2 || math.Abs(lam*lim-2) > 1e-9 {
			t.Errorf("line without λ_max and 2/λ_max: %v", l)
		}
	}
	if _, out, _ := runCLI("train", "--data", "xor", "--epochs", "1", "--json"); strings.Contains(out, "lambda_max") {
		t.Errorf("λ_max without --sharpness: %s", out)
	}
	model := writeFile(t, t.TempDir(), "step.json", `{"format": "backprop/model", "version": 1, "inputs": 2, "cost": "quadratic",
 "layers": [{"activation": "step", "weights": [[1, 1]], "biases": [-1.5]}], "data": {"name": "and"}}`)
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"train", "--data", "xor", "--sharpness-samples", "3"}, 2, "--sharpness-samples: is for --sharpness"},
		{[]string{"train", "--data", "xor", "--sharpness", "--sharpness-samples", "-1"}, 2, "--sharpness-samples: must be ≥ 0"},
		{[]string{"eval", "--model", model, "--sharpness-samples", "3"}, 2, "--sharpness-samples: is for --sharpness"},
		{[]string{"eval", "--model", model, "--sharpness"}, 1, "λ_max needs a differentiable network"},
	} {
		code, _, errs := runCLI(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}
