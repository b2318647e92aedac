package network

import (
	"math"
	"math/rand/v2"
	"testing"
)

// sigmoidInputs covers the clamps, the overflow of e^x, zeros, infinities,
// NaN and a spread of ordinary values.
func sigmoidInputs(rng *rand.Rand, n int) []float64 {
	v := []float64{0, math.Copysign(0, -1), 1, -1, 50, -50, 51, 49.99, 37, -37, 708, -708, 709, -709,
		709.4, -709.4, 709.5, -709.5, 709.78, -709.78, 709.79, -709.79, 745, -745, 746, -746, 1000, -1000,
		1001, -1001, 1e300, -1e300, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64,
		math.MaxFloat64, -math.MaxFloat64, 0.5, -0.5, math.Ln2 / 2, -math.Ln2 / 2}
	for len(v) < n {
		v = append(v, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(5)-2)))
	}
	return v
}

func sameFloat(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

// TestSigmoidAccuracy compares σ with 1/(1+math.Exp(−z)) (with e^z below
// z = −700, where math.Exp(−z) overflows early on amd64 but σ(z) = e^z to
// double precision): within 4 ulps wherever the result is normal, and the
// same zeros, ones, infinities and NaNs.
func TestSigmoidAccuracy(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	for _, z := range sigmoidInputs(rng, 20000) {
		got, want := sigmoid(z), 1/(1+math.Exp(-z))
		if z < -700 {
			want = math.Exp(z)
		}
		if math.IsNaN(want) || want == 0 || want == 1 {
			if !sameFloat(got, want) {
				t.Errorf("σ(%v) = %v, want %v", z, got, want)
			}
			continue
		}
		if want < 0x1p-1022 { // subnormal: 0 once e^−z overflows (as 1/(1+math.Exp(−z)) gives), else within 4 ulps
			if got != 0 && math.Abs(got-want) > 4*math.SmallestNonzeroFloat64 {
				t.Errorf("σ(%v) = %v, want %v", z, got, want)
			}
			continue
		}
		ulp := math.Nextafter(want, math.Inf(1)) - want
		if math.Abs(got-want) > 4*ulp {
			t.Errorf("σ(%v) = %v, want %v (%.1f ulps)", z, got, want, math.Abs(got-want)/ulp)
		}
	}
}

// TestSigmoidRowMatch checks that the assembly kernels give sigmoid's bits
// for every length and alignment.
func TestSigmoidRowMatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	in := sigmoidInputs(rng, 4000)
	for _, isa := range gemmISAs() {
		for n := range 40 {
			for off := range 3 {
				z := in[off*n%len(in):][:n]
				a := make([]float64, n+off)[off:]
				sigmoidISA(isa, z, a)
				for i, v := range z {
					if want := sigmoid(v); !sameFloat(a[i], want) {
						t.Fatalf("isa %d n=%d: σ(%v) = %v, want %v", isa, n, v, a[i], want)
					}
				}
			}
		}
		a := make([]float64, len(in))
		sigmoidISA(isa, in, a)
		for i, v := range in {
			if want := sigmoid(v); !sameFloat(a[i], want) {
				t.Fatalf("isa %d: σ(%v) = %v, want %v", isa, v, a[i], want)
			}
		}
	}
}

// FuzzSigmoid checks the kernel against sigmoid on fuzzed values.
func FuzzSigmoid(f *testing.F) {
	f.Add(0.0, 709.5, -1e300)
	f.Fuzz(func(t *testing.T, x, y, z float64) {
		in := []float64{x, y, z, -x, x / 3, y * 7, z + x, 1}
		for _, isa := range gemmISAs() {
			a := make([]float64, len(in))
			sigmoidISA(isa, in, a)
			for i, v := range in {
				if want := sigmoid(v); !sameFloat(a[i], want) {
					t.Fatalf("isa %d: σ(%v) = %v, want %v", isa, v, a[i], want)
				}
			}
		}
	})
}

func BenchmarkSigmoid(b *testing.B) {
	z := sigmoidInputs(rand.New(rand.NewPCG(1, 2)), 110)[50:]
	a := make([]float64, len(z))
	b.Run("row", func(b *testing.B) {
		for b.Loop() {
			sigmoidRow(z, a)
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(z)), "ns/value")
	})
	b.Run("mathExp", func(b *testing.B) {
		for b.Loop() {
			for i, v := range z {
				a[i] = 1 / (1 + math.Exp(-v))
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(z)), "ns/value")
	})
}
