package network

import "math"

// The sigmoid function σ(z) = 1/(1 + e^{−z}), computed the same way, to the
// bit, by sigmoid (and sigmoidGo) and by the AVX-512 kernel that does eight at a time:
//
//	x = −z clamped to [−50, 1000]   (NaN stays NaN; below −50, 1 + e^x
//	                                 rounds to 1 anyway; above, e^x = +Inf)
//	n = roundToEven(x·log₂e),  r = (x − n·ln2hi) − n·ln2lo   (two FMAs)
//	e^r = Σ_{i≤13} r^i/i!           (Horner, one FMA per degree)
//	e^x = (e^r · 2^⌊n/2⌋) · 2^(n−⌊n/2⌋)
//	σ  = 1/(1 + e^x)
//
// |r| ≤ ln2/2, so the Taylor tail is below 2^−57 and e^x is within about one
// unit in the last place (math.Exp too); σ(z) differs from 1/(1+math.Exp(−z))
// by at most a few ulps. Splitting 2^n in two keeps both factors normal for
// every clamped x, so results near overflow round once and +Inf comes out
// where math.Exp overflows.

const (
	sigLo    = -50.0
	sigHi    = 1000.0
	log2e    = 1.4426950408889634     // log₂e
	ln2Hi    = 0.6931471805599453     // ln2 rounded to a double
	ln2Lo    = 2.3190468138462996e-17 // ln2 − ln2Hi
	sigTerms = 14                     // Taylor coefficients 1/i!, i = 0..13
)

// sigCoef holds 1/i! for i = 13 down to 0 (Horner order).
var sigCoef = [sigTerms]float64{
	1.0 / 6227020800, 1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800,
	1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24,
	1.0 / 6, 1.0 / 2, 1, 1,
}

// sigmoid is σ(z) = 1/(1+e^{−z}) (see above).
func sigmoid(z float64) float64 {
	x := -z
	if x < sigLo {
		x = sigLo
	}
	if x > sigHi {
		x = sigHi
	}
	n := math.RoundToEven(x * log2e)
	r := math.FMA(-n, ln2Hi, x)
	r = math.FMA(-n, ln2Lo, r)
	p := sigCoef[0]
	for _, c := range sigCoef[1:] {
		p = math.FMA(p, r, c)
	}
	ni := int64(n) // NaN gives garbage here, and p is NaN anyway
	h := ni >> 1
	s1 := math.Float64frombits(uint64(h+1023) << 52)
	s2 := math.Float64frombits(uint64(ni-h+1023) << 52)
	e := (p * s1) * s2
	return 1 / (1 + e)
}

// sigmoidGo sets a_i = σ(z_i).
func sigmoidGo(z, a []float64) {
	a = a[:len(z)]
	for i, v := range z {
		a[i] = sigmoid(v)
	}
}
