package network

import (
	"bytes"
	"math"
	"testing"
)

// FuzzStepper drives a stepper with an arbitrary sequence of operations
// (steps, runs, edits with extreme values, hyper-parameter changes, undo,
// reset, reseed, save and load). Nothing may panic, Undo must always restore
// the previous weights, and a saved model must load.
func FuzzStepper(f *testing.F) {
	f.Add([]byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11})
	f.Add([]byte{5, 200, 6, 3, 3, 3, 9, 1, 1, 11, 4})
	f.Add([]byte{7, 255, 255, 0, 2, 2, 2, 2, 10, 8})
	f.Fuzz(func(t *testing.T, ops []byte) {
		if len(ops) > 64 {
			ops = ops[:64]
		}
		c := configs[int(len(ops))%len(configs)]
		s := newConfig(t, c, 13)
		vals := []float64{0, 1, -1, 1e300, -1e300, 1e-300, 3.5, 1e6}
		for i := 0; i < len(ops); i++ {
			op, arg := ops[i]%12, 0
			if i+1 < len(ops) {
				arg = int(ops[i+1])
			}
			before := s.Net().Clone()
			depth := s.UndoDepth()
			switch op {
			case 0, 1, 2, 3, 4:
				s.Step(Granularity(op))
			case 5:
				s.Run(arg)
			case 6:
				l := arg % len(s.Net().Layers)
				s.SetWeight(l, arg%s.Net().Layers[l].Out, arg%s.Net().Layers[l].In, vals[arg%len(vals)])
			case 7:
				s.SetBias(0, 0, vals[arg%len(vals)])
			case 8:
				h := s.Hyper()
				h.Eta = vals[arg%len(vals)]
				h.Batch = arg % 7
				h.Opt = Optimizer(arg % 3)
				h.L2 = float64(arg % 2)
				s.SetHyper(h)
			case 9:
				if s.Undo() && s.UndoDepth() != depth-1 {
					t.Fatal("undo depth")
				}
				continue
			case 10:
				s.Reset()
			case 11:
				var b bytes.Buffer
				if err := s.Model().Write(&b); err != nil {
					t.Fatal(err)
				}
				m, err := ParseModel(b.Bytes())
				if s.Status() == Diverged {
					continue // NaN weights are rejected by path
				}
				if err != nil {
					t.Fatalf("saved model does not load: %v", err)
				}
				if _, err := m.Stepper(s.Train(), s.Test()); err != nil {
					t.Fatalf("saved model does not resume: %v", err)
				}
				continue
			}
			// Now and then check that Undo restores the weights bit for bit
			// (and carry on from there); otherwise keep the new state.
			if arg%4 == 0 && s.UndoDepth() == depth+1 {
				s.Undo()
				for l := range before.Layers {
					for k, w := range before.Layers[l].W {
						if math.Float64bits(w) != math.Float64bits(s.Net().Layers[l].W[k]) {
							t.Fatalf("op %d: undo did not restore layer %d W[%d]", op, l, k)
						}
					}
				}
			}
		}
	})
}
