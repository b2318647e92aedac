package tui

import (
	"fmt"

	"backprop/network"
	"backprop/tui/widget"
)

// The Boundary pane's toggles (neuron map, test data, discretized output)
// and the regularisation keys: the controls TensorFlow Playground has.
// The toggles live in the session's setup.View, so a save keeps them.

// toggleNeuronMap switches Boundary between the network's output and the
// focused neuron's map (2-D data) or the receptive fields (images).
func (t *trainer) toggleNeuronMap() {
	if name := t.paneTitle(PaneBoundary); name != PaneBoundary.String() {
		t.showBoundary()
		t.app.setFlash(fmt.Sprintf("neuron maps need 2-D data or images: the %s pane draws the network's output (Activations shows each neuron)", name), false)
		return
	}
	v := &t.sess.setup.View
	v.NeuronMap = !v.NeuronMap
	t.showBoundary()
	switch {
	case !v.NeuronMap:
		t.app.setFlash("Boundary shows the network's output", false)
	case t.sess.data.ImageW > 0:
		t.app.setFlash("Boundary shows every L1 neuron's weights (receptive fields)", false)
	default:
		t.app.setFlash("Boundary shows the focused neuron's activation over the plane (move the focus with the arrows)", false)
	}
}

// showBoundary brings the Boundary pane forward at compact sizes, where it
// shares a slot with others.
func (t *trainer) showBoundary() {
	if isTabbed(t.tab) {
		t.tab = PaneBoundary
	}
}

func (t *trainer) toggleTestData() {
	v := &t.sess.setup.View
	v.HideTest = !v.HideTest
	t.showBoundary()
	if name := t.paneTitle(PaneBoundary); v.HideTest {
		t.app.setFlash(name+" hides the test data", false)
	} else {
		t.app.setFlash(name+" shows the test data (○)", false)
	}
}

func (t *trainer) toggleDiscrete() {
	v := &t.sess.setup.View
	v.Discretize = !v.Discretize
	t.showBoundary()
	if v.Discretize {
		t.app.setFlash("Boundary shows the predicted class only", false)
	} else {
		t.app.setFlash("Boundary shows the output with its confidence", false)
	}
}

// lambdas are the regularisation rates λ steps through (TensorFlow
// Playground's).
var lambdas = [...]float64{0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10}

// regOf is the kind and rate of h's regularisation: "none", "L1" or "L2"
// (L2 when both are set).
func regOf(h network.Hyper) (kind string, lambda float64) {
	switch {
	case h.L2 > 0:
		return "L2", h.L2
	case h.L1 > 0:
		return "L1", h.L1
	}
	return "none", 0
}

// cycleReg cycles the regularisation: none → L1 → L2 → none, keeping λ
// (0.01 the first time).
func (t *trainer) cycleReg() {
	h := t.sess.st.Hyper()
	kind, lambda := regOf(h)
	if lambda == 0 {
		lambda = 0.01
	}
	h.L1, h.L2 = 0, 0
	next := "none"
	switch kind {
	case "none":
		h.L1, next = lambda, "L1"
	case "L1":
		h.L2, next = lambda, "L2"
	}
	msg := "regularisation: " + next
	if next != "none" {
		msg += fmt.Sprintf(" λ=%s (w ← w − ηλ/n·%s)", num(lambda), map[string]string{"L1": "sgn w", "L2": "w"}[next])
	}
	t.setHyper(h, msg)
}

// stepLambda moves λ one step along lambdas; with no regularisation on it
// turns L2 on first.
func (t *trainer) stepLambda(up bool) {
	h := t.sess.st.Hyper()
	kind, lambda := regOf(h)
	if kind == "none" {
		kind = "L2"
	}
	i := 0
	for i < len(lambdas)-1 && lambdas[i] < lambda*(1-1e-9) {
		i++
	}
	switch {
	case lambda == 0:
		i = 2
	case up && lambdas[i] <= lambda*(1+1e-9):
		i = min(i+1, len(lambdas)-1)
	case !up:
		i = max(i-1, 0)
	}
	h.L1, h.L2 = 0, 0
	if kind == "L1" {
		h.L1 = lambdas[i]
	} else {
		h.L2 = lambdas[i]
	}
	t.setHyper(h, widget.Change(kind+" λ", num(lambda), num(lambdas[i])))
}
