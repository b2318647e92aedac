package panes

import (
	"fmt"
	"strings"

	"backprop/internal/numfmt"
	"backprop/network"
	"backprop/themes"
)

// Inspector shows the equations of learning for the focused neuron, filled
// in with the engine's traced numbers: the weighted sum z, the activation a,
// the cost C, the error δ, the gradient ∂C/∂w and the last update w ← w −
// η·∂C/∂w (old → new), or the perceptron rule. The line of the phase just
// done is marked ▸; values the current sample has not reached yet show "?".
// The first lines say which step was done and which comes next.
func Inspector(in Input) string {
	if s, ok := unready(in); !ok {
		return s
	}
	st := in.styles()
	c := in.canvas()
	var ls []line
	ls = append(ls, inspectorHeader(in, st)...)
	top := 0
	if in.Status == network.Diverged && in.H > 4 {
		// where it diverged and why, whole: the equations below it give
		// way first
		top = c.drawLines(0, 0, wrapLines(ls[:1], in.W, 4, true))
		top = c.drawLines(0, top, wrapLines(ls[1:], in.W, 4, false))
		ls = nil
	}
	ls = append(ls, gradCheckLines(in.GradCheck, st)...)
	ls = append(ls, recurrentLines(in, st)...) // inspector_seq.go
	ls = append(ls, inspectorEquations(in, st)...)
	c.drawLines(0, top, layLines(ls, in.W, max(in.H-top, 0), 4))
	return c.String()
}

// gradCheckLines show a gradient check of the focused parameter: backprop's
// ∂C/∂w for the sample beside the centred difference (C(w+ε) − C(w−ε))/2ε.
func gradCheckLines(g *network.ParamCheck, st *themes.Styles) []line {
	if g == nil {
		return nil
	}
	name := ParamName(g.Param)
	var l1, l2, l3, l4 line
	l1.add("check ∂C/∂"+name, st.SGR.Title)
	l1.opt(1, " on this sample", st.SGR.Dim, "")
	l1.add(": backprop "+num(g.Backprop), st.SGR.Text)
	l2.add("(C(w+ε) − C(w−ε))/2ε = "+num(g.Numeric), st.SGR.Text)
	l3.add("  = ("+numfmt.G(g.Plus, 7)+" − "+numfmt.G(g.Minus, 7)+")/"+num(2*g.Eps), st.SGR.Dim)
	l4.add("ε = "+num(g.Eps)+"  relative error "+num(g.RelErr), st.SGR.Text)
	switch {
	case g.Kink:
		l4.add("  at a ReLU kink: no derivative", st.SGR.Warn)
	case g.RelErr <= 1e-5:
		l4.add("  ✓ agree", st.SGR.OK)
	default:
		l4.add("  ✗ disagree", st.SGR.Error)
	}
	return []line{l1, l2, l3, l4}
}

// inspectorHeader: the focused neuron, then "done: … next: …" (or the
// divergence / convergence status).
func inspectorHeader(in Input, st *themes.Styles) []line {
	return []line{focusTitle(in, st), statusLine(in, st)}
}

// focusTitle names the focused input or neuron: "L1 n2 · hidden · tanh".
func focusTitle(in Input, st *themes.Styles) line {
	L := len(in.Net.Layers)
	f := in.Focus
	var title line
	switch {
	case f.Layer <= 0:
		title.add(fmt.Sprintf("input x%s", sub(f.Neuron+1)), st.SGR.Title)
		if in.Data != nil && f.Neuron >= 0 && f.Neuron < len(in.Data.Features) {
			title.add(" "+in.Data.Features[f.Neuron], st.SGR.Dim)
		}
	case f.Layer <= L:
		role := "hidden"
		if f.Layer == L {
			role = "output"
		}
		title.add(fmt.Sprintf("L%d n%d", f.Layer, f.Neuron+1), st.SGR.Title)
		title.add(" · "+role+" · "+actName(in.Net.Layers[f.Layer-1].Act), st.SGR.Dim)
		if in.Hyper.Rule == network.Perceptron {
			title.add(" · perceptron rule", st.SGR.Dim)
		}
	}
	return title
}

// statusLine says where training stands: diverged, converged or not
// converging, a probe, or the step just done and the next one.
func statusLine(in Input, st *themes.Styles) line {
	var status line
	switch {
	case in.Status == network.Diverged:
		status = divergedLine(in.Div, st)
	case in.Status == network.Converged:
		status.add("converged: a whole epoch without a mistake", st.SGR.OK)
	case in.Status == network.NotConverging:
		status.add("not converging: a single perceptron cannot separate this data", st.SGR.Warn)
	case in.Probe != "":
		status.add("probe ", st.SGR.Dim)
		status.add(in.Probe, st.SGR.Accent)
		status.add("  (no training; a step returns)", st.SGR.Dim)
	default:
		status.add("done ", st.SGR.Dim)
		status.add(stepLabel(in.Pos), st.SGR.Phase)
		if nx := nextLabel(in); nx != "" {
			status.add("  next ", st.SGR.Dim)
			status.add(nx, st.SGR.Accent)
		}
	}
	return status
}

// divergedLine: "diverged: NaN/Inf in weights of L2 at forward L2 n1 —
// undo, or lower η" (d may be nil).
func divergedLine(d *network.Divergence, st *themes.Styles) line {
	var l line
	l.add("diverged", st.SGR.Error)
	if d != nil {
		where := "the cost"
		if d.Layer >= 0 {
			where = fmt.Sprintf("L%d", d.Layer+1)
		}
		what := d.What
		if what == "" {
			what = "values"
		}
		switch {
		case d.Detail != "":
			l.add(" in "+where+": "+d.Detail, st.SGR.Error)
		case d.Layer < 0:
			l.add(": the cost became NaN or ±Inf", st.SGR.Error)
		default:
			l.add(fmt.Sprintf(": NaN/Inf in %s of %s at %s", what, where, stepLabel(d.Pos)), st.SGR.Error)
		}
	}
	l.add(" — undo, or lower η", st.SGR.Dim)
	return l
}

// eqMark starts an equation line: "▸ " when it is the phase just done.
func eqMark(st *themes.Styles, on bool) line {
	if on {
		return line{{text: "▸ ", sgr: st.SGR.Phase}}
	}
	return line{{text: "  "}}
}

// pending dims a line whose values the sample has not reached yet.
func pending(st *themes.Styles, l line) line { return l.dim(st.SGR.Dim) }

// neuronEq is what the equations of the focused neuron read: neuron j of
// Layers[li] and its incoming weight k (−1: the bias), with the weights
// and inputs the current sample used.
type neuronEq struct {
	li, j, k int
	layer    *network.Layer
	xs       string    // the inputs' symbol: x for L1, else a
	prev     []float64 // a^{l−1} of the sample (nil before it is loaded)
	row      []float64 // w_j as the sample used it
	bias     float64   // b_j as the sample used it
	fwd      bool      // z and a of this neuron are computed
}

// focusedNeuron fills a neuronEq for in.Focus, which must be a neuron
// (1 ≤ Focus.Layer ≤ L). After an update the network's weights are no
// longer the ones this sample used: the trace's old ones are shown.
func focusedNeuron(in Input) neuronEq {
	tr := in.Trace
	li := in.Focus.Layer - 1
	layer := in.Net.Layers[li]
	n := neuronEq{li: li, layer: layer, xs: "a", k: min(in.Focus.Weight, layer.In-1)}
	n.j = clamp(in.Focus.Neuron, 0, max(layer.Out-1, 0))
	if li == 0 {
		n.xs = "x"
		if in.Net.Features != nil {
			n.xs = "φ" // the input features φ(x): φ₁ = x₁², …
		}
	}
	n.fwd = in.forwardDone(li, n.j)
	if tr != nil && li < len(tr.A) {
		n.prev = tr.A[li]
	}
	n.row = layer.W[n.j*layer.In : (n.j+1)*layer.In]
	n.bias = at1(layer.B, n.j)
	updated := (in.Pos.Phase == network.PhaseUpdate || in.Pos.Phase == network.PhaseEpochEnd) && tr != nil && li < len(tr.Last)
	if updated && len(tr.Last[li].OldW) == len(layer.W) {
		n.row = tr.Last[li].OldW[n.j*layer.In : (n.j+1)*layer.In]
	}
	if updated {
		n.bias = at1(tr.Last[li].OldB, n.j)
	}
	return n
}

// inspectorEquations are the equation lines for the focused neuron, in the
// order the sample meets them: x and y, z, a, C, δ, ∂C/∂w, the update and
// the epoch's result (the perceptron rule stops after a with its update).
func inspectorEquations(in Input, st *themes.Styles) []line {
	ls := make([]line, 0, 9)
	ls = append(ls, sampleLine(in, st))
	if in.Focus.Layer <= 0 || in.Focus.Layer > len(in.Net.Layers) {
		ls = append(ls, inputFocusLines(in, st)...)
		return append(ls, costLine(in, st))
	}
	n := focusedNeuron(in)
	ls = append(ls, zLine(in, st, n), aLine(in, st, n))
	if in.Hyper.Rule == network.Perceptron {
		return append(ls, perceptronLine(in, st, n.li, n.j, n.k, n.xs))
	}
	ls = append(ls, costLine(in, st), deltaLine(in, st, n), gradLine(in, st, n), updateLine(in, st, n.li, n.j, n.k))
	if in.Pos.Phase == network.PhaseEpochEnd && len(in.History) > 0 {
		ls = append(ls, epochLine(in.History[len(in.History)-1], st))
	}
	return ls
}

// sampleLine: "x = (…)  y = (…)" of the current sample.
func sampleLine(in Input, st *themes.Styles) line {
	l := eqMark(st, in.Pos.Phase == network.PhaseLoad)
	if in.Trace == nil || !in.inputDone() {
		return pending(st, *l.add("x = ?  y = ?", ""))
	}
	x := "x = "
	if in.Net != nil && in.Net.Features != nil {
		x = "φ(x) = " // the features the network takes (Topology names them)
	}
	if c, ok := oneHotChar(in, in.Trace.X); ok { // text: the character, not 36 zeros
		l.add(x, st.SGR.Text).add(c, st.SGR.Text)
	} else {
		l.add(x, st.SGR.Text).add(vec(in.Trace.X, 4), st.SGR.Text)
	}
	if in.Trace.Seq != nil && !in.Trace.HasTarget {
		return *l.opt(1, "  y: none at this step", st.SGR.Dim, "")
	}
	if c, ok := oneHotChar(in, in.Trace.Y); ok {
		return *l.opt(1, "  y = "+c, st.SGR.Text, "")
	}
	// y when there is room (the Sample pane shows the target too)
	return *l.opt(1, "  y = "+vec(in.Trace.Y, 3), st.SGR.Text, "")
}

// inputFocusLines: an input's value, and that inputs have no weights.
func inputFocusLines(in Input, st *themes.Styles) []line {
	tr, f := in.Trace, in.Focus
	var ls []line
	if f.Layer == 0 && tr != nil && in.inputDone() && f.Neuron >= 0 && f.Neuron < len(tr.X) {
		var l line
		name := "x" + sub(f.Neuron+1)
		if fs := in.Net.Features; f.Neuron < len(fs) {
			name = fs[f.Neuron].Math() // a⁰_k = x₁² of the sample
		}
		l.add(fmt.Sprintf("  a⁰ = %s = ", name), st.SGR.Text).add(num(tr.X[f.Neuron]), st.SGR.Bold)
		ls = append(ls, l)
	}
	var l line
	l.add("  inputs have no weights: focus a neuron in L1…L"+fmt.Sprint(len(in.Net.Layers)), st.SGR.Dim)
	return append(ls, l)
}

// forwardMarked reports whether the step just done computed this neuron.
func forwardMarked(in Input, n neuronEq) bool {
	return in.Pos.Phase == network.PhaseForward && in.Pos.Layer == n.li && in.Pos.Neuron == n.j
}

// zLine: z = w₁·x₁ + … + b = z.
// A recurrent neuron's sum has W_h·h_{t−1} before the bias
// (inspector_seq.go).
func zLine(in Input, st *themes.Styles, n neuronEq) line {
	l := eqMark(st, forwardMarked(in, n))
	l.add("z = ", st.SGR.Text)
	rec, rv := recTerm(in, n)
	return append(l, sumTermsRec(in.W-l.width(), n.row, n.prev, n.bias, at(tr0(in.Trace).Z, n.li, n.j), n.k, n.xs, st, n.fwd, rec, rv)...)
}

// aLine: a = σ(z) = σ(z's value) = a.
func aLine(in Input, st *themes.Styles, n neuronEq) line {
	l := eqMark(st, forwardMarked(in, n))
	name := actName(n.layer.Act)
	if !n.fwd {
		return pending(st, *l.add("a = "+name+"(z) = ?", ""))
	}
	z, a := at(in.Trace.Z, n.li, n.j), at(in.Trace.A, n.li+1, n.j)
	switch n.layer.Act {
	case network.Softmax:
		l.add(fmt.Sprintf("a = e^z%s / Σ e^z = ", sub(n.j+1)), st.SGR.Text)
	case network.Step:
		l.add("a = step(z) = ", st.SGR.Text).opt(2, fmt.Sprintf("[%s > 0] = ", num(z)), st.SGR.Text, "")
	default:
		l.add(fmt.Sprintf("a = %s(z) = ", name), st.SGR.Text).opt(2, fmt.Sprintf("%s(%s) = ", name, num(z)), st.SGR.Text, "")
	}
	return *l.add(num(a), st.SGR.Bold)
}

// deltaLine: δ of the focused neuron, marked when the step just done
// computed it.
func deltaLine(in Input, st *themes.Styles, n neuronEq) line {
	ph := in.Pos.Phase
	done := in.deltaDone(n.li, n.j)
	l := eqMark(st, done && (ph == network.PhaseOutputDelta && n.li == len(in.Net.Layers)-1 ||
		ph == network.PhaseBackward && in.Pos.Layer == n.li && in.Pos.Neuron == n.j))
	return append(l, deltaTerms(in, st, n.li, n.j, done)...)
}

// gradLine: ∂C/∂w = δ·a (or ∂C/∂b = δ) of this sample, and the batch's
// sum so far.
func gradLine(in Input, st *themes.Styles, n neuronEq) line {
	tr, ph := in.Trace, in.Pos.Phase
	done := in.deltaDone(n.li, n.j)
	l := eqMark(st, done && ph == network.PhaseAccumulate)
	l = gradTerms(l, st, n, at(tr0(tr).Delta, n.li, n.j), done)
	if !done {
		l = pending(st, l)
	}
	if tr != nil && tr.Count > 0 && ph >= network.PhaseLoad && ph <= network.PhaseAccumulate {
		var g float64
		if n.k < 0 {
			g = at(tr.GradB, n.li, n.j)
		} else {
			g = at(tr.GradW, n.li, n.j*n.layer.In+n.k)
		}
		l.opt(1, fmt.Sprintf("   batch Σ = %s (%d)", num(g), tr.Count), st.SGR.Dim, "")
	}
	return l
}

// gradTerms adds to l "∂C/∂b = δ = d" or "∂C/∂wₖ = δ·aₖ = (d)·(aₖ) = g",
// with "?" for the value until δ is known.
func gradTerms(l line, st *themes.Styles, n neuronEq, d float64, done bool) line {
	if n.k < 0 {
		l.add("∂C/∂b = δ = ", st.SGR.Text)
		if !done {
			return *l.add("?", "")
		}
		return *l.add(num(d), st.SGR.Bold)
	}
	ks := sub(n.k + 1)
	l.add(fmt.Sprintf("∂C/∂w%s = δ·%s%s = ", ks, n.xs, ks), st.SGR.Text)
	if !done {
		return *l.add("?", "")
	}
	ak := at1(n.prev, n.k)
	return *l.opt(2, paren(d)+"·"+paren(ak)+" = ", st.SGR.Text, "").add(num(d*ak), st.SGR.Bold)
}

// epochLine: the loss and accuracy of the epoch just ended.
func epochLine(h network.EpochStats, st *themes.Styles) line {
	l := eqMark(st, true)
	l.add(fmt.Sprintf("epoch %d: loss %s, accuracy %s", h.Epoch, num(h.TrainLoss), pct(h.TrainAcc)), st.SGR.Text)
	if finite(h.TestLoss) { // when there is room (the Loss pane shows it too)
		l.opt(1, fmt.Sprintf(" · test %s, %s", num(h.TestLoss), pct(h.TestAcc)), st.SGR.Dim, "")
	}
	return l
}

// tr0 returns tr, or an empty trace.
func tr0(tr *network.Trace) *network.Trace {
	if tr == nil {
		return &network.Trace{}
	}
	return tr
}

// sumTerms renders "w₁·x₁ + w₂·x₂ + … + b = z" with numbers (symbols
// when !done) in at most width cells: as many leading terms as fit, "…" for
// the others, always keeping the focused term k (or the bias when k = −1)
// visible and highlighted. When even that is too wide it falls back to
// "Σ w·a + b = z".
func sumTerms(width int, w, a []float64, b, z float64, k int, xs string, st *themes.Styles, done bool) line {
	return sumTermsRec(width, w, a, b, z, k, xs, st, done, "", 0)
}

// sumTermsRec is sumTerms with a recurrent term rec of value rv (before
// the bias) when rec is not empty. When the terms do not all fit it shows
// the three sums, "W·x + W_h·h + b", as numbers.
func sumTermsRec(width int, w, a []float64, b, z float64, k int, xs string, st *themes.Styles, done bool, rec string, rv float64) line {
	s := &weightedSum{w: w, a: a, z: z, k: k, xs: xs, st: st, done: done, sgr: st.SGR.Text, bs: "b", rec: rec, memo: map[int]string{}}
	if done {
		s.bs = paren(b)
	} else {
		s.sgr = st.SGR.Dim
	}
	n := len(w)
	if rec != "" {
		if l := s.terms(n, true); l.width() <= width {
			return l
		}
		return s.sums(rv)
	}
	// Every term takes at least 3 cells ("wᵢ·aᵢ" or numbers, plus " + "):
	// skip trying all of them when they cannot fit.
	if 6*n <= width {
		if l := s.terms(n, true); l.width() <= width {
			return l
		}
	}
	// The width grows with lead: find the most leading terms that fit.
	lo, hi := 0, min(n, width/6+1) // terms(lo) is the candidate, terms(hi) is too wide
	if hi == n && s.terms(n, true).width() <= width {
		return s.terms(n, true)
	}
	// Without room for even the focused weight and the bias, the bias
	// hides in the trailing "…"; without room for that, Σ.
	bias := !(s.terms(0, true).width() > width && k >= 0)
	if s.terms(0, bias).width() > width {
		return s.equals(line{{text: "Σ w·" + xs + " + b", sgr: s.sgr}})
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if s.terms(mid, bias).width() <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	return s.terms(lo, bias)
}

// weightedSum holds the parts of z = Σ wᵢ·aᵢ + b for sumTerms.
type weightedSum struct {
	w, a []float64
	z    float64
	bs   string // the bias term: "b", or its value
	rec  string // a recurrent layer's W_h·h_{t−1} term ("" for a dense one)
	k    int    // the focused term, −1: the bias
	xs   string
	st   *themes.Styles
	done bool           // the sample has computed z: show numbers
	sgr  string         // the terms' style (dim until done)
	memo map[int]string // the terms tried so far, formatted
}

// term is "(wᵢ)·(aᵢ)", or "wᵢxᵢ" before the numbers are known.
func (s *weightedSum) term(i int) string {
	if t, ok := s.memo[i]; ok {
		return t
	}
	t := "w" + sub(i+1) + s.xs + sub(i+1)
	if s.done {
		t = paren(s.w[i]) + "·" + paren(at1(s.a, i))
	}
	s.memo[i] = t
	return t
}

// style is the focus style for the focused term, else the terms' style.
func (s *weightedSum) style(focused bool) string {
	if focused {
		return s.st.SGR.Focus
	}
	return s.sgr
}

// sums is "W·x + W_h·h + b" as three numbers (symbols before they are
// known), the recurrent one in the accent colour, then " = z".
func (s *weightedSum) sums(rv float64) line {
	var l line
	if !s.done {
		l.add("W·"+s.xs+" + ", s.sgr).add("W_h·h_{t−1}", s.st.SGR.Accent).add(" + b", s.sgr)
		return s.equals(l)
	}
	wx := 0.0
	for i, v := range s.w {
		wx += v * at1(s.a, i)
	}
	l.add(num(wx)+" + ", s.sgr).add(num(rv), s.st.SGR.Accent).add(" + "+s.bs, s.sgr)
	return s.equals(l)
}

// equals ends l with " = z" (" = ?" before z is known).
func (s *weightedSum) equals(l line) line {
	if s.done {
		return *l.add(" = ", s.sgr).add(num(s.z), s.st.SGR.Bold)
	}
	return *l.add(" = ?", s.st.SGR.Dim)
}

// terms shows the first lead terms and the focused one, "…" for the gaps,
// and the bias (unless !bias: then it hides in a trailing "…").
func (s *weightedSum) terms(lead int, bias bool) line {
	var l line
	sep := func() {
		if len(l) > 0 {
			l.add(" + ", s.sgr)
		}
	}
	gap := false
	for i := range s.w {
		if i >= lead && i != s.k {
			gap = true
			continue
		}
		if gap {
			sep()
			l.add("…", s.st.SGR.Dim)
			gap = false
		}
		sep()
		l.add(s.term(i), s.style(i == s.k))
	}
	if gap || !bias {
		sep()
		l.add("…", s.st.SGR.Dim)
	}
	if s.rec != "" {
		sep()
		l.add(s.rec, s.st.SGR.Accent)
	}
	if bias {
		sep()
		l.add(s.bs, s.style(s.k < 0))
	}
	return s.equals(l)
}

// deltaTerms renders δ for neuron j of Layers[li].
func deltaTerms(in Input, st *themes.Styles, li, j int, done bool) line {
	tr := tr0(in.Trace)
	layer := in.Net.Layers[li]
	z, a := at(tr.Z, li, j), at(tr.A, li+1, j)
	sp := derivative(layer.Act, z, a)
	var l line
	switch {
	case li == len(in.Net.Layers)-1 && tr.Seq != nil && !tr.HasTarget:
		l.add("δ (no target at this step) = ", st.SGR.Text)
	case li == len(in.Net.Layers)-1:
		l = outputDelta(in.Net.Cost, layer.Act, a, at1(tr.Y, j), sp, st, done)
	default:
		l = hiddenDelta(in, st, li, j, sp, done)
	}
	if done {
		l.add(num(at(tr.Delta, li, j)), st.SGR.Bold)
		return l
	}
	return l.dim(st.SGR.Dim).add2("?", st.SGR.Dim)
}

// outputDelta is the output layer's δ for its cost and activation, with
// its factors when done: "δ = (a − y)·σ'(z) = (a − y)·σ' = ".
func outputDelta(cost network.Cost, act network.Activation, a, y, sp float64, st *themes.Styles, done bool) line {
	var l line
	ce := cost == network.CrossEntropy
	switch {
	case ce && (act == network.Sigmoid || act == network.Softmax):
		l.add("δ = a − y = ", st.SGR.Text)
		if done {
			l.opt(2, num(a)+" − "+num(y)+" = ", st.SGR.Text, "")
		}
	case act == network.Softmax:
		l.add("δ = Jσᵀ(a − y) = ", st.SGR.Text)
	case ce:
		l.add("δ = (a − y)/(a(1 − a))·σ'(z) = ", st.SGR.Text)
	default:
		l.add("δ = (a − y)·σ'(z) = ", st.SGR.Text)
		if done && finite(sp) {
			l.opt(2, "("+num(a)+" − "+num(y)+")·"+num(sp)+" = ", st.SGR.Text, "")
		}
	}
	return l
}

// hiddenDelta is a hidden neuron's δ = (Σ w·δ′)·σ'(z), with the sum over
// the next layer (its weights before any update) when done.
func hiddenDelta(in Input, st *themes.Styles, li, j int, sp float64, done bool) line {
	var l line
	r, rec := recDelta(in, li, j) // a recurrent layer's W_hᵀδ_{t+1} (inspector_seq.go)
	if rec {
		l.add("δ = (Σ w·δ′ + ", st.SGR.Text).add("Σ W_h·δ_{t+1}", st.SGR.Accent).add(")·σ'(z) = ", st.SGR.Text)
	} else {
		l.add("δ = (Σ w·δ′)·σ'(z) = ", st.SGR.Text)
	}
	if !done || !finite(sp) {
		return l
	}
	tr := tr0(in.Trace)
	nx := in.Net.Layers[li+1]
	wn := nx.W
	ph := in.Pos.Phase
	if (ph == network.PhaseUpdate || ph == network.PhaseEpochEnd) && li+1 < len(tr.Last) && len(tr.Last[li+1].OldW) == len(wn) {
		wn = tr.Last[li+1].OldW
	}
	s := 0.0
	for q := 0; q < nx.Out; q++ {
		s += wn[q*nx.In+j] * at(tr.Delta, li+1, q)
	}
	if rec {
		return *l.opt(2, "("+num(s)+" + ", st.SGR.Text, "").opt(2, num(r), st.SGR.Accent, "").opt(2, ")·"+num(sp)+" = ", st.SGR.Text, "")
	}
	return *l.opt(2, paren(s)+"·"+num(sp)+" = ", st.SGR.Text, "")
}

// add2 is add for a value receiver.
func (l line) add2(text, sgr string) line { return append(l, seg{text: text, sgr: sgr}) }

// costEq is the cost's equation up to its value, for the cost named c:
// "C = ½‖y − a‖² = " (c is C_t for a sequence's step).
func costEq(net *network.Network, c string) string {
	if net.Cost != network.CrossEntropy {
		return c + " = ½‖y − a‖² = "
	}
	if last := net.Layers[len(net.Layers)-1]; last.Act == network.Softmax || last.Out > 1 {
		return c + " = −Σ y·ln a = "
	}
	return c + " = −[y ln a + (1−y) ln(1−a)] = "
}

// costLine: C for the current sample, and the batch's mean so far.
func costLine(in Input, st *themes.Styles) line {
	net, tr := in.Net, in.Trace
	l := eqMark(st, in.Pos.Phase == network.PhaseCost)
	eq := costEq(net, "C")
	if !in.costDone() {
		return *l.add(eq+"?", st.SGR.Dim)
	}
	// On a sequence the line is this step's C_t; the sample's C is the
	// sequence's sum, shown after it.
	c := tr.Cost
	if q := tr.Seq; q != nil && q.Time >= 0 && q.Time < len(q.Costs) {
		if !tr.HasTarget {
			l.add("C_t: none at this step", st.SGR.Dim)
			l.opt(1, "   sequence C = Σ_t C_t = "+num(tr.Cost), st.SGR.Dim, "")
			return batchMean(l, tr, st)
		}
		eq, c = costEq(net, "C_t"), q.Costs[q.Time]
	}
	l.add(eq, st.SGR.Text)
	if net.Cost == network.Quadratic && len(tr.Y) == 1 && len(tr.A) > 0 {
		a := at(tr.A, len(tr.A)-1, 0)
		l.opt(2, "½("+num(tr.Y[0])+" − "+num(a)+")² = ", st.SGR.Text, "")
	}
	l.add(num(c), st.SGR.Bold)
	if tr.Seq != nil {
		l.opt(1, "   sequence C = "+num(tr.Cost), st.SGR.Dim, "")
	}
	return batchMean(l, tr, st)
}

// batchMean ends the cost line with the batch's mean cost so far.
func batchMean(l line, tr *network.Trace, st *themes.Styles) line {
	if tr.Count > 0 {
		l.opt(1, fmt.Sprintf("   batch mean %s", num(tr.Loss/float64(tr.Count))), st.SGR.Dim, "")
	}
	return l
}

// paramNames are the symbols of parameter k and its gradient: "w₂",
// "∂C/∂w₂" (k < 0: "b", "∂C/∂b").
func paramNames(k int) (ws, gs string) {
	if k < 0 {
		return "b", "∂C/∂b"
	}
	return "w" + sub(k+1), "∂C/∂w" + sub(k+1)
}

// updateRule is the optimizer's rule after "w ← ".
func updateRule(opt network.Optimizer, ws, gs string) string {
	switch opt {
	case network.Momentum:
		return fmt.Sprintf("%s + v, v ← μv − (η/m)·Σ%s", ws, gs)
	case network.Adam:
		return fmt.Sprintf("%s − η·m̂/(√v̂ + ε)", ws)
	}
	return fmt.Sprintf("%s − (η/m)·Σ%s", ws, gs)
}

// regTerm is the regularisation's part of a weight's update (none for a
// bias, k < 0): " − (ηλ/n)·w" for L2, " − (ηλ/n)·sgn w" for L1.
func regTerm(h network.Hyper, ws string, k int) string {
	s := ""
	if k < 0 {
		return s
	}
	if h.L2 > 0 {
		s += " − (ηλ/n)·" + ws
	}
	if h.L1 > 0 {
		s += " − (ηλ/n)·sgn " + ws
	}
	return s
}

// hyperNote lists the hyperparameters of an update: "  η=0.5 m=4 μ=0.9";
// m is the samples the update averaged (the last batch of an epoch may be
// short) when known, else the batch size.
func hyperNote(h network.Hyper, m int) string {
	if m <= 0 {
		m = max(h.Batch, 1)
	}
	s := fmt.Sprintf("  η=%s m=%d", numfmt.G(h.Eta, 4), m)
	if h.Opt == network.Momentum {
		s += " μ=" + numfmt.G(h.Mu, 4)
	}
	if h.L2 > 0 {
		s += " L2 λ=" + numfmt.G(h.L2, 4)
	}
	if h.L1 > 0 {
		s += " L1 λ=" + numfmt.G(h.L1, 4)
	}
	return s
}

// oldNew is parameter k of neuron j (k < 0: its bias) before and after the
// update u of a layer with in inputs.
func oldNew(u network.Update, in, j, k int) (old, nw float64) {
	if k < 0 {
		return at1(u.OldB, j), at1(u.NewB, j)
	}
	return at1(u.OldW, j*in+k), at1(u.NewW, j*in+k)
}

// updateLine: the last update of the focused weight (old → new).
func updateLine(in Input, st *themes.Styles, li, j, k int) line {
	tr := in.Trace
	l := eqMark(st, in.Pos.Phase == network.PhaseUpdate)
	ws, gs := paramNames(k)
	// The rule after "w ← " (dropped to "…" when the line is tight).
	rule := updateRule(in.Hyper.Opt, ws, gs) + regTerm(in.Hyper, ws, k)
	if tr == nil || li >= len(tr.Last) {
		l.add(ws+" ← ", st.SGR.Dim).opt(2, rule, st.SGR.Dim, "…")
		return *l.add(": after the mini-batch", st.SGR.Dim)
	}
	old, nw := oldNew(tr.Last[li], in.Net.Layers[li].In, j, k)
	sgr := st.SGR.Text
	if in.Pos.Phase != network.PhaseUpdate {
		sgr = st.SGR.Dim // an earlier batch's update
	}
	l.add(ws+" ← ", sgr).opt(2, rule, sgr, "…").add(": ", sgr)
	l.add(num(old), st.SGR.Text).add(" → ", st.SGR.Accent).add(num(nw), st.SGR.Bold)
	m := 0 // the update just applied averaged the batch's Count samples
	if in.Pos.Phase == network.PhaseUpdate || in.Pos.Phase == network.PhaseEpochEnd {
		m = tr.Count
	} else if n := in.trainSize(); n > 0 {
		// an earlier batch's: a whole batch, of at most the training set,
		// or in an epoch's first batch the last one's, which may be short
		m = min(in.batchM(), n)
		if in.Pos.Batch == 0 {
			m = n - (n-1)/m*m // after the ⌈n/m⌉−1 whole batches
		}
	}
	return *l.opt(1, hyperNote(in.Hyper, m), st.SGR.Dim, "")
}

// perceptronLine: w ← w + η(y − ŷ)x with numbers.
func perceptronLine(in Input, st *themes.Styles, li, j, k int, xs string) line {
	tr := tr0(in.Trace)
	l := eqMark(st, in.Pos.Phase == network.PhaseUpdate)
	ws, xk := "b", "1"
	x := 1.0
	if k >= 0 {
		ws = "w" + sub(k+1)
		xk = xs + sub(k+1)
		x = at(tr.A, li, k)
	}
	l.add(fmt.Sprintf("%s ← %s + η(y − ŷ)%s", ws, ws, xk), st.SGR.Text)
	if in.Trace == nil || in.Pos.Phase < network.PhaseForward || len(tr.Err) <= j {
		return l.dim(st.SGR.Dim).add2(" = ?", st.SGR.Dim)
	}
	old, nw := perceptronOldNew(in, li, j, k, x)
	yv, yh := at1(tr.Y, j), at1(tr.YHat, j)
	l.opt(2, fmt.Sprintf(" = %s + %s·(%s − %s)·%s", num(old), num(in.Hyper.Eta), num(yv), num(yh), paren(x)), st.SGR.Text, ": "+num(old))
	l.add(" → ", st.SGR.Accent).add(num(nw), st.SGR.Bold)
	if at1(tr.Err, j) == 0 {
		l.opt(1, "  (right: no change)", st.SGR.OK, "")
	}
	return l
}

// perceptronOldNew is the focused parameter before and after the rule:
// before the update, what the rule will give; after it, the engine's value.
func perceptronOldNew(in Input, li, j, k int, x float64) (old, nw float64) {
	tr := in.Trace
	layer := in.Net.Layers[li]
	if in.Pos.Phase >= network.PhaseUpdate && li < len(tr.Last) {
		return oldNew(tr.Last[li], layer.In, j, k)
	}
	old = at1(layer.W, j*layer.In+k)
	if k < 0 {
		old = at1(layer.B, j)
	}
	return old, old + in.Hyper.Eta*at1(tr.Err, j)*x
}

// vec formats up to n values of v as (a, b, …).
func vec(v []float64, n int) string {
	var b strings.Builder
	b.WriteString("(")
	for i, x := range v {
		if i == n && len(v) > n+1 {
			fmt.Fprintf(&b, ", … %d more", len(v)-n)
			break
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(num2(x))
	}
	b.WriteString(")")
	return b.String()
}

// pct formats a fraction as a percentage ("—" for NaN).
func pct(v float64) string {
	if !finite(v) {
		return "—"
	}
	return numfmt.F(100*v, 1) + "%"
}
