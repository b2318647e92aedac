package lesson

import (
	"fmt"
	"strconv"

	"backprop/network"
	"backprop/themes"
	"backprop/tui/bench"
)

// WithStyles switches the theme (and the glamour style with it).
func (m Model) WithStyles(s *themes.Styles) Model {
	if s == nil {
		return m
	}
	m.styles = s
	m.glamour = "dark"
	if !s.IsDark {
		m.glamour = "light"
	}
	return m
}

// ApplyToBench sets up the bench part of a scene: problem, weights and
// threshold, inputs, unit, focus, η. Fields that are not set stay as they are.
func ApplyToBench(b bench.Model, s Scene) (bench.Model, error) {
	var err error
	if s.Preset != "" && s.Preset != b.Problem().Name {
		if b, err = b.WithProblem(s.Preset); err != nil {
			return b, err
		}
	}
	if s.Target != nil {
		if b, err = b.WithTarget(s.Target); err != nil {
			return b, err
		}
	}
	if s.Weights != nil || s.Threshold != nil || s.Reset {
		w, th := b.Weights(), b.Threshold()
		if s.Weights != nil {
			w = s.Weights
		}
		if s.Threshold != nil {
			th = *s.Threshold
		}
		if b, err = b.WithWeights(w, th); err != nil {
			return b, err
		}
	}
	if s.Inputs != nil {
		if len(s.Inputs) != len(b.Problem().Inputs) {
			return b, fmt.Errorf("lesson: %d inputs for %s", len(s.Inputs), b.Problem().Name)
		}
		b = b.WithInputs(s.Inputs)
	}
	switch s.Unit {
	case "step":
		b = b.WithUnit(bench.StepUnit)
	case "sigmoid":
		b = b.WithUnit(bench.SigmoidUnit)
	}
	if s.Focus != "" {
		n := len(b.Problem().Inputs)
		k, err := strconv.Atoi(s.Focus)
		switch {
		case s.Focus == "threshold":
			k = n + 1
		case err != nil || k < 1 || k > n+1:
			return b, fmt.Errorf("lesson: bench focus %q, want 1..%d or threshold", s.Focus, n)
		}
		b = b.WithFocus(k - 1)
	}
	if s.Eta != 0 {
		if b, err = b.WithEta(s.Eta); err != nil {
			return b, err
		}
	}
	return b, nil
}

// ApplySpec returns spec with the scene's layer sizes. New hidden layers
// take the activation of the first hidden layer (sigmoid if there was none);
// the output keeps its activation.
func (s Scene) ApplySpec(spec network.Spec) network.Spec {
	if s.Layers == nil {
		return spec
	}
	out := spec
	out.Sizes = append([]int(nil), s.Layers...)
	hidden, last := network.Sigmoid, network.Sigmoid
	if len(spec.Acts) > 0 {
		last = spec.Acts[len(spec.Acts)-1]
	}
	if len(spec.Acts) > 1 {
		hidden = spec.Acts[0]
	}
	out.Acts = make([]network.Activation, len(s.Layers)-1)
	for i := range out.Acts {
		out.Acts[i] = hidden
	}
	out.Acts[len(out.Acts)-1] = last
	return out
}

// ApplyNet returns spec with the scene's layer sizes (ApplySpec), then its
// activations and weight initialisation. One activation is every hidden
// layer's (the output keeps its own); otherwise there must be one per layer
// after the inputs.
func (s Scene) ApplyNet(spec network.Spec) (network.Spec, error) {
	out := s.ApplySpec(spec)
	out.Acts = append([]network.Activation(nil), out.Acts...)
	if s.Acts != nil {
		acts := make([]network.Activation, len(s.Acts))
		for i, name := range s.Acts {
			a, err := network.ParseActivation(name)
			if err != nil {
				return spec, fmt.Errorf("lesson: acts: %w", err)
			}
			acts[i] = a
		}
		switch {
		case len(acts) == 1:
			for i := range len(out.Acts) - 1 {
				out.Acts[i] = acts[0]
			}
		case len(acts) == len(out.Acts):
			copy(out.Acts, acts)
		default:
			return spec, fmt.Errorf("lesson: acts: %d activations for a network of %d layers after the inputs", len(acts), len(out.Acts))
		}
	}
	if s.Init != "" {
		in, err := network.ParseInit(s.Init)
		if err != nil {
			return spec, fmt.Errorf("lesson: init: %w", err)
		}
		out.Init = in
	}
	return out, nil
}

// ApplyHyper returns h with the scene's η, batch size and seed.
func (s Scene) ApplyHyper(h network.Hyper) network.Hyper {
	if s.Eta != 0 {
		h.Eta = s.Eta
	}
	if s.Batch != 0 {
		h.Batch = s.Batch
	}
	if s.Seed != 0 {
		h.Seed = s.Seed
	}
	return h
}
