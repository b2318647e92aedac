package network

import (
	"fmt"
	"math"
	"strings"
)

// Feature is one input feature computed from a point (x₁, x₂) of the plane,
// as in TensorFlow Playground: a network with Features takes the 2-D point
// x and feeds its first layer a⁰ = φ(x) = (φ_1(x), …, φ_n(x)).
//
//	x1 = x₁   x2 = x₂   x1sq = x₁²   x2sq = x₂²   x1x2 = x₁·x₂
//	sinx1 = sin x₁   sinx2 = sin x₂
//
// This file is the one place that computes them; the exported scripts
// (export.go) spell the same formulas in Python.
type Feature uint8

// The features, in TF Playground's order.
const (
	FeatX1 Feature = iota
	FeatX2
	FeatX1Sq
	FeatX2Sq
	FeatX1X2
	FeatSinX1
	FeatSinX2
	numFeatures
)

var featureNames = [numFeatures]string{"x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2"}

// featureMath is each feature's formula for people (x₁², sin x₁).
var featureMath = [numFeatures]string{"x₁", "x₂", "x₁²", "x₂²", "x₁x₂", "sin x₁", "sin x₂"}

// pyFeature is each feature in Python over the columns x1, x2 of a batch
// (numpy arrays or torch tensors: both have sin as a method of the module).
var pyFeature = [numFeatures]string{"x1", "x2", "x1 * x1", "x2 * x2", "x1 * x2", "LIB.sin(x1)", "LIB.sin(x2)"}

// FeatureInputs is the number of raw inputs a network with features takes:
// the two coordinates of a point of the plane.
const FeatureInputs = 2

// FeatureNames lists the valid feature names in their canonical order.
func FeatureNames() []string { return append([]string(nil), featureNames[:]...) }

func (f Feature) String() string {
	if f < numFeatures {
		return featureNames[f]
	}
	return fmt.Sprintf("Feature(%d)", uint8(f))
}

// Math is the feature's formula as a learner reads it: "x₁²", "sin x₂".
func (f Feature) Math() string {
	if f < numFeatures {
		return featureMath[f]
	}
	return f.String()
}

func (f Feature) valid() bool { return f < numFeatures }

// Of computes the feature at the point (x1, x2).
func (f Feature) Of(x1, x2 float64) float64 {
	switch f {
	case FeatX1:
		return x1
	case FeatX2:
		return x2
	case FeatX1Sq:
		return x1 * x1
	case FeatX2Sq:
		return x2 * x2
	case FeatX1X2:
		return x1 * x2
	case FeatSinX1:
		return math.Sin(x1)
	case FeatSinX2:
		return math.Sin(x2)
	}
	return math.NaN()
}

// ParseFeature reads one feature name; the error lists the valid ones.
func ParseFeature(s string) (Feature, error) {
	for i, n := range featureNames {
		if n == s {
			return Feature(i), nil
		}
	}
	return 0, fmt.Errorf("unknown feature %q; want one of %s", s, strings.Join(featureNames[:], ", "))
}

// Features is a network's input features in order (nil: the network takes
// its inputs as they are).
type Features []Feature

// ParseFeatures reads a comma-separated list such as "x1,x2,x1sq". Names
// must be valid and distinct, and at least one given.
func ParseFeatures(s string) (Features, error) {
	var fs Features
	for part := range strings.SplitSeq(s, ",") {
		f, err := ParseFeature(strings.TrimSpace(part))
		if err != nil {
			return nil, err
		}
		fs = append(fs, f)
	}
	return fs, fs.check()
}

// check reports a duplicate, an unknown feature or an empty list.
func (fs Features) check() error {
	if len(fs) == 0 {
		return fmt.Errorf("no features; want one or more of %s", strings.Join(featureNames[:], ", "))
	}
	var seen [numFeatures]bool
	for _, f := range fs {
		if !f.valid() {
			return fmt.Errorf("invalid feature %d", f)
		}
		if seen[f] {
			return fmt.Errorf("feature %s is listed twice", f)
		}
		seen[f] = true
	}
	return nil
}

// String is the list as ParseFeatures reads it: "x1sq,x2sq".
func (fs Features) String() string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = f.String()
	}
	return strings.Join(s, ",")
}

// Has reports whether f is in the list.
func (fs Features) Has(f Feature) bool {
	for _, g := range fs {
		if g == f {
			return true
		}
	}
	return false
}

// Toggle returns the list with f removed if it is there, else added in
// canonical order (TF Playground's). Removing the last feature is refused.
func (fs Features) Toggle(f Feature) (Features, error) {
	if !f.valid() {
		return nil, fmt.Errorf("invalid feature %d", f)
	}
	if fs.Has(f) {
		if len(fs) == 1 {
			return nil, fmt.Errorf("%s is the only input feature; add another before removing it", f)
		}
		out := make(Features, 0, len(fs)-1)
		for _, g := range fs {
			if g != f {
				out = append(out, g)
			}
		}
		return out, nil
	}
	out := append(append(Features(nil), fs...), f)
	// insertion into canonical order keeps the other columns' relative order
	for i := len(out) - 1; i > 0 && out[i] < out[i-1]; i-- {
		out[i], out[i-1] = out[i-1], out[i]
	}
	return out, nil
}

// Expand writes φ(x) into dst (len(fs) values) for a point x of the plane.
func (fs Features) Expand(dst, x []float64) {
	for i, f := range fs {
		dst[i] = f.Of(x[0], x[1])
	}
}

// ExpandSet returns set with every input x replaced by φ(x) (targets
// shared). With no features it returns set itself. Every input must be a
// point of the plane (2 values).
func (fs Features) ExpandSet(set Set) (Set, error) {
	if len(fs) == 0 {
		return set, nil
	}
	if err := fs.check(); err != nil {
		return Set{}, err
	}
	if set.Compact() {
		return Set{}, fmt.Errorf("network: input features need 2-D data (points x₁, x₂); the set has %d values an input", set.Inputs())
	}
	flat := make([]float64, len(fs)*len(set.X))
	out := Set{X: make([][]float64, len(set.X)), Y: set.Y}
	for i, x := range set.X {
		if len(x) != FeatureInputs {
			return Set{}, fmt.Errorf("network: input features need 2-D data (points x₁, x₂); input %d has %d values", i, len(x))
		}
		out.X[i] = flat[i*len(fs) : (i+1)*len(fs) : (i+1)*len(fs)]
		fs.Expand(out.X[i], x)
	}
	return out, nil
}

// Inputs is the number of raw inputs the network takes: 2 (a point of the
// plane) when it has Features, else Sizes[0].
func (n *Network) Inputs() int {
	if len(n.Features) > 0 {
		return FeatureInputs
	}
	return n.Sizes[0]
}

// Input returns a⁰ for the raw input x: φ(x) when the network has
// Features, else x itself. x must have Inputs() values.
func (n *Network) Input(x []float64) []float64 {
	if len(n.Features) == 0 {
		return x
	}
	a := make([]float64, len(n.Features))
	n.Features.Expand(a, x)
	return a
}

// InputNames names the network's inputs a⁰_k: the features' formulas
// (x₁², sin x₂), or x₁, x₂, … without features.
func (n *Network) InputNames() []string {
	names := make([]string, n.Sizes[0])
	for k := range names {
		if len(n.Features) > 0 {
			names[k] = n.Features[k].Math()
		} else {
			names[k] = "x" + subscript(k+1)
		}
	}
	return names
}

func subscript(n int) string {
	const digits = "₀₁₂₃₄₅₆₇₈₉"
	s := fmt.Sprint(n)
	var b strings.Builder
	for _, c := range s {
		b.WriteString(string([]rune(digits)[c-'0']))
	}
	return b.String()
}

// checkFeatures checks fs against the first layer's width.
func checkFeatures(fs Features, inputs int) error {
	if fs == nil {
		return nil
	}
	if err := fs.check(); err != nil {
		return fmt.Errorf("network: %w", err)
	}
	if len(fs) != inputs {
		return fmt.Errorf("network: %d input features (%s) for %d inputs", len(fs), fs, inputs)
	}
	return nil
}
