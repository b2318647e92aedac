package plotaxis

import (
	"math"
	"testing"
)

// TestWiden: a curve inside the data leaves the axis at the data's range;
// one far off widens it by half the span at most; no data takes the
// curve's range, or 0…1 with neither; each is padded by 5%.
func TestWiden(t *testing.T) {
	pad := func(lo, hi float64) [2]float64 { p := (hi - lo) * 0.05; return [2]float64{lo - p, hi + p} }
	for _, c := range []struct {
		name   string
		lo, hi float64
		curve  []float64
		want   [2]float64
	}{
		{"inside", -1, 1, []float64{0, 0.5}, pad(-1, 1)},
		{"far off", -1, 1, []float64{0, 1e9}, pad(-1, 2)},
		{"NaN ignored", -1, 1, []float64{math.NaN(), 0}, pad(-1, 1)},
		{"no data", math.Inf(1), math.Inf(-1), []float64{2, 4}, pad(2, 4)},
		{"nothing", math.Inf(1), math.Inf(-1), nil, pad(0, 1)},
		{"one value", 3, 3, nil, pad(2.5, 3.5)},
	} {
		lo, hi := Widen(c.lo, c.hi, c.curve)
		if math.Abs(lo-c.want[0]) > 1e-12 || math.Abs(hi-c.want[1]) > 1e-12 {
			t.Errorf("%s: %g…%g, want %g…%g", c.name, lo, hi, c.want[0], c.want[1])
		}
	}
}
