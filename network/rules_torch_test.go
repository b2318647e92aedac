package network

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// torchRulesTolerance is how far torch.optim's weights may be from the
// engine's after every step (absolute; the weights are of order 1).
const torchRulesTolerance = 1e-12

// torchDriver runs each case's steps with torch.optim in float64: the
// exported module (Export, FormatPyTorch) gives the network and loss_fn,
// and the engine's own mini-batches (sample indices) give the order. It
// maps our conventions onto torch's:
//
//   - L2: weight_decay = λ2/n on the weights' parameter group, 0 on the
//     biases' (torch adds weight_decay·w to the gradient, as we do).
//   - L1: torch has no option; λ1/n·sign(w) is added to the weights'
//     gradients before opt.step(), which is what our g includes.
//   - momentum: SGD(momentum=μ, dampening=0); its buffer b = μb + g,
//     w ← w − η·b is our v = −η·b.
//   - Adam: Adam(betas=(β1, β2), eps=ε), coupled L2 like ours.
const torchDriver = `
import importlib, json, sys
import torch
sys.path.insert(0, sys.argv[1])
cases = json.load(sys.stdin)
out = []
for c in cases:
    m = importlib.import_module(c["module"])
    model = m.model
    lin = [l for l in model if isinstance(l, torch.nn.Linear)]
    weights, biases = [l.weight for l in lin], [l.bias for l in lin]
    groups = [{"params": weights, "weight_decay": c["l2n"]}, {"params": biases, "weight_decay": 0.0}]
    if c["opt"] == "adam":
        opt = torch.optim.Adam(groups, lr=c["eta"], betas=(c["beta1"], c["beta2"]), eps=c["eps"])
    elif c["opt"] == "momentum":
        opt = torch.optim.SGD(groups, lr=c["eta"], momentum=c["mu"], dampening=0.0)
    else:
        opt = torch.optim.SGD(groups, lr=c["eta"])
    X = torch.tensor(c["x"], dtype=torch.float64)
    Y = torch.tensor(c["y"], dtype=torch.float64)
    steps = []
    for batch in c["batches"]:
        opt.zero_grad()
        loss = m.loss_fn(model(X[batch]), Y[batch])
        loss.backward()
        if c["l1n"]:
            with torch.no_grad():
                for w in weights:
                    w.grad.add_(torch.sign(w), alpha=c["l1n"])
        opt.step()
        steps.append([[l.weight.detach().flatten().tolist(), l.bias.detach().tolist()] for l in lin])
    out.append(steps)
print(json.dumps(out))
`

// TestUpdateRulesMatchTorch runs SGD, momentum and Adam, each alone and
// with L1, L2 and both, for 10 updates (over three epochs, with a short
// last batch) in the engine and in torch.optim, and compares the weights
// after every update. It needs /usr/bin/python3 with torch (Debian's
// python3-torch; CI installs it).
func TestUpdateRulesMatchTorch(t *testing.T) {
	t.Parallel()
	py := python(t, "torch")
	type torchCase struct {
		Module  string      `json:"module"`
		Opt     string      `json:"opt"`
		Eta     float64     `json:"eta"`
		Mu      float64     `json:"mu"`
		Beta1   float64     `json:"beta1"`
		Beta2   float64     `json:"beta2"`
		Eps     float64     `json:"eps"`
		L1n     float64     `json:"l1n"` // λ1/n
		L2n     float64     `json:"l2n"` // λ2/n
		X       [][]float64 `json:"x"`
		Y       [][]float64 `json:"y"`
		Batches [][]int     `json:"batches"`
		name    string
	}
	const steps = 10
	type rule struct {
		name string
		opt  Optimizer
		eta  float64
	}
	rules := []rule{{"sgd", SGD, 0.5}, {"momentum", Momentum, 0.3}, {"adam", Adam, 0.01}}
	regs := []struct {
		name   string
		l1, l2 float64
	}{{"", 0, 0}, {"+l2", 0, 0.7}, {"+l1", 0.3, 0}, {"+l1+l2", 0.3, 0.7}}
	// Two networks: sigmoid/quadratic, and tanh/softmax/cross-entropy.
	nets := []struct {
		name  string
		sizes []int
		acts  []Activation
		cost  Cost
		out   int
	}{
		{"quadratic", []int{3, 4, 2}, []Activation{Sigmoid, Sigmoid}, Quadratic, 2},
		{"softmax-ce", []int{3, 5, 3}, []Activation{Tanh, Softmax}, CrossEntropy, 3},
	}
	dir := t.TempDir()
	var cases []*torchCase
	var engines [][][]float64 // per case, per step: all weights then biases, flattened per layer
	for ni, nc := range nets {
		data := synth(7, nc.sizes[0], nc.out, uint64(40+ni))
		for ri, r := range rules {
			for gi, g := range regs {
				net := randNet(nc.sizes, nc.acts, nc.cost, uint64(100*ni+10*ri+gi))
				var script bytes.Buffer
				if err := Export(&script, net, FormatPyTorch, data.X[:1]); err != nil {
					t.Fatal(err)
				}
				module := fmt.Sprintf("m%d_%d_%d", ni, ri, gi)
				if err := os.WriteFile(filepath.Join(dir, module+".py"), script.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				h := DefaultHyper()
				h.Opt, h.Eta, h.Batch, h.L1, h.L2, h.Seed = r.opt, r.eta, 3, g.l1, g.l2, 5
				h.Mu, h.Beta1, h.Beta2, h.Epsilon = 0.8, 0.85, 0.99, 1e-7
				s := mustStepper(t, net, h, data, Set{})
				c := &torchCase{Module: module, Opt: r.opt.String(), Eta: h.Eta, Mu: h.Mu, Beta1: h.Beta1, Beta2: h.Beta2,
					Eps: h.Epsilon, L1n: h.L1 / 7, L2n: h.L2 / 7, X: data.X, Y: data.Y, name: nc.name + "/" + r.name + g.name}
				var got [][]float64
				for range steps {
					// the batch's sample indices, as the engine draws them
					var batch []int
					for {
						if err := s.Step(BySample); err != nil {
							t.Fatal(err)
						}
						batch = append(batch, s.Pos().Index)
						if ph := s.Pos().Phase; ph == PhaseUpdate || ph == PhaseEpochEnd {
							break
						}
					}
					c.Batches = append(c.Batches, batch)
					var flat []float64
					for _, l := range s.Net().Layers {
						flat = append(append(flat, l.W...), l.B...)
					}
					got = append(got, flat)
				}
				cases = append(cases, c)
				engines = append(engines, got)
			}
		}
	}
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	out, err := runPy(t, py, in, "-c", torchDriver, dir)
	if err != nil {
		t.Fatal(err)
	}
	var torch [][][][2][]float64 // case, step, layer, (weights, biases)
	if err := json.Unmarshal(out, &torch); err != nil {
		t.Fatalf("python printed %q: %v", out, err)
	}
	if len(torch) != len(cases) {
		t.Fatalf("torch ran %d cases, want %d", len(torch), len(cases))
	}
	worst := 0.0
	for ci, c := range cases {
		shortBatch := false
		for _, b := range c.Batches {
			shortBatch = shortBatch || len(b) < 3
		}
		if !shortBatch || len(torch[ci]) != steps {
			t.Fatalf("%s: %d torch steps, short batch %v", c.name, len(torch[ci]), shortBatch)
		}
		caseWorst := 0.0
		for step, layers := range torch[ci] {
			var flat []float64
			for _, l := range layers {
				flat = append(append(flat, l[0]...), l[1]...)
			}
			want := engines[ci][step]
			if len(flat) != len(want) {
				t.Fatalf("%s step %d: torch has %d parameters, the engine %d", c.name, step+1, len(flat), len(want))
			}
			for i := range want {
				d := math.Abs(flat[i] - want[i])
				caseWorst = math.Max(caseWorst, d)
				if !(d <= torchRulesTolerance) {
					t.Errorf("%s step %d parameter %d: torch %.17g, engine %.17g", c.name, step+1, i, flat[i], want[i])
					break
				}
			}
		}
		worst = math.Max(worst, caseWorst)
		t.Logf("%-24s max |torch − engine| over %d updates: %.3g", c.name, steps, caseWorst)
	}
	t.Logf("worst over %d cases: %.3g (tolerance %g)", len(cases), worst, torchRulesTolerance)
}
