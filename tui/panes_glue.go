package tui

import (
	"strings"

	"backprop/datasets"
	"backprop/network"
	"backprop/tui/panes"
)

// viewState is per-session render state: the panes' memo.
type viewState struct {
	cache panes.Cache
}

// paneInput fills the panes' Input from the session's stepper.
func (t *trainer) paneInput(w, h int) panes.Input {
	s := t.sess
	st := s.st
	if t.view == nil {
		t.view = &viewState{}
	}
	f := s.focus
	in := panes.Input{
		Net:          st.Net(),
		Trace:        st.Trace(),
		Pos:          st.Pos(),
		Hyper:        st.Hyper(),
		History:      st.History(),
		BatchLosses:  st.BatchLosses(),
		Status:       st.Status(),
		Div:          st.Divergence(),
		Data:         s.data,
		Focus:        panes.Focus{Layer: f.Layer, Neuron: f.Neuron, Weight: f.Weight},
		Styles:       t.app.styles,
		W:            w,
		H:            h,
		Cache:        &t.view.cache,
		Batch:        st.Batch(),
		Batches:      st.BatchCount(),
		Standardized: standardized(s.setup.Data),
		LogLoss:      t.logLoss,
		NeuronMap:    s.setup.View.NeuronMap,
		HideTest:     s.setup.View.HideTest,
		Discrete:     s.setup.View.Discretize,
		GradCheck:    t.gradCheckShown(),
	}
	if !st.TraceKnown() {
		in.Trace = nil // loaded at a sample boundary: no numbers to show
	}
	if tr, label := t.probe(); tr != nil {
		// a probe: the whole sample is computed (forward, cost, δ)
		in.Trace, in.Probe, in.Batch = tr, label, nil
		last := len(st.Net().Layers) - 1
		if last >= 0 {
			in.Pos = network.Pos{Epoch: in.Pos.Epoch, Phase: network.PhaseBackward, Layer: 0,
				Neuron: st.Net().Layers[0].Out - 1, Steps: in.Pos.Steps}
			if last == 0 {
				in.Pos.Phase, in.Pos.Layer, in.Pos.Neuron = network.PhaseOutputDelta, 0, st.Net().Layers[0].Out-1
			}
		}
	}
	return in
}

func topologyHit(in panes.Input, x, y int) (Focus, bool) {
	f, ok := panes.TopologyHit(in, x, y)
	return Focus{Layer: f.Layer, Neuron: f.Neuron, Weight: f.Weight}, ok
}

// renderPane draws pane k into w×h cells and returns its lines.
func (t *trainer) renderPane(k PaneKind, w, h int) []string {
	if w <= 0 || h <= 0 {
		return nil
	}
	in := t.paneInput(w, h)
	var s string
	switch k {
	case PaneTopology:
		if in.Trace != nil && in.Trace.Seq != nil {
			s = panes.Unrolled(in) // a sequence: the network across its time steps
		} else {
			s = panes.Topology(in)
		}
	case PaneInspector:
		s = panes.Inspector(in)
	case PaneActivations:
		s = panes.Activations(in)
	case PaneWeights:
		s = panes.Weights(in)
	case PaneLoss:
		s = panes.Loss(in)
	case PaneBoundary:
		s = panes.Boundary(in)
	case PaneSample:
		if t.browse.on {
			in.Browse = t.browseInput() // the same figure as the Confusion pane
		}
		s = panes.Sample(in)
	case PaneConfusion:
		in.Browse = t.browseInput()
		s = panes.Confusion(in)
	case PaneSurface:
		in.Surface = t.surfaceView()
		s = panes.Surface(in)
	case PaneGradients:
		in.Gradients = t.gradientsView()
		s = panes.Gradients(in)
	case PaneCompare:
		in.Compare = t.compareView()
		s = panes.Compare(in)
	case PaneHidden:
		in.Hidden = t.hiddenView()
		s = panes.Hidden(in)
	}
	lines := strings.Split(s, "\n")
	if len(lines) == h {
		return lines // panes guarantee exactly w×h
	}
	return block(s, w, h)
}

// standardized reports whether the data's features are z-scores (the
// datasets package standardises iris, wine and breast-cancer unless Raw).
func standardized(d datasets.Spec) bool {
	switch d.Name {
	case "iris", "wine", "breast-cancer":
		return !d.Raw
	}
	return d.Normalize
}
