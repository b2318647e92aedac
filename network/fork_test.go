package network

import (
	"math"
	"testing"
)

// TestFork checks that a twin forked anywhere (mid-sample, mid-batch, at an
// epoch's end) is bit-identical to a stepper that never forked: stepped
// alike, it keeps the same weights, position, history and trace; and that
// the twin and its original share no buffer (changing one's η changes only
// that one).
func TestFork(t *testing.T) {
	const n = 23
	for _, c := range configs {
		for _, at := range []int{0, 3, 17, 2*n + 1} {
			t.Run(c.name, func(t *testing.T) {
				a, ref := newConfig(t, c, n), newConfig(t, c, n)
				for _, s := range []*Stepper{a, ref} {
					if _, err := s.Run(at); err != nil {
						t.Fatal(err)
					}
					for range 3 { // into the next sample's forward pass
						if err := s.Step(ByPhase); err != nil {
							t.Fatal(err)
						}
					}
				}
				b := a.Fork()
				defer b.Close()
				sameWeights(t, "forked", ref.Net(), b.Net())
				drive := func(s *Stepper) {
					for _, g := range []Granularity{ByNeuron, ByPhase, BySample, ByBatch} {
						if err := s.Step(g); err != nil {
							t.Fatal(err)
						}
					}
					if _, err := s.Run(2*n + 3); err != nil {
						t.Fatal(err)
					}
					if err := s.Step(ByEpoch); err != nil {
						t.Fatal(err)
					}
				}
				drive(ref)
				drive(b)
				sameWeights(t, "twin after stepping", ref.Net(), b.Net())
				if ref.Pos() != b.Pos() {
					t.Fatalf("twin at %+v, reference at %+v", b.Pos(), ref.Pos())
				}
				sameHistory(t, ref.History(), b.History())
				if x, y := ref.Trace().Cost, b.Trace().Cost; math.Float64bits(x) != math.Float64bits(y) {
					t.Fatalf("trace cost %v, reference %v", y, x)
				}
				// a is untouched by the twin's steps: it is where the fork was
				if a.Pos().Steps == b.Pos().Steps {
					t.Fatal("the original moved with its twin")
				}
				drive(a)
				sameWeights(t, "original after stepping", ref.Net(), a.Net())
				// a different η in the twin changes only the twin
				h := b.Hyper()
				h.Eta *= 3
				if err := b.SetHyper(h); err != nil {
					t.Fatal(err)
				}
				drive(b)
				drive(ref)
				drive(a)
				sameWeights(t, "original beside a changed twin", ref.Net(), a.Net())
				sameHistory(t, ref.History(), a.History())
			})
		}
	}
}

func sameHistory(t *testing.T, want, got []EpochStats) {
	t.Helper()
	if len(want) != len(got) {
		t.Fatalf("history: %d epochs, want %d", len(got), len(want))
	}
	for i := range want {
		w, g := want[i], got[i]
		for _, p := range [][2]float64{{w.TrainLoss, g.TrainLoss}, {w.TestLoss, g.TestLoss}, {w.TrainAcc, g.TrainAcc}, {w.TestAcc, g.TestAcc}} {
			if math.Float64bits(p[0]) != math.Float64bits(p[1]) && !(math.IsNaN(p[0]) && math.IsNaN(p[1])) {
				t.Fatalf("history[%d]: %+v, want %+v", i, g, w)
			}
		}
	}
}
