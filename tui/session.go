package tui

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"backprop/datasets"
	"backprop/network"
)

// session is one network being trained: its data, its stepper and where the
// user is looking. It holds no UI state beyond the focus.
type session struct {
	preset string // preset name, "" for custom setups
	setup  Setup  // Data and Net describe the current data and structure
	data   *datasets.Dataset
	st     *network.Stepper
	focus  Focus
	// undoBudget is what each new stepper of the session gets.
	undoBudget int
	// version is bumped whenever weights or structure change, so panes can
	// cache expensive drawings (the decision boundary) by it.
	version uint64
}

// Focus says which neuron (and which of its incoming weights) the user is
// looking at. Layer 0 is the input layer; layer l ≥ 1 is Network.Layers[l−1].
// Weight k is the k-th incoming weight, −1 the bias.
type Focus struct{ Layer, Neuron, Weight int }

// modelData is what a saved model file stores under "data": the data set's
// Spec (at the top level, so files written by `backprop train` load too) and
// the preset it came from.
type modelData struct {
	datasets.Spec
	Preset string `json:"preset,omitempty"`
}

func toNetSet(s datasets.Set) network.Set { return network.Set{X: s.X, Y: s.Y} }

// fitSizes makes the first and last layer sizes match the data set.
func fitSizes(spec network.Spec, ds *datasets.Dataset) (network.Spec, error) {
	in, out := dataShape(ds)
	if in == 0 || out == 0 {
		return spec, fmt.Errorf("data set %q is empty", ds.Name)
	}
	s := spec
	s.Sizes = append([]int(nil), spec.Sizes...)
	s.Acts = append([]network.Activation(nil), spec.Acts...)
	if len(s.Sizes) < 2 {
		s.Sizes = []int{in, out}
	}
	s.Sizes[0], s.Sizes[len(s.Sizes)-1] = in, out
	for len(s.Acts) < len(s.Sizes)-1 {
		s.Acts = append(s.Acts, network.Sigmoid)
	}
	s.Acts = s.Acts[:len(s.Sizes)-1]
	return s, nil
}

func dataShape(ds *datasets.Dataset) (in, out int) {
	if ds == nil || len(ds.Train.X) == 0 || len(ds.Train.Y) == 0 {
		return 0, 0
	}
	return len(ds.Train.X[0]), len(ds.Train.Y[0])
}

// checkLimits enforces Options.Limits on a network spec and a data set.
func checkLimits(lim Limits, spec network.Spec, ds *datasets.Dataset) error {
	neurons, weights := 0, 0
	for i, n := range spec.Sizes {
		if n < 1 {
			return fmt.Errorf("layer %d has %d neurons; need at least 1", i, n)
		}
		neurons += n
		if i > 0 {
			weights += n * (spec.Sizes[i-1] + 1)
		}
	}
	if lim.MaxNeurons > 0 && neurons > lim.MaxNeurons {
		return fmt.Errorf("network has %d neurons; this session allows %d", neurons, lim.MaxNeurons)
	}
	if lim.MaxWeights > 0 && weights > lim.MaxWeights {
		return fmt.Errorf("network has %d weights and biases; this session allows %d", weights, lim.MaxWeights)
	}
	if ds != nil && lim.MaxSamples > 0 {
		if n := len(ds.Train.X) + len(ds.Test.X); n > lim.MaxSamples {
			return fmt.Errorf("data set %q has %d samples; this session allows %d", ds.Name, n, lim.MaxSamples)
		}
	}
	return nil
}

// fileStem is the default file name a save prompt offers: the preset's
// name, or "model".
func (s *session) fileStem() string {
	if s.preset == "" {
		return "model"
	}
	return s.preset
}

// initRNG is the RNG that draws a network's initial weights from its seed.
func initRNG(seed uint64) *rand.Rand { return network.NewRand(seed) }

// newSession loads the data, builds the network and its stepper.
func newSession(preset string, setup Setup, lim Limits) (*session, error) {
	ds, err := datasets.Load(setup.Data)
	if err != nil {
		return nil, err
	}
	if ds == nil {
		return nil, fmt.Errorf("data set %q: loader returned nothing", setup.Data.Name)
	}
	spec, err := fitSizes(setup.Net, ds)
	if err != nil {
		return nil, err
	}
	if err := checkLimits(lim, spec, ds); err != nil {
		return nil, err
	}
	net, err := network.New(spec, initRNG(setup.Hyper.Seed))
	if err != nil {
		return nil, err
	}
	return sessionFromNet(preset, setup, spec, ds, net)
}

// sessionUndoBudget bounds each session's undo snapshots (the engine's
// default is 64 MiB; an SSH server runs many sessions): about 40 steps of
// an MNIST-sized 784-30-10 network, thousands for the small presets.
const sessionUndoBudget = 16 << 20

func sessionFromNet(preset string, setup Setup, spec network.Spec, ds *datasets.Dataset, net *network.Network) (*session, error) {
	if net == nil {
		return nil, errors.New("network: nothing built")
	}
	st, err := network.NewStepper(net, setup.Hyper, toNetSet(ds.Train), toNetSet(ds.Test))
	if err != nil {
		return nil, err
	}
	st.SetUndoBudget(sessionUndoBudget)
	setup.Net = spec
	s := &session{preset: preset, setup: setup, data: ds, st: st, undoBudget: sessionUndoBudget}
	s.focus = Focus{Layer: len(spec.Sizes) - 1, Weight: 0}
	return s, nil
}

// loadSession resumes from a model file. The file's "data" must describe the
// data set (as written by Save or `backprop train --out`).
func loadSession(path string, lim Limits) (*session, error) {
	m, err := network.LoadModel(path)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("%s: no model", path)
	}
	if len(m.Data) == 0 {
		return nil, fmt.Errorf("%s: the model does not say which data it was trained on (no \"data\"); start it with --data", path)
	}
	var md modelData
	if err := json.Unmarshal(m.Data, &md); err != nil {
		return nil, fmt.Errorf("%s: data: %v", path, err)
	}
	return sessionFromModel(m, md, lim, path)
}

func sessionFromModel(m *network.Model, md modelData, lim Limits, path string) (*session, error) {
	ds, err := datasets.Load(md.Spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	st, err := m.Stepper(toNetSet(ds.Train), toNetSet(ds.Test))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	st.SetUndoBudget(sessionUndoBudget)
	net := st.Net()
	spec := specOf(net)
	if err := checkLimits(lim, spec, ds); err != nil {
		return nil, err
	}
	s := &session{preset: md.Preset, data: ds, st: st, undoBudget: sessionUndoBudget,
		setup: Setup{Data: md.Spec, Net: spec, Hyper: st.Hyper()}}
	s.focus = Focus{Layer: len(spec.Sizes) - 1}
	return s, nil
}

// specOf describes an existing network.
func specOf(net *network.Network) network.Spec {
	var s network.Spec
	if net == nil {
		return s
	}
	s.Sizes = append([]int(nil), net.Sizes...)
	for _, l := range net.Layers {
		s.Acts = append(s.Acts, l.Act)
	}
	s.Cost = net.Cost
	return s
}

// modelFile builds the model file for s, with the data description.
func (s *session) modelFile() (*network.Model, error) {
	m := s.st.Model()
	if m == nil {
		return nil, errors.New("network: the stepper produced no model")
	}
	data, err := json.Marshal(modelData{Spec: s.setup.Data, Preset: s.preset})
	if err != nil {
		return nil, err
	}
	m.Data = data
	return m, nil
}

// resolvePath turns what the user typed into a file path. In a sandbox only
// a plain base name is allowed, and it lives in dir.
func resolvePath(typed string, sandbox bool, dir string) (string, error) {
	p := strings.TrimSpace(typed)
	if p == "" {
		return "", errors.New("no file name given")
	}
	if !sandbox {
		if strings.HasPrefix(p, "~/") {
			if home, err := os.UserHomeDir(); err == nil {
				p = filepath.Join(home, p[2:])
			}
		}
		return p, nil
	}
	if dir == "" {
		return "", errors.New("saving and loading files is disabled in this session")
	}
	if p != filepath.Base(p) || p == "." || p == ".." || strings.ContainsAny(p, `/\`) || strings.HasPrefix(p, ".") {
		return "", fmt.Errorf("%q: only a plain file name is allowed here (no directories)", p)
	}
	return filepath.Join(dir, p), nil
}

// rebuild makes a new network with the given spec, keeping every weight
// whose position still exists (mapOld maps a new layer index to the old one,
// or −1). Training restarts at epoch 0; the undo history is lost.
func (s *session) rebuild(spec network.Spec, lim Limits, mapOld func(l int) int) error {
	if err := checkLimits(lim, spec, s.data); err != nil {
		return err
	}
	net, err := network.New(spec, initRNG(s.setup.Hyper.Seed))
	if err != nil {
		return err
	}
	if old := s.st.Net(); old != nil && mapOld != nil {
		for l, nl := range net.Layers {
			ol := mapOld(l)
			if ol < 0 || ol >= len(old.Layers) {
				continue
			}
			o := old.Layers[ol]
			for j := 0; j < min(nl.Out, o.Out); j++ {
				for k := 0; k < min(nl.In, o.In); k++ {
					nl.W[j*nl.In+k] = o.W[j*o.In+k]
				}
				nl.B[j] = o.B[j]
			}
		}
	}
	h := s.st.Hyper()
	st, err := network.NewStepper(net, h, toNetSet(s.data.Train), toNetSet(s.data.Test))
	if err != nil {
		return err
	}
	st.SetUndoBudget(cmp.Or(s.undoBudget, sessionUndoBudget))
	s.st = st
	s.setup.Net = spec
	s.setup.Hyper = h
	s.version++
	s.clampFocus()
	return nil
}

// clampFocus keeps the focus on an existing neuron and weight.
func (s *session) clampFocus() {
	sizes := s.setup.Net.Sizes
	if net := s.st.Net(); net != nil {
		sizes = net.Sizes
	}
	if len(sizes) == 0 {
		s.focus = Focus{}
		return
	}
	f := &s.focus
	f.Layer = max(0, min(f.Layer, len(sizes)-1))
	f.Neuron = max(0, min(f.Neuron, sizes[f.Layer]-1))
	if f.Layer == 0 {
		f.Weight = 0
		return
	}
	f.Weight = max(-1, min(f.Weight, sizes[f.Layer-1]-1))
}
