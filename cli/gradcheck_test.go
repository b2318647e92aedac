package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGradNormAcceptance: issue 11's check of train --json's grad_norm:
// in a deep sigmoid net the first layer's gradient is under 5% of the
// last one's; with ReLU and He init it is over 20%.
func TestGradNormAcceptance(t *testing.T) {
	for _, c := range []struct {
		acts    []string
		deep    bool
		ratioOK func(float64) bool
	}{
		{[]string{"--act", "sigmoid"}, true, func(r float64) bool { return r < 0.05 }},
		{[]string{"--act", "relu,relu,relu,relu,sigmoid", "--init", "he"}, false, func(r float64) bool { return r > 0.2 }},
	} {
		args := append([]string{"train", "--data", "circle", "--layers", "_,8,8,8,8,_", "--cost", "quadratic", "--lr", "0.5",
			"--epochs", "1", "--seed", "1", "--json"}, c.acts...)
		code, out, errs := runCLI(args...)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errs)
		}
		var e struct {
			GradNorm []float64 `json:"grad_norm"`
		}
		if err := json.Unmarshal([]byte(strings.SplitN(out, "\n", 2)[0]), &e); err != nil || len(e.GradNorm) != 5 {
			t.Fatalf("%v: %s", err, out)
		}
		if r := e.GradNorm[0] / e.GradNorm[4]; !c.ratioOK(r) {
			t.Errorf("%v: grad_norm[0]/grad_norm[4] = %.3g", c.acts, r)
		}
	}
}

// TestHistoryGradNorm: --history has a grad_norm column per layer.
func TestHistoryGradNorm(t *testing.T) {
	dir := t.TempDir()
	h := filepath.Join(dir, "h.csv")
	if code, _, errs := runCLI("train", "--data", "xor", "--layers", "_,3,_", "--epochs", "2", "--history", h); code != 0 {
		t.Fatal(errs)
	}
	raw, err := os.ReadFile(h)
	if err != nil {
		t.Fatal(err)
	}
	b := string(raw)
	lines := strings.Split(strings.TrimSpace(b), "\n")
	if lines[0] != "epoch,loss,accuracy,val_loss,val_accuracy,grad_norm_1,grad_norm_2" || len(lines) != 3 || strings.Count(lines[2], ",") != 6 {
		t.Fatalf("history:\n%s", b)
	}
}

// TestEvalGradCheck: eval --gradcheck passes a sigmoid/quadratic and a
// tanh/cross-entropy model with E < 1e-6, reports a step layer instead of
// failing, and exits 1 when the differences disagree with backprop (here
// because a steep unit makes the differences themselves inexact).
func TestEvalGradCheck(t *testing.T) {
	dir := t.TempDir()
	for _, m := range [][]string{
		{"--layers", "_,8,8,_", "--act", "sigmoid", "--cost", "quadratic"},
		{"--layers", "_,8,_", "--act", "tanh,sigmoid", "--cost", "cross-entropy"},
	} {
		path := filepath.Join(dir, "m.json")
		args := append([]string{"train", "--data", "circle", "--epochs", "10", "--seed", "1", "--out", path}, m...)
		if code, _, errs := runCLI(args...); code != 0 {
			t.Fatal(errs)
		}
		code, out, errs := runCLI("eval", "--model", path, "--gradcheck", "--json")
		var r struct {
			MaxRelErr float64 `json:"max_rel_err"`
			Params    int     `json:"params"`
			Passed    bool    `json:"passed"`
		}
		if code != 0 || json.Unmarshal([]byte(out), &r) != nil || !(r.MaxRelErr < 1e-6) || !r.Passed || r.Params == 0 {
			t.Fatalf("%v: exit %d: %s%s", m, code, out, errs)
		}
		code, out, _ = runCLI("eval", "--model", path, "--gradcheck")
		if code != 0 || !strings.HasPrefix(out, "gradcheck: max relative error ") || !strings.Contains(out, " parameters") {
			t.Fatalf("exit %d: %q", code, out)
		}
	}
	step := writeFile(t, dir, "nand.json", `{"format": "backprop/model", "version": 1, "inputs": 2, "cost": "quadratic",
 "layers": [{"activation": "step", "weights": [[-1, -1]], "biases": [1.5]}], "data": {"name": "and"}}`)
	if code, out, errs := runCLI("eval", "--model", step, "--gradcheck"); code != 0 || !strings.Contains(out, "step layer") {
		t.Fatalf("step: exit %d: %s%s", code, out, errs)
	}
	steep := writeFile(t, dir, "steep.json", `{"format": "backprop/model", "version": 1, "inputs": 2, "cost": "quadratic",
 "layers": [{"activation": "sigmoid", "weights": [[1, 1]], "biases": [0]},
            {"activation": "sigmoid", "weights": [[4000]], "biases": [-2000]}], "data": {"name": "and"}}`)
	if code, out, errs := runCLI("eval", "--model", steep, "--gradcheck"); code != 1 || !strings.Contains(out, "FAILED") {
		t.Fatalf("steep: exit %d: %s%s", code, out, errs)
	}
}
