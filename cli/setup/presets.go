package setup

import (
	"fmt"
	"strings"

	"backprop/datasets"
	"backprop/network"
)

// Preset is a named, ready-to-train session with one line saying what it
// teaches (at most 58 cells: the launcher shows it whole at 80 columns).
type Preset struct {
	Name    string
	Teaches string
	Setup   Setup
}

// Presets returns the built-in presets in launcher order. It builds a fresh
// table on each call (no package-level mutable state).
func Presets() []Preset {
	hyper := func(rule network.Rule, eta float64, batch int, opt network.Optimizer) network.Hyper {
		h := network.Hyper{Rule: rule, Eta: eta, Batch: batch, Opt: opt,
			Mu: 0.9, Beta1: 0.9, Beta2: 0.999, Epsilon: 1e-8, Seed: 1}
		return h
	}
	net := func(c network.Cost, init network.Init, sizes []int, acts ...network.Activation) network.Spec {
		return network.Spec{Sizes: sizes, Acts: acts, Cost: c, Init: init}
	}
	clip := func(h network.Hyper, c float64) network.Hyper { h.Clip = c; return h }
	// rec makes a spec's hidden layers recurrent.
	rec := func(s network.Spec) network.Spec {
		s.Recurrent = make([]bool, len(s.Acts))
		for i := range len(s.Acts) - 1 {
			s.Recurrent[i] = true
		}
		return s
	}
	sig, tanh, step, soft := network.Sigmoid, network.Tanh, network.Step, network.Softmax
	q, ce := network.Quadratic, network.CrossEntropy
	gate := func(name, teaches string) Preset {
		return Preset{name, teaches, Setup{
			Data:  datasets.Spec{Name: name, Seed: 1},
			Net:   net(q, network.InitXavier, []int{2, 1}, sig),
			Hyper: hyper(network.Backprop, 2, 1, network.SGD),
		}}
	}
	return []Preset{
		{"vacation", "a perceptron weighs 3 yes/no inputs: w ← w + η(y − ŷ)x", Setup{
			Data:  datasets.Spec{Name: "vacation", Seed: 1},
			Net:   net(q, network.InitZero, []int{3, 1}, step),
			Hyper: hyper(network.Perceptron, 1, 1, network.SGD),
		}},
		gate("and", "one sigmoid neuron learns AND: one line splits the classes"),
		gate("or", "one sigmoid neuron learns OR"),
		gate("nand", "one sigmoid neuron learns NAND, the gate of every circuit"),
		{"xor", "no line separates XOR: a hidden layer bends the boundary", Setup{
			Data:  datasets.Spec{Name: "xor", Seed: 1},
			Net:   net(q, network.InitXavier, []int{2, 4, 1}, sig, sig),
			Hyper: hyper(network.Backprop, 2, 1, network.SGD),
		}},
		{"circle", "hidden tanh units carve a closed region out of the plane", Setup{
			Data:  datasets.Spec{Name: "circle", Noise: 0.1, Seed: 1},
			Net:   net(ce, network.InitXavier, []int{2, 8, 1}, tanh, sig),
			Hyper: hyper(network.Backprop, 0.5, 10, network.SGD),
		}},
		{"spiral", "interleaved spirals need depth and patience (Adam helps)", Setup{
			Data:  datasets.Spec{Name: "spiral", Noise: 0.1, Seed: 1},
			Net:   net(ce, network.InitXavier, []int{2, 16, 16, 1}, tanh, tanh, sig),
			Hyper: hyper(network.Backprop, 0.01, 10, network.Adam),
		}},
		{"deep-sigmoid", "4 sigmoid layers: gradients vanish, the first learns last", Setup{
			Data:  datasets.Spec{Name: "circle", Noise: 0.1, Seed: 1},
			Net:   net(q, network.InitXavier, []int{2, 8, 8, 8, 8, 1}, sig, sig, sig, sig, sig),
			Hyper: hyper(network.Backprop, 0.5, 10, network.SGD),
		}},
		{"echo", "an Elman layer remembers the bit from 2 steps back (BPTT)", Setup{
			Data:  datasets.Spec{Name: "echo", Seed: 1, Samples: 200, Steps: 10},
			Net:   rec(net(ce, network.InitXavier, []int{1, 8, 1}, tanh, sig)),
			Hyper: hyper(network.Backprop, 0.01, 10, network.Adam),
		}},
		{"text", "a recurrent net reads Lincoln, one character at a time", Setup{
			// 64 units over 50-character windows, one window a step, Adam
			// with clipping: stable for hundreds of epochs of run mode
			Data:  datasets.Spec{Name: "text", Seed: 1, Steps: 50},
			Net:   rec(net(ce, network.InitXavier, []int{1, 64, 1}, tanh, soft)),
			Hyper: clip(hyper(network.Backprop, 0.005, 1, network.Adam), 5),
		}},
		{"iris", "softmax tells 3 iris species apart from 4 measurements", Setup{
			Data:  datasets.Spec{Name: "iris", Seed: 1, Normalize: true},
			Net:   net(ce, network.InitXavier, []int{4, 8, 3}, sig, soft),
			Hyper: hyper(network.Backprop, 0.5, 10, network.SGD),
		}},
		{"digits", "Nielsen's [64,30,10] network reads 8×8 handwritten digits", Setup{
			Data:  datasets.Spec{Name: "digits", Seed: 1},
			Net:   net(q, network.InitXavier, []int{64, 30, 10}, sig, sig),
			Hyper: hyper(network.Backprop, 3, 10, network.SGD),
		}},
		{"mnist", "the real thing: 28×28 digits, [784,30,10]; needs idx files", Setup{
			Data:  datasets.Spec{Name: "mnist", Seed: 1},
			Net:   net(q, network.InitXavier, []int{784, 30, 10}, sig, sig),
			Hyper: hyper(network.Backprop, 3, 10, network.SGD),
		}},
		{"fashion-mnist", "clothes instead of digits: harder data; needs idx files", Setup{
			Data:  datasets.Spec{Name: "fashion-mnist", Seed: 1},
			Net:   net(ce, network.InitXavier, []int{784, 100, 10}, sig, soft),
			Hyper: hyper(network.Backprop, 0.5, 10, network.SGD),
		}},
	}
}

// PresetNames is "vacation, and, …" for help texts.
func PresetNames() string {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}

// FindPreset returns the preset called name (case-insensitive).
func FindPreset(name string) (Preset, error) {
	var names []string
	for _, p := range Presets() {
		if strings.EqualFold(p.Name, name) {
			return p, nil
		}
		names = append(names, p.Name)
	}
	return Preset{}, fmt.Errorf("unknown preset %q (want one of %s)", name, strings.Join(names, ", "))
}
