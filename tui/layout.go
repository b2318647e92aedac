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
	}
	return "?"
}

// tabbedPanes are the panes that share the right-hand slot at compact sizes,
// in the order the "next pane" key cycles through them.
func tabbedPanes() []PaneKind {
	return []PaneKind{PaneBoundary, PaneLoss, PaneSample, PaneActivations, PaneWeights, PaneSurface, PaneGradients}
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
func Layout(w, h int, tab PaneKind) Screen {
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
	actH := m.H * 2 / 5
	bH := m.H * 2 / 5
	lH := (m.H - bH) / 2
	s.Panes = []PaneRect{
		{PaneTopology, Rect{0, 0, c1, topH}},
		{PaneInspector, Rect{0, topH, c1, m.H - topH}},
		{PaneActivations, Rect{c1, 0, c2, actH}},
		{PaneWeights, Rect{c1, actH, c2, m.H - actH}},
		{PaneBoundary, Rect{c1 + c2, 0, c3, bH}},
		{PaneLoss, Rect{c1 + c2, bH, c3, lH}},
		{PaneSample, Rect{c1 + c2, bH + lH, c3, m.H - bH - lH}},
	}
	return s
}

func isTabbed(k PaneKind) bool {
	for _, t := range tabbedPanes() {
		if t == k {
			return true
		}
	}
	return false
}
