package setup

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"backprop/datasets"
	"backprop/network"
)

// TestSameSetupSameWeights: a preset built by New and the same setup given
// as flags (as train builds it) start from bit-identical weights and train
// to bit-identical weights.
func TestSameSetupSameWeights(t *testing.T) {
	p, err := FindPreset("xor")
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(p.Name, p.Setup, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	f := AddFlags(fs)
	if err := fs.Parse([]string{"--data", "xor", "--layers", "2,4,1", "--lr", "2", "--batch", "1"}); err != nil {
		t.Fatal(err)
	}
	b, err := f.Session(Limits{UndoBudget: -1})
	if err != nil {
		t.Fatal(err)
	}
	if a.Stepper.Hyper() != b.Stepper.Hyper() {
		t.Fatalf("hyper-parameters differ: %+v, %+v", a.Stepper.Hyper(), b.Stepper.Hyper())
	}
	for _, s := range []*Session{a, b} {
		if err := s.Stepper.Step(network.ByEpoch); err != nil {
			t.Fatal(err)
		}
	}
	for l := range a.Stepper.Net().Layers {
		la, lb := a.Stepper.Net().Layers[l], b.Stepper.Net().Layers[l]
		if !slices.Equal(la.W, lb.W) || !slices.Equal(la.B, lb.B) {
			t.Errorf("layer %d differs after an epoch", l)
		}
	}
	if a.UndoBudget != DefaultUndoBudget || b.UndoBudget != 0 {
		t.Errorf("undo budgets %d and %d, want %d and 0", a.UndoBudget, b.UndoBudget, DefaultUndoBudget)
	}
}

// TestModelFileRoundTrip: a session saved with ModelFile and loaded with
// Load is at the same position with the same weights, preset and data; its
// data paths are absolute.
func TestModelFileRoundTrip(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile("pts.csv", []byte("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := New("", Setup{Data: datasets.Spec{Name: "pts.csv", Seed: 1}, Net: network.Spec{Sizes: []int{0, 3, 0}}, Hyper: network.DefaultHyper()}, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Setup.Net.Sizes; !slices.Equal(got, []int{2, 3, 1}) {
		t.Fatalf("sizes %v, want the ends fitted to the data", got)
	}
	for range 3 { // model files keep positions at sample boundaries
		if err := s.Stepper.Step(network.BySample); err != nil {
			t.Fatal(err)
		}
	}
	m, err := s.ModelFile()
	if err != nil {
		t.Fatal(err)
	}
	var md ModelData
	if err := json.Unmarshal(m.Data, &md); err != nil || md.Name != filepath.Join(dir, "pts.csv") {
		t.Errorf("saved data %s (%v), want the CSV's absolute path", m.Data, err)
	}
	path := filepath.Join(dir, "m.json")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	r, err := Load(path, nil, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Stepper.Pos() != s.Stepper.Pos() {
		t.Errorf("resumed at %+v, saved at %+v", r.Stepper.Pos(), s.Stepper.Pos())
	}
	if !slices.Equal(r.Stepper.Net().Layers[0].W, s.Stepper.Net().Layers[0].W) {
		t.Error("weights differ")
	}

	p, _ := FindPreset("circle")
	c, err := New(p.Name, p.Setup, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	m, err = c.ModelFile()
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	if r, err := Load(path, nil, Limits{}); err != nil || r.Preset != "circle" || r.Setup.Data.Noise != 0.1 {
		t.Errorf("preset circle loaded as %q, noise %v (%v)", r.Preset, r.Setup.Data.Noise, err)
	}
}

// TestLoadBesideModel: the trainer's load (no flags) finds a model's CSV,
// named by a relative path, next to the model file.
func TestLoadBesideModel(t *testing.T) {
	dir, other := t.TempDir(), t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "pts.csv"), []byte("a,b,y\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "m.json")
	model := `{"format": "backprop/model", "version": 1, "inputs": 2, "cost": "quadratic",
 "layers": [{"activation": "sigmoid", "weights": [[1, -1]], "biases": [0]}],
 "data": {"name": "pts.csv", "split": 1, "preset": "mine"}}`
	if err := os.WriteFile(path, []byte(model), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(other)
	s, err := Load(path, nil, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Setup.Data.Name != filepath.Join(dir, "pts.csv") || s.Preset != "mine" {
		t.Errorf("data %q, preset %q", s.Setup.Data.Name, s.Preset)
	}
	// Limits apply to loaded models too.
	if _, err := Load(path, nil, Limits{MaxWeights: 2}); err == nil || !strings.Contains(err.Error(), "this session allows 2") {
		t.Errorf("MaxWeights 2: %v", err)
	}
	// A model without data can't be resumed without --data.
	bare := filepath.Join(dir, "bare.json")
	if err := os.WriteFile(bare, []byte(strings.Replace(model, `"data": {"name": "pts.csv", "split": 1, "preset": "mine"}`, `"data": null`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(bare, nil, Limits{}); err == nil || !strings.Contains(err.Error(), "does not say which data") {
		t.Errorf("model without data: %v", err)
	}
}

// NewWith starts from the given weights (a copy), and refuses a network
// whose ends do not fit the data.
func TestNewWith(t *testing.T) {
	net := &network.Network{Sizes: []int{1, 2, 1}, Cost: network.Quadratic, Layers: []*network.Layer{
		{In: 1, Out: 2, Act: network.Sigmoid, W: []float64{100, 100}, B: []float64{-50, 50}},
		{In: 2, Out: 1, Act: network.Linear, W: []float64{0.5, -0.5}, B: []float64{0.1}},
	}}
	su := Setup{Data: datasets.Spec{Name: "sine", Seed: 1, Split: 1}, Hyper: network.DefaultHyper()}
	s, err := NewWith("", su, net, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	got := s.Stepper.Net()
	if got == net || !slices.Equal(got.Layers[0].B, net.Layers[0].B) || !slices.Equal(got.Layers[1].W, net.Layers[1].W) {
		t.Fatalf("NewWith's network %+v, want a copy of the given weights", got.Layers[0])
	}
	if !slices.Equal(s.Setup.Net.Sizes, []int{1, 2, 1}) || s.Setup.Net.Acts[1] != network.Linear {
		t.Errorf("Setup.Net %+v, want the network's", s.Setup.Net)
	}
	su.Data = datasets.Spec{Name: "xor", Seed: 1}
	if _, err := NewWith("", su, net, Limits{}); err == nil || !strings.Contains(err.Error(), "needs 2→2→1") {
		t.Errorf("on xor: err %v, want the shapes named", err)
	}
}
