package tui

// PaneKind names one of the trainer's panes.
type PaneKind uint8

const (
	PaneTopology PaneKind = iota
	PaneInspector
	PaneActivations
	PaneWeights
	PaneLoss
	PaneBoundary
	PaneSample
	// PaneConfusion is the confusion browser; it takes the Weights pane's
	// place (or the tabbed slot) while open.
	PaneConfusion
	// PaneSurface and PaneGradients are tabbed at compact sizes; at full
	// size they take the Activations and Weights panes' places while one
	// of them is the selected tab.
	PaneSurface
	PaneGradients
	// PaneCompare overlays the twins' curves; at full size it takes the
	// middle column while it is the selected tab.
	PaneCompare
	// PaneHidden is the Hidden space pane: a tab at compact sizes; at full
	// size it takes the Sample pane's place while it is the selected tab.
	PaneHidden
	numPanes
)

func (k PaneKind) String() string {
	switch k {
	case PaneTopology:
		return "Topology"
	case PaneInspector:
		return "Inspector"
	case PaneActivations:
		return "Activations"
	case PaneWeights:
		return "Weights"
	case PaneLoss:
		return "Loss"
	case PaneBoundary:
		return "Boundary"
	case PaneSample:
		return "Sample"
	case PaneConfusion:
		return "Confusion"
	case PaneSurface:
		return "Surface"
	case PaneGradients:
		return "Gradients"
	case PaneCompare:
		return "Compare"
	case PaneHidden:
		return "Hidden"
	}
	return "?"
}

// tabbedPanes are the panes that share the right-hand slot at compact sizes,
// in the order the "next pane" key cycles through them.
func tabbedPanes() []PaneKind {
	return []PaneKind{PaneBoundary, PaneLoss, PaneSample, PaneActivations, PaneWeights, PaneSurface, PaneGradients, PaneCompare, PaneHidden}
}

// Rect is a rectangle of terminal cells.
type Rect struct{ X, Y, W, H int }

// Contains reports whether cell (x, y) lies inside r.
func (r Rect) Contains(x, y int) bool {
	return x >= r.X && x < r.X+r.W && y >= r.Y && y < r.Y+r.H
}

// Empty reports whether r has no cells.
func (r Rect) Empty() bool { return r.W <= 0 || r.H <= 0 }

// PaneRect places one pane.
type PaneRect struct {
	Kind PaneKind
	Rect
}

// Screen is the trainer's arrangement for one terminal size.
type Screen struct {
	// TooSmall is set when the terminal is below MinWidth×MinHeight; nothing
	// else is placed then.
	TooSmall bool
	// Tabs is the row of pane tabs (compact sizes only; empty otherwise).
	Tabs Rect
	// Main is the area the panes tile exactly (the full help replaces it).
	Main   Rect
	Panes  []PaneRect
	Status Rect
	Help   Rect
}

// Minimum terminal size the trainer draws at.
const (
	MinWidth  = 60
	MinHeight = 18
)

// Largest screen the app draws: a bigger terminal (or a client claiming
// 65535×65535) gets a MaxWidth×MaxHeight screen in its top-left corner, so
// a frame's cost never depends on what the terminal says.
const (
	MaxWidth  = 400
	MaxHeight = 160
)

// Size thresholds for the full (all panes) arrangement.
const (
	fullWidth  = 120
	fullHeight = 36
)

// Pane returns the rectangle of kind k, or false when it is not shown.
func (s Screen) Pane(k PaneKind) (Rect, bool) {
	for _, p := range s.Panes {
		if p.Kind == k {
			return p.Rect, true
		}
	}
	return Rect{}, false
}

// Needs is how many rows of content some panes have (inside their
// borders); 0 means a pane uses whatever it gets. Layout gives a pane no
// more rows than it needs when another pane can use them.
type Needs struct {
	Activations, Weights, Sample int
}

// lossMin is the fewest rows (borders included) the Loss chart is moved
// into: below that it keeps its place in the right column.
const lossMin = 9

// Layout arranges the trainer for a w×h terminal. It is a pure function of
// its arguments. tab is the pane shown in the shared slot at compact sizes
// (ignored at full size, where every pane is visible).
//
// Compact (below 120×36):            Full (120×36 and up):
//
//	tabs                               ┌topology──┬activ.─┬boundary┐
//	┌topology──┬tab pane─┐             │          │       ├loss────┤
//	├inspector─┤         │             ├inspector─┼weights├sample──┤
//	status                             status
//	help                               help
//
// At full size the panes with little to show (need) give their rows to
// the others: Activations and Weights take what they need, and when that
// leaves room in the middle column the Loss chart moves under them, so that
// Boundary and Sample share the right column.
func Layout(w, h int, tab PaneKind, need Needs) Screen {
	if w < MinWidth || h < MinHeight {
		return Screen{TooSmall: true}
	}
	var s Screen
	s.Status = Rect{0, h - 2, w, 1}
	s.Help = Rect{0, h - 1, w, 1}
	if w < fullWidth || h < fullHeight {
		s.Tabs = Rect{0, 0, w, 1}
		s.Main = Rect{0, 1, w, h - 3}
		m := s.Main
		left := w * 3 / 5 // topology and the inspector need the width
		topH := m.H * 9 / 20
		if !isTabbed(tab) {
			tab = PaneBoundary
		}
		s.Panes = []PaneRect{
			{PaneTopology, Rect{0, m.Y, left, topH}},
			{PaneInspector, Rect{0, m.Y + topH, left, m.H - topH}},
			{tab, Rect{left, m.Y, w - left, m.H}},
		}
		return s
	}
	s.Main = Rect{0, 0, w, h - 2}
	m := s.Main
	c1 := w * 2 / 5
	c2 := (w - c1) / 2
	c3 := w - c1 - c2
	topH := m.H / 2
	s.Panes = []PaneRect{
		{PaneTopology, Rect{0, 0, c1, topH}},
		{PaneInspector, Rect{0, topH, c1, m.H - topH}},
	}
	// the middle column: what Activations and Weights need
	actH := fitted(need.Activations, m.H*2/5)
	wH := m.H - actH
	if need.Weights > 0 && m.H-actH-fitted(need.Weights, wH) >= lossMin {
		wH = fitted(need.Weights, wH)
	}
	lossH := m.H - actH - wH
	s.Panes = append(s.Panes,
		PaneRect{PaneActivations, Rect{c1, 0, c2, actH}},
		PaneRect{PaneWeights, Rect{c1, actH, c2, wH}})
	x3 := c1 + c2
	if lossH > 0 { // Loss under them; Boundary and Sample on the right
		sH := fitted(need.Sample, m.H/2) // the rest is Boundary's
		return s.with(
			PaneRect{PaneLoss, Rect{c1, actH + wH, c2, lossH}},
			PaneRect{PaneBoundary, Rect{x3, 0, c3, m.H - sH}},
			PaneRect{PaneSample, Rect{x3, m.H - sH, c3, sH}})
	}
	bH := m.H * 2 / 5
	sH := (m.H - bH) - (m.H-bH)/2
	if need.Sample > 0 { // Sample takes what it needs, Loss keeps lossMin
		sH = max(min(need.Sample+2, m.H-bH-lossMin), sH)
	}
	lH := m.H - bH - sH
	return s.with(
		PaneRect{PaneBoundary, Rect{x3, 0, c3, bH}},
		PaneRect{PaneLoss, Rect{x3, bH, c3, lH}},
		PaneRect{PaneSample, Rect{x3, bH + lH, c3, sH}})
}

// with adds panes to s.
func (s Screen) with(ps ...PaneRect) Screen {
	s.Panes = append(s.Panes, ps...)
	return s
}

// fitted is the rows (borders included) of a pane that needs need rows of
// content, at most most and at least 5; need 0 takes most.
func fitted(need, most int) int {
	if need <= 0 {
		return most
	}
	return max(min(need+2, most), 5)
}

func isTabbed(k PaneKind) bool {
	for _, t := range tabbedPanes() {
		if t == k {
			return true
		}
	}
	return false
}
