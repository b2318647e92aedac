package datasets

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// MaxSamples bounds Spec.Samples for the generators.
const MaxSamples = 1_000_000

// MaxNoise bounds Spec.Noise: the generators' noise runs 0..0.5, TF
// Playground's scale (its slider's 0..50%).
const MaxNoise = 0.5

// Generated reports whether name is one of the seeded generators, the sets
// that take Spec.Noise and Spec.Samples.
func Generated(name string) bool {
	switch name {
	case "circle", "xor-quadrants", "gaussians", "spiral", "moons", "sine", "bump", "plane":
		return true
	}
	return false
}

// generator draws n points with the given noise from rng.
type generator func(rng *rand.Rand, n int, noise float64) *raw

// genBuilder wraps a generator: Samples (default 200), Noise and Seed from
// the spec; split 0.5 by default.
func genBuilder(g generator) func(Spec) (*raw, error) {
	return func(spec Spec) (*raw, error) {
		n := spec.Samples
		if n == 0 {
			n = DefaultSamples
		}
		if n < 2 || n > MaxSamples {
			return nil, fmt.Errorf("datasets: %s: samples must be in [2, %d], got %d", spec.Name, MaxSamples, n)
		}
		rng := rand.New(rand.NewPCG(spec.Seed, streamGen))
		r := g(rng, n, spec.Noise)
		r.split = SplitGenerated
		return r, nil
	}
}

// uniform draws from U(a, b).
func uniform(rng *rand.Rand, a, b float64) float64 { return a + (b-a)*rng.Float64() }

// twoD returns an empty 2-D classification set plotted on [−6, 6]², as in
// TF Playground.
func twoD(n int) *raw {
	return &raw{
		features: []string{"x₁", "x₂"},
		targets:  []string{"1"},
		classes:  []string{"0", "1"},
		kind:     Classification,
		x:        make([][]float64, 0, n),
		y:        make([][]float64, 0, n),
		lo:       []float64{-6, -6},
		hi:       []float64{6, 6},
	}
}

func (r *raw) add(x []float64, y ...float64) {
	r.x = append(r.x, x)
	r.y = append(r.y, y)
}

// halves splits n into the two class counts, the first one larger when n is odd.
func halves(n int) (int, int) { return (n + 1) / 2, n / 2 }

// circle: class 1 drawn in the disc r < 2.5, class 0 in the ring
// 3.5 < r < 5; the label is that of the point displaced by noise·U(−5, 5)
// per coordinate, so noise flips labels near the gap.
func circle(rng *rand.Rand, n int, noise float64) *raw {
	r := twoD(n)
	const radius = 5.0
	n1, n0 := halves(n)
	gen := func(count int, rmin, rmax float64) {
		for range count {
			rad := uniform(rng, rmin, rmax)
			angle := uniform(rng, 0, 2*math.Pi)
			x, y := rad*math.Sin(angle), rad*math.Cos(angle)
			nx, ny := uniform(rng, -radius, radius)*noise, uniform(rng, -radius, radius)*noise
			r.add([]float64{x, y}, b2f(math.Hypot(x+nx, y+ny) < radius*0.5))
		}
	}
	gen(n1, 0, radius*0.5)
	gen(n0, radius*0.7, radius)
	return r
}

// xorQuadrants: points uniform in [−5, 5]² pushed 0.3 away from the axes;
// class 1 where x₁·x₂ ≥ 0 (after a noise·U(−5, 5) displacement).
func xorQuadrants(rng *rand.Rand, n int, noise float64) *raw {
	r := twoD(n)
	const padding = 0.3
	pad := func(v float64) float64 {
		if v > 0 {
			return v + padding
		}
		return v - padding
	}
	for range n {
		x, y := pad(uniform(rng, -5, 5)), pad(uniform(rng, -5, 5))
		nx, ny := uniform(rng, -5, 5)*noise, uniform(rng, -5, 5)*noise
		r.add([]float64{x, y}, b2f((x+nx)*(y+ny) >= 0))
	}
	return r
}

// gaussians: class 1 around (2, 2), class 0 around (−2, −2), each
// coordinate N(c, v) with variance v = 0.5 + 7·noise (0.5 to 4 as noise
// goes 0 to 0.5, as in TF Playground).
func gaussians(rng *rand.Rand, n int, noise float64) *raw {
	r := twoD(n)
	sd := math.Sqrt(0.5 + 7*noise)
	n1, n0 := halves(n)
	for range n1 {
		r.add([]float64{2 + sd*rng.NormFloat64(), 2 + sd*rng.NormFloat64()}, 1)
	}
	for range n0 {
		r.add([]float64{-2 + sd*rng.NormFloat64(), -2 + sd*rng.NormFloat64()}, 0)
	}
	return r
}

// spiral: two arms, point i of m at radius r = 5i/m and angle
// t = 3.5π·i/m (+π for class 0), plus noise·U(−1, 1) per coordinate.
func spiral(rng *rand.Rand, n int, noise float64) *raw {
	r := twoD(n)
	n1, n0 := halves(n)
	arm := func(m int, delta, label float64) {
		for i := range m {
			rad := float64(i) / float64(m) * 5
			t := 1.75*float64(i)/float64(m)*2*math.Pi + delta
			x := rad*math.Sin(t) + uniform(rng, -1, 1)*noise
			y := rad*math.Cos(t) + uniform(rng, -1, 1)*noise
			r.add([]float64{x, y}, label)
		}
	}
	arm(n1, 0, 1)
	arm(n0, math.Pi, 0)
	return r
}

// moons: scikit-learn's make_moons scaled by 3 and centred: class 0 on the
// upper arc (cos t, sin t), class 1 on the lower arc (1 − cos t, ½ − sin t),
// t uniform in [0, π], plus N(0, noise²) per coordinate before scaling.
func moons(rng *rand.Rand, n int, noise float64) *raw {
	r := twoD(n)
	n0, n1 := halves(n)
	put := func(x, y, label float64) {
		x += noise * rng.NormFloat64()
		y += noise * rng.NormFloat64()
		r.add([]float64{3 * (x - 0.5), 3 * (y - 0.25)}, label)
	}
	for range n0 {
		t := uniform(rng, 0, math.Pi)
		put(math.Cos(t), math.Sin(t), 0)
	}
	for range n1 {
		t := uniform(rng, 0, math.Pi)
		put(1-math.Cos(t), 0.5-math.Sin(t), 1)
	}
	return r
}

// sine: x uniform in [−π, π], y = sin x + noise·N(0, 1).
func sine(rng *rand.Rand, n int, noise float64) *raw {
	r := &raw{
		features: []string{"x"},
		targets:  []string{"y"},
		kind:     Regression,
		lo:       []float64{-math.Pi},
		hi:       []float64{math.Pi},
	}
	for range n {
		x := uniform(rng, -math.Pi, math.Pi)
		r.add([]float64{x}, math.Sin(x)+noise*rng.NormFloat64())
	}
	return r
}

// bump: x uniform in [−π, π], y = 1 on [−1, 1] and 0 elsewhere, plus
// noise·N(0, 1): two opposite steps (Nielsen's "Neural Networks and Deep
// Learning", chapter 4).
func bump(rng *rand.Rand, n int, noise float64) *raw {
	r := &raw{
		features: []string{"x"},
		targets:  []string{"y"},
		kind:     Regression,
		lo:       []float64{-math.Pi},
		hi:       []float64{math.Pi},
	}
	for range n {
		x, y := uniform(rng, -math.Pi, math.Pi), 0.0
		if x >= -1 && x <= 1 {
			y = 1
		}
		r.add([]float64{x}, y+noise*rng.NormFloat64())
	}
	return r
}

// plane: (x₁, x₂) uniform in [−6, 6]², y = (x₁ + x₂ + ε₁ + ε₂)/10 with
// εᵢ = noise·U(−6, 6), as TF Playground's regressPlane.
func plane(rng *rand.Rand, n int, noise float64) *raw {
	r := twoD(n)
	r.targets, r.classes, r.kind = []string{"y"}, nil, Regression
	for range n {
		x, y := uniform(rng, -6, 6), uniform(rng, -6, 6)
		nx, ny := uniform(rng, -6, 6)*noise, uniform(rng, -6, 6)*noise
		r.add([]float64{x, y}, (x+nx+y+ny)/10)
	}
	return r
}
