package network

import (
	"bytes"
	"encoding/json"
	"math"
	"strings"
	"testing"
)

func TestParseFeatures(t *testing.T) {
	fs, err := ParseFeatures("x1sq, x2sq,sinx1")
	if err != nil || fs.String() != "x1sq,x2sq,sinx1" {
		t.Fatalf("got %v, %v", fs, err)
	}
	for in, want := range map[string]string{
		"x3":     `unknown feature "x3"; want one of x1, x2, x1sq, x2sq, x1x2, sinx1, sinx2`,
		"x1,x1":  "feature x1 is listed twice",
		"":       `unknown feature ""`,
		"x1,,x2": `unknown feature ""`,
	} {
		if _, err := ParseFeatures(in); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("%q: got %v, want %q", in, err, want)
		}
	}
}

func TestFeaturesToggle(t *testing.T) {
	fs := Features{FeatX1, FeatX2}
	fs, _ = fs.Toggle(FeatX1Sq)
	fs, _ = fs.Toggle(FeatX1)
	if got := fs.String(); got != "x2,x1sq" {
		t.Fatalf("got %s", got)
	}
	fs, _ = fs.Toggle(FeatX1) // back in canonical order
	if got := fs.String(); got != "x1,x2,x1sq" {
		t.Fatalf("got %s", got)
	}
	if _, err := (Features{FeatSinX2}).Toggle(FeatSinX2); err == nil {
		t.Fatal("removed the last feature")
	}
}

func TestExpandSet(t *testing.T) {
	set := Set{X: [][]float64{{2, 3}, {-1, 0.5}}, Y: [][]float64{{1}, {0}}}
	fs := Features{FeatX1, FeatX2, FeatX1Sq, FeatX2Sq, FeatX1X2, FeatSinX1, FeatSinX2}
	got, err := fs.ExpandSet(set)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-1, 0.5, 1, 0.25, -0.5, math.Sin(-1), math.Sin(0.5)}
	for k, v := range want {
		if got.X[1][k] != v {
			t.Errorf("x[1][%d] = %v, want %v", k, got.X[1][k], v)
		}
	}
	if set.X[0][0] != 2 || len(set.X[0]) != 2 {
		t.Fatal("ExpandSet changed its input")
	}
	if _, err := fs.ExpandSet(Set{X: [][]float64{{1, 2, 3}}, Y: [][]float64{{1}}}); err == nil ||
		!strings.Contains(err.Error(), "need 2-D data") {
		t.Fatalf("3-D data: %v", err)
	}
	if same, _ := Features(nil).ExpandSet(set); &same.X[0][0] != &set.X[0][0] {
		t.Fatal("no features should return the set itself")
	}
}

// TestFeaturesModelFile saves a network with features and loads it back:
// the file records them, and old files without them still load.
func TestFeaturesModelFile(t *testing.T) {
	net := mustNet(t, []int{3, 4, 1}, []Activation{Tanh, Sigmoid}, CrossEntropy, 3)
	net.Features = Features{FeatX1Sq, FeatX2Sq, FeatSinX1}
	raw := synth(20, 2, 1, 4)
	train, err := net.Features.ExpandSet(raw)
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewStepper(net, DefaultHyper(), train, Set{})
	if err != nil {
		t.Fatal(err)
	}
	s.Run(25)
	var b bytes.Buffer
	if err := s.Model().Write(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"features": ["x1sq","x2sq","sinx1"]`) {
		t.Fatalf("file lacks the features:\n%.300s", b.String())
	}
	m, err := ParseModel(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	back, err := m.Network()
	if err != nil {
		t.Fatal(err)
	}
	if back.Features.String() != "x1sq,x2sq,sinx1" || m.Features().String() != "x1sq,x2sq,sinx1" || back.Inputs() != 2 {
		t.Fatalf("features %v, inputs %d", back.Features, back.Inputs())
	}
	r, err := m.Stepper(train, Set{})
	if err != nil {
		t.Fatal(err)
	}
	s.Run(25)
	r.Run(25)
	sameWeights(t, "resumed", s.Net(), r.Net())
	// old files: no "features"
	old, err := ParseModel([]byte(`{"format":"backprop/model","version":1,"inputs":2,"cost":"quadratic",
		"layers":[{"activation":"linear","weights":[[2,1]],"biases":[1]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := old.Network(); n.Features != nil || n.Inputs() != 2 {
		t.Fatalf("old file: features %v", n.Features)
	}
}

// TestFeaturesModelFileErrors: every bad "features" is refused with its
// JSON path.
func TestFeaturesModelFileErrors(t *testing.T) {
	for in, want := range map[string]string{
		`["x1sq","x2"]`:        "",
		`["x1sq"]`:             "features: 1 names for 2 inputs",
		`[]`:                   "features: 0 names for 2 inputs",
		`["x1sq","x3"]`:        `features[1]: unknown feature "x3"; want one of x1, x2, x1sq`,
		`["x1","x1"]`:          `features[1]: "x1" is already features[0]`,
		`["x1",2]`:             "features",
		`"x1,x2"`:              "features",
		`["x1","x2","x1x2"]`:   "features: 3 names for 2 inputs",
		`["sinx2","SINX1"]`:    `features[1]: unknown feature "SINX1"`,
		`null`:                 "",
		`["x1\u0000","x2"]`:    `features[0]: unknown feature "x1\x00"`,
		`["x1x2","x2","x1"]`:   "features: 3 names",
		`["x1", "x1sq"]      `: "",
	} {
		_, err := ParseModel([]byte(featureFile(in)))
		switch {
		case want == "" && err != nil:
			t.Errorf("%s: %v", in, err)
		case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
			t.Errorf("%s: got %v, want %q", in, err, want)
		}
	}
}

func featureFile(features string) string {
	return `{"format":"backprop/model","version":1,"inputs":2,"features":` + features + `,"cost":"quadratic",
		"layers":[{"activation":"sigmoid","weights":[[2,1]],"biases":[1]}]}`
}

// FuzzModelFeatures: any "features" value either loads as a valid list of
// distinct features, one per input, or is refused with an error that names
// the field; a loaded one survives a write and read.
func FuzzModelFeatures(f *testing.F) {
	for _, s := range []string{`["x1sq","x2sq"]`, `["x1","x1"]`, `["x9"]`, `[1,2]`, `null`, `{}`, `["sinx1","x1x2"]`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, features string) {
		if !json.Valid([]byte(features)) {
			return
		}
		m, err := ParseModel([]byte(featureFile(features)))
		if err != nil {
			if !strings.Contains(err.Error(), "features") {
				t.Fatalf("%s: error does not name the field: %v", features, err)
			}
			return
		}
		net, err := m.Network()
		if err != nil {
			t.Fatal(err)
		}
		if net.Features != nil && (len(net.Features) != 2 || net.Features.check() != nil) {
			t.Fatalf("%s: loaded %v", features, net.Features)
		}
		var b bytes.Buffer
		if err := m.Write(&b); err != nil {
			t.Fatal(err)
		}
		if m2, err := ParseModel(b.Bytes()); err != nil || m2.Features().String() != net.Features.String() {
			t.Fatalf("round trip: %v, %v", err, m2)
		}
	})
}

// TestGridFeatures: EvalGrid over a network with features stays over the
// raw plane; A[0] holds each feature there and every value is Forward's on
// the expanded point.
func TestGridFeatures(t *testing.T) {
	net := mustNet(t, []int{3, 4, 1}, []Activation{Tanh, Sigmoid}, Quadratic, 5)
	net.Features = Features{FeatX2Sq, FeatX1X2, FeatSinX1}
	g, err := EvalGrid(net, [2]float64{-2, -1}, [2]float64{2, 3}, 5, 4)
	if err != nil {
		t.Fatal(err)
	}
	ws := net.NewWorkspace()
	for r := range g.Rows {
		for c := range g.Cols {
			x1, x2 := g.X1(c), g.X2(r)
			for k, want := range []float64{x2 * x2, x1 * x2, math.Sin(x1)} {
				if g.At(0, k, c, r) != want {
					t.Fatalf("A[0][%d] at (%d,%d) = %v, want %v", k, c, r, g.At(0, k, c, r), want)
				}
			}
			if out := net.Forward(ws, net.Input([]float64{x1, x2}))[0]; g.At(2, 0, c, r) != out {
				t.Fatalf("output at (%d,%d): grid %v, Forward %v", c, r, g.At(2, 0, c, r), out)
			}
		}
	}
	if got := net.InputNames(); strings.Join(got, " ") != "x₂² x₁x₂ sin x₁" {
		t.Fatalf("names %q", got)
	}
}
