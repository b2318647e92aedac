package numfmt

import (
	"math"
	"strings"
	"testing"
)

func TestFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{G(-1.5, -1), "−1.5"},
		{G(1.5, -1), "1.5"},
		{G(-2e-5, -1), "−2e−05"},
		{G(3e-7, 2), "3e−07"},
		{F(-1.5, 2), "−1.50"},
		{F(-0.001, 2), "0.00"},
		{F(math.Copysign(0, -1), 1), "0.0"},
		{F(-2, -1), "−2"},
		{E(-12345, 1), "−1.2e+04"},
		{Int(-3), "−3"},
		{Sign("-0.5"), "−0.5"},
		{Sign("0.5"), "0.5"},
	}
	for i, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("%d: got %q, want %q", i, tc.got, tc.want)
		}
	}
}

func TestParseReadsWhatIsShown(t *testing.T) {
	for _, v := range []float64{0, -1.5, 2.25, -3e-9, 1e300, -math.SmallestNonzeroFloat64} {
		s := G(v, -1)
		if strings.Contains(s, "-") {
			t.Errorf("G(%g) = %q holds an ASCII minus", v, s)
		}
		got, err := Parse(s)
		if err != nil || got != v {
			t.Errorf("Parse(%q) = %g, %v; want %g", s, got, err, v)
		}
	}
	for s, want := range map[string]float64{" -1.5 ": -1.5, "−1.5": -1.5, "1e−3": 1e-3, "2": 2} {
		if got, err := Parse(s); err != nil || got != want {
			t.Errorf("Parse(%q) = %g, %v; want %g", s, got, err, want)
		}
	}
	if _, err := Parse("abc"); err == nil {
		t.Error(`Parse("abc"): no error`)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("−1.5")
	f.Add("-2e-3")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := Parse(s)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		if back, err := Parse(G(v, -1)); err != nil || back != v {
			t.Fatalf("Parse(G(%g)) = %g, %v", v, back, err)
		}
	})
}

func TestCount(t *testing.T) {
	for _, tc := range []struct {
		n          int
		noun, want string
	}{
		{1, "sample", "1 sample"}, {0, "sample", "0 samples"}, {2, "epoch", "2 epochs"},
		{3, "batch", "3 batches"}, {2, "class", "2 classes"}, {1, "class", "1 class"},
	} {
		if got := Count(tc.n, tc.noun); got != tc.want {
			t.Errorf("Count(%d, %q) = %q, want %q", tc.n, tc.noun, got, tc.want)
		}
	}
}
