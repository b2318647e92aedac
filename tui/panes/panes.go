package panes

import (
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// Focus is the neuron (and weight) the user is looking at.
type Focus struct {
	// Layer 0 is the inputs; Layer l ≥ 1 is Network.Layers[l−1].
	Layer int
	// Neuron is the index within the layer.
	Neuron int
	// Weight is the incoming weight k being inspected or edited; −1 is the bias.
	Weight int
}

// Input is everything a pane may draw. The core fills it from the Stepper's
// getters each frame; a nil Trace (nothing stepped yet) must work.
type Input struct {
	Net         *network.Network
	Trace       *network.Trace
	Pos         network.Pos
	Hyper       network.Hyper
	History     []network.EpochStats
	BatchLosses []float64
	Status      network.Status
	Div         *network.Divergence
	Data        *datasets.Dataset
	Focus       Focus
	Styles      *themes.Styles
	W, H        int
	// Cache is an optional memo owned by the caller (one per session).
	Cache *Cache
	// Batch optionally lists the training-set indices of the current
	// mini-batch, in order (the Sample pane shows them; nil: not shown).
	Batch []int
	// Batches is how many mini-batches the epoch has (Stepper.BatchCount;
	// 0: ⌈n/m⌉). It differs from ⌈n/m⌉ after m changed mid-epoch.
	Batches int
	// Probe, when set, says that Trace is a probe — a sample run through
	// the network without training (e.g. "test #123") — not the stepper's.
	Probe string
	// Standardized says the inputs are z-scores (standardised features),
	// so the Sample pane shows them as "z=0.79".
	Standardized bool
	// Browse is the Confusion pane's content (nil: not browsing).
	Browse *Browse
	// LogLoss draws the Loss chart's y axis on a log scale.
	LogLoss bool
	// NeuronMap makes Boundary draw the focused neuron's activation over
	// the plane (2-D data), or every first-layer neuron's receptive field
	// (images), instead of the network's output.
	NeuronMap bool
	// Circles makes Topology draw circles (the sample's activations) where
	// neuron map tiles would fit.
	Circles bool
	// HideTest leaves the test points off Boundary.
	HideTest bool
	// Discrete draws Boundary's output as the predicted class only (no
	// confidence shading).
	Discrete bool
	// Surface and Gradients are those panes' content (nil: not shown).
	Surface   *SurfaceView
	Gradients *GradientsView
	// Compare is the Compare pane's content (nil: no twins).
	Compare *CompareView
	// Hidden is the Hidden space pane's layer and neurons (nil: not shown).
	Hidden *HiddenView
	// GradCheck is the gradient check of the focused parameter, shown by
	// the Inspector (nil: none asked for).
	GradCheck *network.ParamCheck
}

// styles returns in.Styles, or mono styles when none were given.
func (in *Input) styles() *themes.Styles {
	if in.Styles == nil {
		return themes.Mono()
	}
	return in.Styles
}

// canvas is a W×H grid of one-cell glyphs, each with an SGR prefix.
type canvas struct {
	w, h int
	ch   []string // "" is a space
	st   []string // SGR prefix; "" is the default style
	bg   []string // a second SGR prefix (a background), to avoid concatenating
}

func newCanvas(w, h int) *canvas {
	return (&canvas{}).reset(w, h)
}

// reset makes c a blank w×h canvas, reusing its buffers when big enough.
func (c *canvas) reset(w, h int) *canvas {
	w, h = max(w, 0), max(h, 0)
	n := w * h
	if cap(c.ch) < n {
		c.ch, c.st, c.bg = make([]string, n), make([]string, n), make([]string, n)
	} else {
		c.ch, c.st, c.bg = c.ch[:n], c.st[:n], c.bg[:n]
		clear(c.ch)
		clear(c.st)
		clear(c.bg)
	}
	c.w, c.h = w, h
	return c
}

// canvas returns a blank in.W × in.H canvas: the Cache's scratch one when
// there is a Cache (panes are drawn one at a time), else a new one.
func (in *Input) canvas() *canvas {
	if in.Cache == nil {
		return newCanvas(in.W, in.H)
	}
	return in.Cache.scratch.reset(in.W, in.H)
}

// braille returns a blank braille layer of the pane's size (see canvas).
func (in *Input) braille() *braille {
	if in.Cache == nil {
		return newBraille(in.W, in.H)
	}
	return in.Cache.dots.reset(in.W, in.H)
}

func (c *canvas) in(x, y int) bool { return x >= 0 && y >= 0 && x < c.w && y < c.h }

// put sets one cell; glyph must be one cell wide.
func (c *canvas) put(x, y int, glyph, sgr string) {
	if c.in(x, y) {
		c.ch[y*c.w+x] = glyph
		c.st[y*c.w+x] = sgr
		c.bg[y*c.w+x] = ""
	}
}

// put2 sets one cell with two SGR prefixes (e.g. foreground and background).
func (c *canvas) put2(x, y int, glyph, fg, bg string) {
	if c.in(x, y) {
		c.ch[y*c.w+x] = glyph
		c.st[y*c.w+x] = fg
		c.bg[y*c.w+x] = bg
	}
}

// get returns the glyph of cell (x, y) ("" for a space or outside).
func (c *canvas) get(x, y int) string {
	if c.in(x, y) {
		return c.ch[y*c.w+x]
	}
	return ""
}

// text writes s from (x, y), one rune per cell, clipped at the right edge,
// and returns the x after it. Runes are assumed one cell wide (all text
// drawn by this package is), except combining marks (the hats of m̂ and
// v̂), which join the cell before them.
func (c *canvas) text(x, y int, s, sgr string) int {
	if y < 0 || y >= c.h {
		return x + cells(s)
	}
	start := x
	for i, r := range s {
		if unicode.Is(unicode.Mn, r) {
			if x > start && x-1 >= 0 && x-1 < c.w {
				c.ch[y*c.w+x-1] += s[i : i+utf8.RuneLen(r)]
			}
			continue
		}
		if x >= c.w {
			return x + cells(s[i:])
		}
		if x >= 0 {
			c.ch[y*c.w+x] = s[i : i+utf8.RuneLen(r)]
			c.st[y*c.w+x] = sgr
			c.bg[y*c.w+x] = ""
		}
		x++
	}
	return x
}

// cells is the number of cells s takes: its runes but combining marks.
func cells(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.Is(unicode.Mn, r) {
			n++
		}
	}
	return n
}

// textRight writes s so that it ends just before x1.
func (c *canvas) textRight(x1, y int, s, sgr string) {
	c.text(x1-cells(s), y, s, sgr)
}

// String renders the grid, emitting an SGR sequence only where the style
// changes.
func (c *canvas) String() string {
	size := c.h
	for i, g := range c.ch {
		size += len(g) + len(c.st[i]) + len(c.bg[i]) + len(themes.Reset)
	}
	var b strings.Builder
	b.Grow(size)
	for y := 0; y < c.h; y++ {
		if y > 0 {
			b.WriteByte('\n')
		}
		cur, curBg := "", ""
		for x := 0; x < c.w; x++ {
			i := y*c.w + x
			if st, bg := c.st[i], c.bg[i]; st != cur || bg != curBg {
				if cur != "" || curBg != "" {
					b.WriteString(themes.Reset)
				}
				b.WriteString(st)
				b.WriteString(bg)
				cur, curBg = st, bg
			}
			if g := c.ch[i]; g == "\x00" {
				continue // covered by a raw cell to its left
			} else if g != "" {
				b.WriteString(g)
			} else {
				b.WriteByte(' ')
			}
		}
		if cur != "" || curBg != "" {
			b.WriteString(themes.Reset)
		}
	}
	return b.String()
}

// message is a pane that only says msg (centred, clipped).
func message(in Input, msg string) string {
	c := in.canvas()
	st := in.styles()
	lines := strings.Split(msg, "\n")
	y0 := max((in.H-len(lines))/2, 0)
	for i, l := range lines {
		n := cells(l)
		x := max((in.W-n)/2, 0)
		c.text(x, y0+i, l, st.SGR.Dim)
	}
	return c.String()
}

// layerCount is the number of columns (inputs + each layer).
func layerCount(net *network.Network) int {
	if net == nil {
		return 0
	}
	return len(net.Layers) + 1
}

// layerSize is the number of neurons in column l (0 = inputs).
func layerSize(net *network.Network, l int) int {
	if net == nil || l < 0 || l > len(net.Layers) {
		return 0
	}
	if l == 0 {
		if len(net.Sizes) > 0 {
			return net.Sizes[0]
		}
		if len(net.Layers) > 0 {
			return net.Layers[0].In
		}
		return 0
	}
	return net.Layers[l-1].Out
}

// layerView is what a pane reads of column l (0: the inputs): the
// sample's activations and which of them it has computed yet.
type layerView struct {
	l, n   int
	act    network.Activation // Linear for the inputs
	a      []float64          // the sample's a^l (nil before it is loaded)
	scale  float64            // max |a|, for unbounded activations
	ranged bool               // inputs with a data range: lo, hi
	lo, hi []float64
	traced bool        // there is a trace
	pos    network.Pos // how far the sample has gone
}

// viewLayer reads column l of in.
func viewLayer(in Input, l int) layerView {
	v := layerView{l: l, n: layerSize(in.Net, l), act: network.Linear, traced: in.Trace != nil, pos: in.Pos}
	if tr := in.Trace; tr != nil && l < len(tr.A) {
		v.a = tr.A[l]
	}
	v.scale = maxAbs(v.a)
	if l > 0 {
		v.act = in.Net.Layers[l-1].Act
		return v
	}
	if d := in.Data; d != nil && len(d.Lo) == v.n && len(d.Hi) == v.n {
		v.ranged, v.lo, v.hi = true, d.Lo, d.Hi
	}
	return v
}

// done reports whether the sample has computed neuron j's activation (for
// the inputs: whether it is loaded).
func (v layerView) done(j int) bool {
	if !v.traced {
		return false
	}
	if v.l == 0 {
		return v.pos.Phase != network.PhaseIdle
	}
	return forwardDoneAt(v.pos, v.l-1, j)
}

// fill is neuron j's level in [0, 1] for a node's fill: an input's place
// in its data range (0.5 when the range is flat), else unit(act, a).
func (v layerView) fill(j int) float64 {
	if v.ranged {
		if lo, hi := v.lo[j], v.hi[j]; hi > lo {
			return (at1(v.a, j) - lo) / (hi - lo)
		}
		return 0.5
	}
	return unit(v.act, at1(v.a, j), v.scale)
}

// barLevel is neuron j's level in [0, 1] for a bar: an input's place in
// its data range, else (flat range too) unit(act, a).
func (v layerView) barLevel(j int) float64 {
	if v.ranged {
		if lo, hi := v.lo[j], v.hi[j]; hi > lo {
			return (at1(v.a, j) - lo) / (hi - lo)
		}
	}
	return unit(v.act, at1(v.a, j), v.scale)
}

// at returns v[i][j], or NaN when out of range.
func at(v [][]float64, i, j int) float64 {
	if i < 0 || i >= len(v) || j < 0 || j >= len(v[i]) {
		return math.NaN()
	}
	return v[i][j]
}

// at1 returns v[i], or NaN when out of range.
func at1(v []float64, i int) float64 {
	if i < 0 || i >= len(v) {
		return math.NaN()
	}
	return v[i]
}

// maxAbs is the largest finite |v|, or 0.
func maxAbs(vs []float64) float64 {
	m := 0.0
	for _, v := range vs {
		if a := math.Abs(v); a > m && !math.IsInf(a, 0) {
			m = a
		}
	}
	return m
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func clamp(v, lo, hi int) int { return max(lo, min(v, hi)) }
