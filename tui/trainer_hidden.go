package tui

import (
	"fmt"

	"backprop/tui/panes"
)

// The Hidden space pane's choice: which hidden layer and which pair of its
// neurons it draws the data in (Z cycles the pair, Y the layer, a click
// on the pane the pair).

// hiddenState is the trainer's choice; the view clamps it to the network
// as it stands (layers and neurons come and go).
type hiddenState struct {
	// layer is the hidden layer l (1 ≤ l < L); 0 picks the last one, the
	// layer the output reads.
	layer int
	// pair numbers the pairs (i, j), i < j, of its neurons: (0,1), (0,2),
	// …, (1,2), …
	pair int
}

// hiddenView is the pane's layer and neurons for the current network, or
// nil when it has no hidden layer.
func (t *trainer) hiddenView() *panes.HiddenView {
	sizes := t.layerSizes()
	if len(sizes) < 3 {
		return nil
	}
	l := t.hid.layer
	if l < 1 || l >= len(sizes)-1 {
		l = len(sizes) - 2
	}
	v := &panes.HiddenView{Layer: l, I: 0, J: 1}
	if n := sizes[l]; n >= 2 {
		v.I, v.J = pairAt(n, t.hid.pair%(n*(n-1)/2))
	}
	return v
}

// pairAt is the k-th pair (i, j), i < j < n, in the order (0,1), (0,2), ….
func pairAt(n, k int) (int, int) {
	for i := 0; i < n-1; i++ {
		if k < n-1-i {
			return i, i + 1 + k
		}
		k -= n - 1 - i
	}
	return 0, 1
}

// showHidden brings the Hidden space pane forward (it is a tab at every
// size; at full size it takes the Sample pane's place).
func (t *trainer) showHidden() bool {
	t.tab = PaneHidden
	v := t.hiddenView()
	if v == nil {
		t.app.setFlash("Hidden space needs a hidden layer (g adds one)", true)
		return false
	}
	return true
}

// nextHiddenPair shows the next pair of neurons of the layer.
func (t *trainer) nextHiddenPair() {
	if !t.showHidden() {
		return
	}
	v := t.hiddenView()
	n := t.layerSizes()[v.Layer]
	if n < 2 {
		t.app.setFlash(fmt.Sprintf("L%d has one neuron: no pair to show (n adds one)", v.Layer), true)
		return
	}
	pairs := n * (n - 1) / 2
	t.hid.pair = (t.hid.pair%pairs + 1) % pairs
	v = t.hiddenView()
	t.app.setFlash(fmt.Sprintf("Hidden space: L%d n%d → and n%d ↑ (pair %d of %d)", v.Layer, v.I+1, v.J+1, t.hid.pair+1, pairs), false)
}

// nextHiddenLayer shows the next hidden layer, its first pair.
func (t *trainer) nextHiddenLayer() {
	if !t.showHidden() {
		return
	}
	sizes := t.layerSizes()
	l := t.hiddenView().Layer%(len(sizes)-2) + 1
	t.hid = hiddenState{layer: l}
	t.app.setFlash(fmt.Sprintf("Hidden space: layer L%d of %d hidden (%d neurons)", l, len(sizes)-2, sizes[l]), false)
}
