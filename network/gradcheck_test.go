package network

import (
	"errors"
	"math/rand/v2"
	"testing"
)

func TestGradCheck(t *testing.T) {
	elementwise := []Activation{Linear, Sigmoid, Tanh, ReLU, LeakyReLU}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []Cost{Quadratic, CrossEntropy} {
		for _, hidden := range elementwise {
			for _, out := range append(elementwise, Softmax) {
				name := c.String() + "/" + hidden.String() + "-" + out.String()
				t.Run(name, func(t *testing.T) {
					sizes := []int{4, 5, 6, 3}
					net := mustNet(t, sizes, []Activation{hidden, hidden, out}, c, rng.Uint64())
					// Keep outputs inside (0,1) so binary cross-entropy is defined.
					last := net.Layers[2]
					for i := range last.W {
						last.W[i] *= 0.3
					}
					for i := range last.B {
						last.B[i] = 0.5
					}
					for _, l := range net.Layers[:2] {
						for i := range l.B {
							l.B[i] = rng.Float64() - 0.5
						}
					}
					x := []float64{rng.Float64(), -rng.Float64(), rng.Float64(), 0.3}
					y := []float64{0.2, 0.5, 0.3}
					worst, err := GradCheck(net, x, y, 0)
					if err != nil {
						t.Fatal(err)
					}
					if worst >= 1e-6 {
						t.Fatalf("max relative error %.3g ≥ 1e-6", worst)
					}
				})
			}
		}
	}
}

// TestGradCheckCanFail makes sure the check sees a wrong derivative: at a
// ReLU kink the one-sided derivative backprop uses differs from the centred
// difference.
func TestGradCheckCanFail(t *testing.T) {
	net := mustNet(t, []int{1, 1, 1}, []Activation{ReLU, Linear}, Quadratic, 1)
	net.Layers[0].W[0], net.Layers[0].B[0] = 1, 0 // z = x = 0: on the kink
	net.Layers[1].W[0], net.Layers[1].B[0] = 1, 0
	worst, err := GradCheck(net, []float64{0}, []float64{1}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if worst < 0.1 {
		t.Fatalf("max relative error %.3g at a kink, want a large one", worst)
	}
}

func TestGradCheckErrors(t *testing.T) {
	net := mustNet(t, []int{2, 3, 1}, []Activation{Step, Sigmoid}, Quadratic, 1)
	if _, err := GradCheck(net, []float64{1, 2}, []float64{1}, 0); !errors.Is(err, ErrStepBackprop) {
		t.Fatalf("step layer: %v", err)
	}
	net = mustNet(t, []int{2, 3, 1}, []Activation{Tanh, Sigmoid}, Quadratic, 1)
	if _, err := GradCheck(net, []float64{1}, []float64{1}, 0); err == nil {
		t.Fatal("short x accepted")
	}
}
