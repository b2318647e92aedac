package tui

import (
	"fmt"
	"strings"

	"backprop/network"
	"backprop/themes"
)

// Placeholder pane drawing until tui/panes lands: plain text from the
// engine's trace. Replaced by the panes package functions.

type paneInput struct {
	s    *session
	W, H int
}

type viewState struct{}

func (m *Model) applyTheme() {
	th, err := themes.Pick(m.themeName, m.isDark, m.mono)
	if err != nil {
		th = themes.Mono()
	}
	m.styles = th
	m.look = newLook(th)
	m.view = nil
}

func (m *Model) cycleTheme() {
	m.themeName = themes.Next(m.themeName)
	m.applyTheme()
	m.setFlash("theme: "+m.themeName, false)
}

func (m *Model) paneInput(k PaneKind, w, h int) paneInput {
	return paneInput{s: m.sess, W: w, H: h}
}

func topologyHit(in paneInput, x, y int) (Focus, bool) {
	net := in.s.st.Net()
	if net == nil || x < 0 || y < 0 || in.W <= 0 {
		return Focus{}, false
	}
	cols := len(net.Sizes)
	l := x * cols / in.W
	if y >= net.Sizes[l] {
		return Focus{}, false
	}
	return Focus{Layer: l, Neuron: y}, true
}

func (m *Model) renderPane(k PaneKind, w, h int) []string {
	s := m.sess
	st := s.st
	net := st.Net()
	tr := st.Trace()
	var b strings.Builder
	switch k {
	case PaneTopology:
		if net != nil {
			fmt.Fprintf(&b, "sizes %v\n", net.Sizes)
			for l, ly := range net.Layers {
				fmt.Fprintf(&b, "L%d %s %d→%d\n", l+1, ly.Act, ly.In, ly.Out)
			}
		}
		fmt.Fprintf(&b, "focus layer %d neuron %d weight %d\n", s.focus.Layer, s.focus.Neuron+1, s.focus.Weight+1)
	case PaneInspector:
		p := st.Pos()
		fmt.Fprintf(&b, "phase %s layer %d neuron %d\n", p.Phase, p.Layer+1, p.Neuron+1)
		if tr != nil && net != nil && s.focus.Layer > 0 {
			l := s.focus.Layer - 1
			j := s.focus.Neuron
			if l < len(tr.Z) && j < len(tr.Z[l]) {
				fmt.Fprintf(&b, "z = %.4f\n", tr.Z[l][j])
			}
			if l+1 < len(tr.A) && j < len(tr.A[l+1]) {
				fmt.Fprintf(&b, "a = %.4f\n", tr.A[l+1][j])
			}
			if l < len(tr.Delta) && j < len(tr.Delta[l]) {
				fmt.Fprintf(&b, "δ = %.4f\n", tr.Delta[l][j])
			}
			fmt.Fprintf(&b, "C = %.4f\n", tr.Cost)
		}
	case PaneLoss:
		for _, e := range st.History() {
			fmt.Fprintf(&b, "epoch %d loss %.4f acc %.3f\n", e.Epoch, e.TrainLoss, e.TrainAcc)
		}
	case PaneSample:
		if tr != nil {
			fmt.Fprintf(&b, "x %v\ny %v\n", tr.X, tr.Y)
		}
	default:
		b.WriteString(k.String() + ": (pane not built yet)")
	}
	var _ = network.Training
	return block(b.String(), w, h)
}
