// Package plotaxis sizes the value axis of a fit: the targets' range,
// widened to take in a network's curves where they stay near the data, so
// that a diverging curve does not flatten the points it should pass
// through. The trainer's Fit and Sequence panes and the fit figure share
// it, so the screen and the handout draw the same axis.
//
// Notation: [lo, hi] is the data's range, [clo, chi] the curves' finite
// values, span = hi − lo. The axis is
//
//	[max(min(lo, clo), lo − span/2), min(max(hi, chi), hi + span/2)]
//
// widened by 5% of its length on each side.
package plotaxis

import (
	"math"

	"backprop/datasets"
	"backprop/network"
)

// Widen is the axis of the data's range [lo, hi] (lo > hi: none, and the
// curves' range stands for it, or 0…1; a single value widened by ±0.5),
// widened to take in the curves' finite values up to half its span beyond
// it, and 5% more.
func Widen(lo, hi float64, curves ...[]float64) (float64, float64) {
	clo, chi := math.Inf(1), math.Inf(-1)
	for _, vs := range curves {
		for _, v := range vs {
			if finite(v) {
				clo, chi = math.Min(clo, v), math.Max(chi, v)
			}
		}
	}
	switch {
	case lo > hi && clo > chi:
		lo, hi = 0, 1
	case lo > hi:
		lo, hi = clo, chi
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-0.5, hi+0.5
	}
	if clo <= chi {
		span := hi - lo
		lo = math.Max(math.Min(lo, clo), lo-span/2)
		hi = math.Min(math.Max(hi, chi), hi+span/2)
	}
	pad := (hi - lo) * 0.05
	return lo - pad, hi + pad
}

// Fit is the output axis of a fit on d: the targets' range (0…1 for
// classes, −1…1 when there are none) widened by the curves (Widen).
func Fit(d *datasets.Dataset, classes bool, curves ...[]float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	if classes {
		lo, hi = 0, 1
	} else {
		for _, s := range []datasets.Set{d.Train, d.Test} {
			for _, y := range s.Y {
				if len(y) > 0 && finite(y[0]) {
					lo, hi = math.Min(lo, y[0]), math.Max(hi, y[0])
				}
			}
		}
		if lo > hi {
			lo, hi = -1, 1
		}
	}
	return Widen(lo, hi, curves...)
}

// Level is where a sample is drawn on a fit: its first target or, for
// one-hot classes, the value of its class's output (1).
func Level(y []float64, classes bool) float64 {
	if classes && len(y) > 1 {
		return y[network.ClassOf(y)]
	}
	return y[0]
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
