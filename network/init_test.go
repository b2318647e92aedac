package network

import (
	"math"
	"testing"
)

// TestInitScales draws a wide layer with every scheme and checks the mean
// and standard deviation of its weights and biases against the scheme's
// formula (4 standard errors of slack).
func TestInitScales(t *testing.T) {
	const in, out = 400, 300
	uniformSD := func(r float64) float64 { return r / math.Sqrt(3) }
	cases := []struct {
		init       Init
		wSD, bSD   float64
		zeroBiases bool
	}{
		{InitXavier, uniformSD(math.Sqrt(6.0 / (in + out))), 0, true},
		{InitHe, math.Sqrt(2.0 / in), 0, true},
		{InitUniform, uniformSD(1), uniformSD(1), false},
		{InitZero, 0, 0, true},
		{InitNormal, 1, 1, false},
		{InitLeCun, 1 / math.Sqrt(in), 1, false},
	}
	if len(cases) != len(initNames) {
		t.Fatalf("%d cases for %d schemes", len(cases), len(initNames))
	}
	stats := func(v []float64) (mean, sd float64) {
		for _, x := range v {
			mean += x
		}
		mean /= float64(len(v))
		for _, x := range v {
			sd += (x - mean) * (x - mean)
		}
		return mean, math.Sqrt(sd / float64(len(v)))
	}
	for _, c := range cases {
		t.Run(c.init.String(), func(t *testing.T) {
			net, err := New(Spec{Sizes: []int{in, out, 1}, Acts: []Activation{Sigmoid, Sigmoid}, Init: c.init}, NewRand(3))
			if err != nil {
				t.Fatal(err)
			}
			l := net.Layers[0]
			m, sd := stats(l.W)
			se := c.wSD / math.Sqrt(float64(len(l.W)))
			if math.Abs(m) > 4*se+1e-15 || math.Abs(sd-c.wSD) > 4*se*math.Sqrt2+1e-15 {
				t.Errorf("weights: mean %.4g sd %.4g, want 0 and %.4g", m, sd, c.wSD)
			}
			m, sd = stats(l.B)
			if c.zeroBiases {
				if m != 0 || sd != 0 {
					t.Errorf("biases: mean %g sd %g, want all 0", m, sd)
				}
				return
			}
			se = c.bSD / math.Sqrt(float64(len(l.B)))
			if math.Abs(m) > 4*se || math.Abs(sd-c.bSD) > 4*se*math.Sqrt2 {
				t.Errorf("biases: mean %.4g sd %.4g, want 0 and %.4g", m, sd, c.bSD)
			}
		})
	}
}

// TestInitNames: every scheme's name parses back to it, and a model file
// keeps it (Reseed draws with it again).
func TestInitNames(t *testing.T) {
	for i, name := range InitNames() {
		got, err := ParseInit(name)
		if err != nil || got != Init(i) || got.String() != name {
			t.Errorf("ParseInit(%q) = %v, %v", name, got, err)
		}
	}
	for _, init := range []Init{InitNormal, InitLeCun} {
		net, err := New(Spec{Sizes: []int{2, 3, 1}, Acts: []Activation{Tanh, Sigmoid}, Init: init}, NewRand(1))
		if err != nil {
			t.Fatal(err)
		}
		s, err := NewStepper(net, DefaultHyper(), Set{X: [][]float64{{0, 1}}, Y: [][]float64{{1}}}, Set{})
		if err != nil {
			t.Fatal(err)
		}
		m := s.Model()
		if m.f.Init != init.String() {
			t.Fatalf("model file init %q, want %q", m.f.Init, init)
		}
		back, err := m.Network()
		if err != nil || back.Init != init {
			t.Fatalf("loaded init %v (%v), want %v", back.Init, err, init)
		}
	}
}
