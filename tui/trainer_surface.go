package tui

import (
	"fmt"
	"math"

	tea "charm.land/bubbletea/v2"

	"backprop/network"
	"backprop/tui/panes"
)

// The Surface and Gradients panes and the gradient check (K): evaluations
// of the live network, never training. The surface and the gradient flow
// are computed in commands on copies of the network (network.CostSurface,
// network.GradientFlow), one at a time, and again when the weights version
// or what is asked changes; the gradient check of one parameter on one
// sample is cheap enough to run on the key.

// surfaceBudget is the multiply-adds one surface may take (about 20–50 ms
// here): a bigger grid is halved until it fits, and the pane stretches it.
const surfaceBudget = 3e7

// maxTrail and maxFlow bound the trajectory and the gradient history.
const (
	maxTrail = 40
	maxFlow  = 48
)

// analysis is the trainer's state for the two panes and the check.
type analysis struct {
	gen int // bumped when the session changes: late results are dropped

	second int  // which second parameter (index into secondParams), −1: a 1-D slice
	zoom   int  // the window is ±2·2^−zoom
	whole  bool // over the whole training set, not the mini-batch

	surf        *network.Surface
	surfKey     surfaceKey
	surfPending bool
	surfErr     string

	trail    [][2]float64
	trailP   [2]network.Param
	trailVer uint64

	flow        [][]network.LayerFlow
	time        []network.TimeFlow // the latest flow through time (sequence sets)
	flowVer     uint64
	flowPending bool
	flowErr     string

	check    *network.ParamCheck
	checkKey [2]any
}

// surfaceKey is what a surface was computed for.
type surfaceKey struct {
	version    uint64
	p          [2]network.Param
	radius     float64
	whole      bool
	cols, rows int
}

type surfaceMsg struct {
	gen int
	key surfaceKey
	s   *network.Surface
	err error
}

type flowMsg struct {
	gen     int
	version uint64
	flow    []network.LayerFlow
	time    []network.TimeFlow
	err     error
}

// focusParam is the focused weight or bias as a network.Param; false on
// an input.
func (s *session) focusParam() (network.Param, bool) {
	f := s.focus
	if f.Layer < 1 || f.Layer > len(s.st.Net().Layers) {
		return network.Param{}, false
	}
	return network.Param{Layer: f.Layer - 1, J: f.Neuron, K: f.Weight}, true
}

// secondParams are the choices of the surface's second parameter for a
// first one p: its neuron's bias (or first weight, when p is the bias),
// the same weight of each other neuron of the layer, then the neuron's
// other weights.
func secondParams(net *network.Network, p network.Param) []network.Param {
	l := net.Layers[p.Layer]
	var ps []network.Param
	if p.IsBias() {
		ps = append(ps, network.Param{Layer: p.Layer, J: p.J, K: 0})
	} else {
		ps = append(ps, network.Param{Layer: p.Layer, J: p.J, K: -1})
	}
	for j := 1; j < l.Out; j++ {
		ps = append(ps, network.Param{Layer: p.Layer, J: (p.J + j) % l.Out, K: p.K})
	}
	for k := range l.In {
		if q := (network.Param{Layer: p.Layer, J: p.J, K: k}); q != p && q != ps[0] {
			ps = append(ps, q)
		}
	}
	return ps
}

// surfaceParams are the surface's two parameters now (P[1].Layer −1 for a
// slice), or a note saying why there is no surface.
func (t *trainer) surfaceParams() ([2]network.Param, string) {
	s := t.sess
	net := s.st.Net()
	for _, l := range net.Layers {
		if l.Act == network.Step {
			return [2]network.Param{}, "step units have no derivative:\nno cost surface to walk down"
		}
	}
	p, ok := s.focusParam()
	if !ok {
		return [2]network.Param{}, "focus a weight or bias (→/l, tab):\nthe surface is C over it"
	}
	if t.an.second < 0 {
		return [2]network.Param{p, {Layer: -1}}, ""
	}
	ps := secondParams(net, p)
	return [2]network.Param{p, ps[t.an.second%len(ps)]}, ""
}

// cycleSecond picks the next second parameter; after the last one comes
// the 1-D slice, then the first again.
func (t *trainer) cycleSecond() {
	p, ok := t.sess.focusParam()
	if !ok {
		t.app.setFlash("focus a weight or bias first (→/l, tab)", true)
		return
	}
	n := len(secondParams(t.sess.st.Net(), p))
	switch {
	case t.an.second < 0:
		t.an.second = 0
	case t.an.second+1 >= n:
		t.an.second = -1
	default:
		t.an.second++
	}
	ps, _ := t.surfaceParams()
	if ps[1].Layer < 0 {
		t.app.setFlash("surface: the 1-D slice C("+panes.ParamName(ps[0])+") with its tangent", false)
		return
	}
	t.app.setFlash("surface: C("+panes.ParamName(ps[0])+", "+panes.ParamName(ps[1])+")", false)
}

func (t *trainer) zoomSurface(d int) {
	t.an.zoom = max(-6, min(t.an.zoom+d, 20))
	t.app.setFlash("surface window ±"+fmt.Sprint(surfaceRadius(t.an.zoom)), false)
}

func surfaceRadius(zoom int) float64 { return 2 * math.Pow(2, -float64(zoom)) }

func (t *trainer) toggleWhole() {
	t.an.whole = !t.an.whole
	if t.an.whole {
		t.app.setFlash("surface and gradients over the whole training set", false)
	} else {
		t.app.setFlash("surface and gradients over the current mini-batch", false)
	}
}

// samplesLabel names what C averages over.
func (t *trainer) samplesLabel() string {
	if t.an.whole {
		return fmt.Sprintf("%d training samples", t.sess.st.Train().Len())
	}
	return fmt.Sprintf("the batch of %d", len(t.sess.st.Batch()))
}

// sampleIdx is the samples of the surface and the flow: nil (all) or the
// mini-batch's.
func (t *trainer) sampleIdx() []int {
	if t.an.whole {
		return nil
	}
	return t.sess.st.Batch()
}

// analyse starts the commands the shown panes need and records the
// trajectory. The root calls it after every message the trainer handled.
func (t *trainer) analyse() tea.Cmd {
	if t.sess == nil || t.w == 0 {
		return nil
	}
	scr := t.layout(t.w, t.h)
	var cmds []tea.Cmd
	if r, ok := scr.Pane(PaneSurface); ok && !t.help.open {
		t.recordTrail()
		cmds = append(cmds, t.surfaceCmd(r.W-2, r.H-2))
	}
	if _, ok := scr.Pane(PaneGradients); ok && !t.help.open {
		cmds = append(cmds, t.flowCmd())
	}
	return tea.Batch(cmds...)
}

// recordTrail adds the parameters' values when the weights changed.
func (t *trainer) recordTrail() {
	s := t.sess
	ps, note := t.surfaceParams()
	if note != "" {
		return
	}
	if ps != t.an.trailP {
		t.an.trail, t.an.trailP = nil, ps
	}
	if s.version == t.an.trailVer && len(t.an.trail) > 0 {
		return
	}
	t.an.trailVer = s.version
	net := s.st.Net()
	p := [2]float64{ps[0].Value(net), 0}
	if ps[1].Layer >= 0 {
		p[1] = ps[1].Value(net)
	}
	if n := len(t.an.trail); n > 0 && t.an.trail[n-1] == p {
		return
	}
	t.an.trail = append(t.an.trail, p)
	if len(t.an.trail) > maxTrail {
		t.an.trail = t.an.trail[1:]
	}
}

// surfaceCmd computes the surface for a w × h pane when what it shows is
// stale and none is being computed.
func (t *trainer) surfaceCmd(w, h int) tea.Cmd {
	s := t.sess
	ps, note := t.surfaceParams()
	if note != "" || t.an.surfPending || w < 4 || h < 3 {
		return nil
	}
	cols, rows := panes.SurfaceGrid(w, h, ps[1].Layer < 0)
	r := surfaceRadius(t.an.zoom)
	spec := network.SurfaceSpec{P: ps, Radius: [2]float64{r, r}, Cols: cols, Rows: rows}
	idx := t.sampleIdx()
	m := len(idx)
	if idx == nil {
		m = s.st.Train().Len()
	}
	if tr := s.st.Train(); tr.Seq > 0 && tr.Len() > 0 {
		m *= tr.Steps(0) + 1 // every time step runs at every point
	}
	for network.SurfaceWork(s.st.Net(), spec, m) > surfaceBudget && spec.Cols*spec.Rows > 49 {
		spec.Cols, spec.Rows = max(spec.Cols/2|1, 3), max(spec.Rows/2|1, 1)
	}
	key := surfaceKey{version: s.version, p: ps, radius: r, whole: t.an.whole, cols: spec.Cols, rows: spec.Rows}
	if key == t.an.surfKey && (t.an.surf != nil || t.an.surfErr != "") {
		return nil
	}
	t.an.surfPending = true
	net, h2, train, gen := s.st.Net().Clone(), s.st.Hyper(), s.st.Train(), t.an.gen
	return func() tea.Msg {
		sf, err := network.CostSurface(net, h2, train, idx, spec)
		return surfaceMsg{gen: gen, key: key, s: sf, err: err}
	}
}

// flowCmd measures the gradient flow when the weights changed.
func (t *trainer) flowCmd() tea.Cmd {
	s := t.sess
	if t.an.flowPending || s.version == t.an.flowVer && (len(t.an.flow) > 0 || t.an.flowErr != "") {
		return nil
	}
	t.an.flowPending = true
	net, train, idx, gen, ver := s.st.Net().Clone(), s.st.Train(), t.sampleIdx(), t.an.gen, s.version
	bptt := s.st.Hyper().BPTT
	return func() tea.Msg {
		if train.Seq > 0 { // and ‖∂C/∂h_t‖ through time
			f, tf, err := network.FlowThroughTime(net, train, idx, bptt)
			return flowMsg{gen: gen, version: ver, flow: f, time: tf, err: err}
		}
		f, err := network.GradientFlow(net, train, idx)
		return flowMsg{gen: gen, version: ver, flow: f, err: err}
	}
}

func (t *trainer) onSurface(m surfaceMsg) {
	if m.gen != t.an.gen {
		return
	}
	t.an.surfPending = false
	t.an.surfKey, t.an.surf, t.an.surfErr = m.key, m.s, ""
	if m.err != nil {
		t.an.surf, t.an.surfErr = nil, m.err.Error()
	}
}

func (t *trainer) onFlow(m flowMsg) {
	if m.gen != t.an.gen {
		return
	}
	t.an.flowPending = false
	t.an.flowVer, t.an.flowErr = m.version, ""
	if m.err != nil {
		t.an.flowErr = m.err.Error()
		return
	}
	t.an.flow, t.an.time = append(t.an.flow, m.flow), m.time
	if len(t.an.flow) > maxFlow {
		t.an.flow = t.an.flow[1:]
	}
}

// resetAnalysis forgets what was computed for another session.
func (t *trainer) resetAnalysis() {
	t.an = analysis{gen: t.an.gen + 1, second: t.an.second, zoom: t.an.zoom, whole: t.an.whole}
}

// surfaceView is the Surface pane's input.
func (t *trainer) surfaceView() *panes.SurfaceView {
	ps, note := t.surfaceParams()
	v := &panes.SurfaceView{Note: note, Samples: t.samplesLabel(), Busy: t.an.surfPending}
	switch {
	case note != "":
		return v
	case t.an.surfErr != "":
		v.Note = t.an.surfErr
		return v
	case t.an.surf == nil || t.an.surf.P != ps:
		return v // computing
	}
	v.Surf = t.an.surf
	v.Trail = t.an.trail
	v.Step = t.lastStep(ps)
	return v
}

// lastStep is the last update of the parameters ps, when they still have
// the values it gave them.
func (t *trainer) lastStep(ps [2]network.Param) *[2][2]float64 {
	st := t.sess.st
	last := st.Trace().Last
	if last == nil {
		return nil
	}
	var step [2][2]float64
	net := st.Net()
	for i, p := range ps {
		if p.Layer < 0 {
			continue
		}
		u := last[p.Layer]
		old, nw := u.OldW, u.NewW
		k := p.J*net.Layers[p.Layer].In + p.K
		if p.IsBias() {
			old, nw, k = u.OldB, u.NewB, p.J
		}
		if nw[k] != p.Value(net) {
			return nil // edited, or undone past it
		}
		step[0][i], step[1][i] = old[k], nw[k]
	}
	return &step
}

// gradientsView is the Gradients pane's input.
func (t *trainer) gradientsView() *panes.GradientsView {
	v := &panes.GradientsView{Flow: t.an.flow, Time: t.an.time, Samples: t.samplesLabel(), Note: t.an.flowErr}
	for _, l := range t.sess.st.Net().Layers {
		if l.Act == network.Step {
			v.Note = "step units have no derivative:\nno gradient flows back"
		}
	}
	return v
}

// gradCheck (K) compares backprop's ∂C/∂w of the focused parameter on the
// current sample with the centred difference; the Inspector shows it until
// the weights or the focus change.
func (t *trainer) gradCheck() {
	s := t.sess
	p, ok := s.focusParam()
	if !ok {
		t.app.setFlash("focus a weight or bias to check its gradient (→/l, tab)", true)
		return
	}
	train := s.st.Train()
	i := s.st.Pos().Index
	if i < 0 || i >= train.Len() {
		i = 0
	}
	check := network.GradCheckParam
	if train.Seq > 0 {
		check = network.GradCheckParamSeq // through time, over the sequence
	}
	c, err := check(s.st.Net(), train.Input(i, nil), train.Y[i], p, 1e-4)
	if err != nil {
		t.app.setFlash(err.Error(), true)
		return
	}
	t.an.check, t.an.checkKey = &c, [2]any{s.version, s.focus}
	t.app.setFlash(fmt.Sprintf("gradient check of ∂C/∂%s on training row %d: in the Inspector", panes.ParamName(p), i), false)
}

// gradCheckShown is the check while it still holds.
func (t *trainer) gradCheckShown() *network.ParamCheck {
	if t.an.check == nil || t.an.checkKey != [2]any{t.sess.version, t.sess.focus} {
		return nil
	}
	return t.an.check
}
