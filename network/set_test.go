package network

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"backprop/internal/compact"
)

// synthU8 is a compact set of n random byte rows of in values with one-hot
// targets over out classes, and the same set as float64 rows (b/255, as
// the float64 idx loader computed them).
func synthU8(t testing.TB, n, in, out int, seed uint64) (Set, Set) {
	rng := rand.New(rand.NewPCG(seed, 9))
	pix := make([]uint8, n*in)
	for i := range pix {
		pix[i] = uint8(rng.IntN(256))
	}
	u, err := compact.NewU8(pix, in)
	if err != nil {
		t.Fatal(err)
	}
	c := Set{U8: u}
	var f Set
	for i := range n {
		y := make([]float64, out)
		y[int(pix[i*in])%out] = 1
		c.Y = append(c.Y, y)
		f.X = append(f.X, c.Input(i, nil))
		f.Y = append(f.Y, y)
	}
	return c, f
}

// TestCompactSameBits: a stepper on a compact set and one on the same
// values as float64 rows take the same steps, undo the same way and
// evaluate to the same bits, for every config; and the compact set is
// never written.
func TestCompactSameBits(t *testing.T) {
	for _, cf := range configs {
		t.Run(cf.name, func(t *testing.T) {
			in, out := cf.sizes[0], cf.sizes[len(cf.sizes)-1]
			ct, ft := synthU8(t, 23, in, max(out, 2), 1)
			cv, fv := synthU8(t, 9, in, max(out, 2), 2)
			if out == 1 {
				for _, s := range []*Set{&ct, &ft, &cv, &fv} {
					for i, y := range s.Y {
						s.Y[i] = y[1:]
					}
				}
			}
			before := slices.Clone(ct.U8.Bytes(0))
			h := DefaultHyper()
			cf.h(&h)
			h.Seed = 3
			a := mustStepper(t, mustNet(t, cf.sizes, cf.acts, cf.cost, 11), h, ct, cv)
			b := mustStepper(t, mustNet(t, cf.sizes, cf.acts, cf.cost, 11), h, ft, fv)
			rng := rand.New(rand.NewPCG(5, 5))
			for k := range 80 {
				switch op := rng.IntN(6); {
				case op < 3:
					g := Granularity(rng.IntN(5))
					a.Step(g)
					b.Step(g)
				case op < 5:
					n := 1 + rng.IntN(30)
					a.Run(n)
					b.Run(n)
				default:
					a.Undo()
					b.Undo()
				}
				sameWeights(t, "step", b.Net(), a.Net())
				ta, tb := a.Trace(), b.Trace()
				if a.Pos() != b.Pos() || !sameBits(ta.X, tb.X) || !sameBits(ta.A[len(ta.A)-1], tb.A[len(tb.A)-1]) {
					t.Fatalf("op %d: pos %+v / %+v, x %v / %v", k, a.Pos(), b.Pos(), ta.X, tb.X)
				}
			}
			ma, mb := a.Net().Evaluate(cv), b.Net().Evaluate(fv)
			if math.Float64bits(ma.Loss) != math.Float64bits(mb.Loss) || ma.Accuracy != mb.Accuracy {
				t.Errorf("Evaluate: %v / %v", ma, mb)
			}
			if slices.Compare(before, ct.U8.Bytes(0)) != 0 {
				t.Error("the compact set was written to")
			}
		})
	}
}

// TestCompactObjective: the objective's gradient on a compact set has the
// bits of the float64 one.
func TestCompactObjective(t *testing.T) {
	c, f := synthU8(t, 300, 7, 3, 4)
	net := mustNet(t, []int{7, 5, 3}, []Activation{Sigmoid, Softmax}, CrossEntropy, 1)
	h := DefaultHyper()
	h.L2 = 0.1
	oc, err := NewObjective(net, h, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	of, err := NewObjective(net, h, f, nil)
	if err != nil {
		t.Fatal(err)
	}
	gc, cc, err1 := oc.Gradient(nil)
	gf, cf, err2 := of.Gradient(nil)
	if err1 != nil || err2 != nil || math.Float64bits(cc) != math.Float64bits(cf) || !sameBits(gc, gf) {
		t.Fatalf("cost %v / %v (%v %v)", cc, cf, err1, err2)
	}
	if s := c.Slice(10, 20); s.Len() != 10 || !sameBits(s.Input(0, nil), f.X[10]) {
		t.Error("Slice")
	}
	if p := c.Pick([]int{4, 2}); p.Len() != 2 || !sameBits(p.X[1], f.X[2]) {
		t.Error("Pick")
	}
}

// TestCompactProbes: the pure functions over a copy (the cost surface and
// the gradient flow) give the same bits on a compact set as on the same
// values as float64 rows.
func TestCompactProbes(t *testing.T) {
	c, f := synthU8(t, 37, 6, 3, 4)
	net := mustNet(t, []int{6, 5, 3}, []Activation{Sigmoid, Sigmoid}, CrossEntropy, 2)
	h := DefaultHyper()
	h.L2 = 0.1
	spec := SurfaceSpec{P: [2]Param{{Layer: 1, J: 2, K: 3}, {Layer: 0, J: 1, K: -1}}, Radius: [2]float64{1, 0.5}, Cols: 5, Rows: 3}
	sc, err := CostSurface(net, h, c, nil, spec)
	if err != nil {
		t.Fatal(err)
	}
	sf, err := CostSurface(net, h, f, []int{0, 3, 36}, spec)
	if err != nil {
		t.Fatal(err)
	}
	sf2, _ := CostSurface(net, h, f, nil, spec)
	if !slices.Equal(sc.C, sf2.C) || sc.Grad != sf2.Grad || sc.Cost != sf2.Cost {
		t.Errorf("surface on the compact set differs from the float64 set")
	}
	if sf.Samples != 3 {
		t.Errorf("surface over 3 samples says %d", sf.Samples)
	}
	gc, err := GradientFlow(net, c, nil)
	if err != nil {
		t.Fatal(err)
	}
	gf, _ := GradientFlow(net, f, nil)
	if !slices.Equal(gc, gf) {
		t.Errorf("gradient flow on the compact set %v, on float64 rows %v", gc, gf)
	}
}
