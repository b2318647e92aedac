package network

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportRecurrentScriptsRun exports recurrent networks (a trained echo
// net; nn.RNN's tanh and relu; a sigmoid layer, which nn.RNN lacks; two
// stacked layers under softmax) in both formats: the scripts' self-checks
// pass, and their predictions for fresh sequences of other lengths match
// the engine's within ExportTolerance at every step. And a script with a
// negative tolerance fails its check.
func TestExportRecurrentScriptsRun(t *testing.T) {
	t.Parallel()
	py := python(t, "numpy", "torch")
	s := echoStepper(t, Adam, 0, 0)
	s.Run(200)
	nets := []struct {
		name string
		net  *Network
	}{
		{"echo", s.Net().Clone()},
		{"relu", rnn(t, []int{2, 5, 2}, []Activation{ReLU, Linear}, []bool{true, false}, Quadratic, 3)},
		{"sigmoid", rnn(t, []int{3, 4, 1}, []Activation{Sigmoid, Sigmoid}, []bool{true, false}, CrossEntropy, 4)},
		{"stacked", rnn(t, []int{3, 6, 5, 4, 3}, []Activation{Tanh, LeakyReLU, Tanh, Softmax}, []bool{true, true, false, false}, CrossEntropy, 5)},
	}
	rng := rand.New(rand.NewPCG(41, 42))
	dir := t.TempDir()
	for _, n := range nets {
		probes, err := ExportProbes(n.net, 3, rng)
		if err != nil {
			t.Fatal(err)
		}
		var inputs [][][]float64
		for T := 1; T <= 12; T += 3 {
			seq := make([][]float64, T)
			for k := range seq {
				seq[k] = make([]float64, n.net.Sizes[0])
				for j := range seq[k] {
					seq[k][j] = 2*rng.Float64() - 1
				}
			}
			inputs = append(inputs, seq)
		}
		in, _ := json.Marshal(inputs)
		for _, format := range []string{FormatPyTorch, FormatNumPy} {
			t.Run(n.name+"/"+format, func(t *testing.T) {
				t.Parallel() // each runs python three times, mostly importing torch
				var buf bytes.Buffer
				if err := Export(&buf, n.net, format, probes); err != nil {
					t.Fatal(err)
				}
				if format == FormatPyTorch && n.name != "sigmoid" && !strings.Contains(buf.String(), "nn.RNN(") {
					t.Error("the PyTorch script does not use nn.RNN")
				}
				script := filepath.Join(dir, n.name+"_"+format+".py")
				os.WriteFile(script, buf.Bytes(), 0o644)
				out, err := runPy(t, py, nil, script)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(string(out), "OK: 3 probe sequences match the Go engine within 1e-09") {
					t.Errorf("self-check printed %q", out)
				}
				out, err = runPy(t, py, in, script, "--predict")
				if err != nil {
					t.Fatal(err)
				}
				var got [][][]float64
				if err := json.Unmarshal(out, &got); err != nil || len(got) != len(inputs) {
					t.Fatalf("--predict printed %q: %v", out, err)
				}
				worst := 0.0
				for i, seq := range inputs {
					var flat []float64
					for _, x := range seq {
						flat = append(flat, x...)
					}
					want := n.net.ForwardSeq(flat)
					for k := range want {
						for j := range want[k] {
							d := math.Abs(got[i][k][j]-want[k][j]) / math.Max(1, math.Abs(want[k][j]))
							worst = max(worst, d)
							if !(d <= ExportTolerance) {
								t.Errorf("sequence %d step %d output %d: python %v, Go %v", i, k, j, got[i][k][j], want[k][j])
							}
						}
					}
				}
				t.Logf("worst relative difference: %.3g", worst)
				if n.name != "echo" {
					return
				}
				bad := filepath.Join(dir, n.name+"_"+format+"_bad.py")
				os.WriteFile(bad, bytes.Replace(buf.Bytes(), []byte("TOLERANCE = 1e-09"), []byte("TOLERANCE = -1.0"), 1), 0o644)
				if _, err := runPy(t, py, nil, bad); err == nil || !strings.Contains(err.Error(), "exit status 1") {
					t.Errorf("a script with a negative tolerance passed its check: %v", err)
				}
			})
		}
	}
}

func TestExportRecurrentErrors(t *testing.T) {
	net := rnn(t, []int{2, 3, 1}, []Activation{Tanh, Sigmoid}, []bool{true, false}, CrossEntropy, 1)
	for _, c := range []struct {
		probe []float64
		want  string
	}{{[]float64{1, 2, 3}, "whole steps of 2 inputs"}, {[]float64{1, math.NaN()}, "input 1 (step 0) is NaN"}} {
		err := Export(&bytes.Buffer{}, net, FormatNumPy, [][]float64{c.probe})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("probe %v: %v, want %q", c.probe, err, c.want)
		}
	}
	net.Layers[0].WH[2] = math.Inf(1)
	if err := Export(&bytes.Buffer{}, net, FormatNumPy, [][]float64{{1, 2}}); err == nil || !strings.Contains(err.Error(), "layers[0].WH[2]: +Inf") {
		t.Errorf("Inf in W_h: %v", err)
	}
}
