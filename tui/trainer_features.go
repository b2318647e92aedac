package tui

import (
	"fmt"
	"slices"
	"strings"

	"backprop/cli/setup"
	"backprop/network"
	"backprop/tui/widget"
)

// Input features (TF Playground's x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂)
// for 2-D data: X asks for the list; the first layer resizes, keeping the
// weights of the features it still has (u undoes, like every rebuild).

// askFeatures opens the features prompt with the current list.
func (t *trainer) askFeatures() {
	s := t.sess
	net := s.st.Net()
	if net == nil || s.data == nil || len(s.data.Features) != network.FeatureInputs {
		in := 0
		if s.data != nil {
			in = len(s.data.Features)
		}
		t.app.setFlash(fmt.Sprintf("input features are computed from points of the plane (x₁, x₂); this data has %d inputs", in), true)
		return
	}
	p := newAsk("input features", inputFeatures(net).String(), t.setFeatures)
	names := network.FeatureNames()
	p.SetSuggestions(names)
	p.SetNote("comma-separated: " + strings.Join(names, " ") + " (x₁ x₂ x₁² x₂² x₁x₂ sin x₁ sin x₂)")
	t.prompt = p
}

// inputFeatures is net's feature list, x1,x2 for a 2-D network without one.
func inputFeatures(net *network.Network) network.Features {
	if net.Features != nil {
		return net.Features
	}
	return network.Features{network.FeatX1, network.FeatX2}
}

// setFeatures rebuilds the network with the typed features (undoable).
func (t *trainer) setFeatures(p *widget.Prompt) (string, error) {
	fs, err := network.ParseFeatures(p.Value())
	if err != nil {
		return "", err
	}
	s := t.sess
	old := inputFeatures(s.st.Net())
	if slices.Equal(fs, old) {
		return "features unchanged: " + fs.String(), nil
	}
	spec := setup.SpecOf(s.st.Net())
	spec.Features = fs
	spec.Sizes[0] = len(fs)
	why := "features " + fs.String()
	drop := t.pushPrior(why)
	if err := s.rebuild(spec, t.app.opts.Limits, func(l int) int { return l }); err != nil {
		drop()
		return "", err
	}
	t.run.on = false
	return widget.Change("features", old.String(), fs.String()) + " (training restarted; u undoes)", nil
}

// inputColumn maps the first layer's new input k to the old network's
// column of the same feature, or −1 (a network without features has the
// columns x1, x2 when it is 2-D).
func inputColumn(old *network.Network, spec network.Spec) func(k int) int {
	if old == nil || (old.Features == nil && spec.Features == nil) || old.Inputs() != network.FeatureInputs {
		return func(k int) int { return k }
	}
	from := inputFeatures(old)
	to := spec.Features
	if to == nil {
		to = network.Features{network.FeatX1, network.FeatX2}
	}
	return func(k int) int {
		if k >= len(to) {
			return -1
		}
		return slices.Index(from, to[k])
	}
}
