package setup

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"backprop/datasets"
	"backprop/network"
)

// Setup is a fully specified session: the data set to load, the network to
// build and the hyper-parameters to train it with. The network's first and
// last sizes follow the data when the session is built.
type Setup struct {
	Data  datasets.Spec
	Net   network.Spec
	Hyper network.Hyper
	// View is the trainer's Boundary toggles (kept in model files).
	View View
}

// DefaultUndoBudget bounds a session's undo snapshots when Limits leave it
// at 0 (the engine's own default is 64 MiB; an SSH server runs many
// sessions): about 40 steps of an MNIST-sized 784-30-10 network, thousands
// for the small presets.
const DefaultUndoBudget = 16 << 20

// Limits caps what one session may build (0 = unlimited).
type Limits struct {
	MaxNeurons int
	MaxWeights int
	MaxSamples int
	// UndoBudget bounds the bytes of undo snapshots a session keeps
	// (0: DefaultUndoBudget; negative: no undo, for headless training).
	// A run-mode run is one undo step however long it lasts.
	UndoBudget int
	// MaxDataBytes bounds the decoded data a session loads (0: the spec's
	// own datasets.Spec.MaxBytes, by default datasets.DefaultMaxBytes).
	MaxDataBytes int64
	// Shared, when set, loads the mnist and fashion-mnist presets once
	// for every session built under these limits (serve, and the trainer
	// whose rebuilds would otherwise reload them); their rows are charged
	// once and MaxSamples does not count them.
	Shared *datasets.Shared
	// Threads is how many goroutines the session's training may use
	// (0 or 1: one; `train` and the trainer default to every core with
	// --threads; `serve` keeps one per session). Results are the same bits
	// for any number.
	Threads int
}

// LoadData loads spec under the lower of l's data limit and the spec's own;
// a file over it gets an error that names the flag that sets it.
func (l Limits) LoadData(spec datasets.Spec) (*datasets.Dataset, error) {
	if l.MaxDataBytes > 0 && (spec.MaxBytes == 0 || spec.MaxBytes > l.MaxDataBytes) {
		spec.MaxBytes = l.MaxDataBytes
	}
	load := datasets.Load
	if l.Shared != nil {
		load = l.Shared.Load
	}
	ds, err := load(spec)
	if errors.Is(err, datasets.ErrTooLarge) {
		return nil, fmt.Errorf("%w (--max-data-mb sets the limit)", err)
	}
	return ds, err
}

// Undo is the undo budget in bytes that a stepper built under l gets.
func (l Limits) Undo() int {
	switch {
	case l.UndoBudget < 0:
		return 0
	case l.UndoBudget == 0:
		return DefaultUndoBudget
	}
	return l.UndoBudget
}

// Check enforces l on a network spec and a data set (ds may be nil).
func (l Limits) Check(spec network.Spec, ds *datasets.Dataset) error {
	neurons := 0
	for i, n := range spec.Sizes {
		if n < 1 {
			return fmt.Errorf("layer %d has %d neurons; need at least 1", i, n)
		}
		neurons += n
	}
	if err := network.CheckParams(spec.Sizes); err != nil {
		return err
	}
	weights := network.NumParamsOf(spec.Sizes)
	if l.MaxNeurons > 0 && neurons > l.MaxNeurons {
		return fmt.Errorf("network has %d neurons; this session allows %d", neurons, l.MaxNeurons)
	}
	if l.MaxWeights > 0 && weights > l.MaxWeights {
		return fmt.Errorf("network has %d weights and biases; this session allows %d", weights, l.MaxWeights)
	}
	if ds != nil && l.MaxSamples > 0 && !ds.Shared {
		if n := ds.Train.Len() + ds.Test.Len(); n > l.MaxSamples {
			return fmt.Errorf("data set %q has %d samples; this session allows %d", ds.Name, n, l.MaxSamples)
		}
	}
	return nil
}

// NetSet is a data set's part as the engine takes it (the same slices).
func NetSet(s datasets.Set) network.Set { return network.Set(s) }

// NetSetFor is a data set's part as net takes it: with net's input
// features computed (once, here).
func NetSetFor(net *network.Network, s datasets.Set) (network.Set, error) {
	return net.Features.ExpandSet(NetSet(s))
}

// Sets are ds's training and test parts as a network with input features
// fs takes them: expanded once (network.Features.ExpandSet), or the same
// slices without features.
func Sets(ds *datasets.Dataset, fs network.Features) (train, test network.Set, err error) {
	if train, err = fs.ExpandSet(NetSet(ds.Train)); err != nil {
		return
	}
	test, err = fs.ExpandSet(NetSet(ds.Test))
	return
}

// FitSizes makes the first and last layer sizes of spec match the data set;
// missing activations are sigmoid.
func FitSizes(spec network.Spec, ds *datasets.Dataset) (network.Spec, error) {
	in, out := dataShape(ds)
	if in == 0 || out == 0 {
		name := ""
		if ds != nil {
			name = ds.Name
		}
		return spec, fmt.Errorf("data set %q is empty", name)
	}
	s := spec
	s.Sizes = append([]int(nil), spec.Sizes...)
	s.Acts = append([]network.Activation(nil), spec.Acts...)
	s.Features = append(network.Features(nil), spec.Features...)
	if s.Features != nil {
		if in != network.FeatureInputs {
			return spec, fmt.Errorf("input features (%s) are computed from points of the plane (x₁, x₂), but data set %q has %d inputs", s.Features, ds.Name, in)
		}
		in = len(s.Features)
	}
	if len(s.Sizes) < 2 {
		s.Sizes = []int{in, out}
	}
	s.Sizes[0], s.Sizes[len(s.Sizes)-1] = in, out
	for len(s.Acts) < len(s.Sizes)-1 {
		s.Acts = append(s.Acts, network.Sigmoid)
	}
	s.Acts = s.Acts[:len(s.Sizes)-1]
	if s.Recurrent != nil {
		rec := make([]bool, len(s.Acts))
		copy(rec[:len(rec)-1], spec.Recurrent)
		s.Recurrent = rec
	}
	return s, nil
}

// dataShape is the number of inputs and outputs of ds's samples (0, 0 when
// it has no training samples).
func dataShape(ds *datasets.Dataset) (in, out int) {
	if ds == nil || ds.Train.Len() == 0 || len(ds.Train.Y) == 0 {
		return 0, 0
	}
	return ds.Train.Inputs(), ds.Train.Outputs()
}

// SpecOf describes an existing network (its sizes, activations, cost and
// init scheme).
func SpecOf(net *network.Network) network.Spec {
	var s network.Spec
	if net == nil {
		return s
	}
	s.Sizes = append([]int(nil), net.Sizes...)
	for _, l := range net.Layers {
		s.Acts = append(s.Acts, l.Act)
	}
	s.Cost, s.Init = net.Cost, net.Init
	s.Features = append(network.Features(nil), net.Features...)
	for i, l := range net.Layers {
		if l.Recurrent() {
			if s.Recurrent == nil {
				s.Recurrent = make([]bool, len(net.Layers))
			}
			s.Recurrent[i] = true
		}
	}
	return s
}

// SizesString is "64→30→10".
func SizesString(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, "→")
}

// actNames lists activations as "sigmoid/relu".
func actNames(acts []network.Activation) string {
	parts := make([]string, len(acts))
	for i, a := range acts {
		parts[i] = a.String()
	}
	return strings.Join(parts, "/")
}

// FlagError is a bad flag value; commands exit with status 2 for it.
type FlagError struct {
	Flag, Msg string
}

func (e *FlagError) Error() string { return "--" + e.Flag + ": " + e.Msg }

// Errorf makes a *FlagError for the flag called name.
func Errorf(name, format string, args ...any) error {
	return &FlagError{Flag: name, Msg: fmt.Sprintf(format, args...)}
}

// ExitCode is 2 for a FlagError and 1 for anything else.
func ExitCode(err error) int {
	var fe *FlagError
	if errors.As(err, &fe) {
		return 2
	}
	return 1
}
