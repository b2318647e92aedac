package panes

import (
	"fmt"
	"strings"

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
	ls = append(ls, inspectorEquations(in, st)...)
	c.drawLines(0, 0, ls)
	return c.String()
}

// inspectorHeader: the focused neuron, then "done: … next: …" (or the
// divergence / convergence status).
func inspectorHeader(in Input, st *themes.Styles) []line {
	net := in.Net
	L := len(net.Layers)
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
		title.add(" · "+role+" · "+actName(net.Layers[f.Layer-1].Act), st.SGR.Dim)
		if in.Hyper.Rule == network.Perceptron {
			title.add(" · perceptron rule", st.SGR.Dim)
		}
	}
	var status line
	switch {
	case in.Status == network.Diverged:
		status.add("diverged", st.SGR.Error)
		if d := in.Div; d != nil {
			where := "the cost"
			if d.Layer >= 0 {
				where = fmt.Sprintf("L%d", d.Layer+1)
			}
			what := d.What
			if what == "" {
				what = "values"
			}
			if d.Detail != "" {
				status.add(" in "+where+": "+d.Detail, st.SGR.Error)
			} else {
				status.add(fmt.Sprintf(": NaN/Inf in %s of %s at %s", what, where, stepLabel(d.Pos)), st.SGR.Error)
			}
		}
		status.add(" — undo, or lower η", st.SGR.Dim)
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
	return []line{title, status}
}

// inspectorEquations are the equation lines for the focused neuron.
func inspectorEquations(in Input, st *themes.Styles) []line {
	net, tr := in.Net, in.Trace
	L := len(net.Layers)
	f := in.Focus
	ph := in.Pos.Phase
	mark := func(on bool) line {
		if on {
			return line{{text: "▸ ", sgr: st.SGR.Phase}}
		}
		return line{{text: "  "}}
	}
	pend := func(l line) line { return l.dim(st.SGR.Dim) }

	var ls []line
	// The sample.
	{
		l := mark(ph == network.PhaseLoad)
		if tr != nil && in.inputDone() {
			l.add("x = ", st.SGR.Text).add(vec(tr.X, 4), st.SGR.Text)
			l.add("  y = ", st.SGR.Text).add(vec(tr.Y, 3), st.SGR.Text)
			ls = append(ls, l)
		} else {
			ls = append(ls, pend(*l.add("x = ?  y = ?", "")))
		}
	}
	if f.Layer <= 0 || f.Layer > L {
		var l line
		if f.Layer == 0 && tr != nil && in.inputDone() && f.Neuron >= 0 && f.Neuron < len(tr.X) {
			l.add(fmt.Sprintf("  a⁰ = x%s = ", sub(f.Neuron+1)), st.SGR.Text).add(num(tr.X[f.Neuron]), st.SGR.Bold)
			ls = append(ls, l)
			l = nil
		}
		l.add("  inputs have no weights: focus a neuron in L1…L"+fmt.Sprint(L), st.SGR.Dim)
		ls = append(ls, l)
		return append(ls, costLine(in, st, mark))
	}
	li := f.Layer - 1
	layer := net.Layers[li]
	j := clamp(f.Neuron, 0, max(layer.Out-1, 0))
	k := f.Weight
	if k >= layer.In {
		k = layer.In - 1
	}
	xs := "a"
	if li == 0 {
		xs = "x"
	}
	fwd := in.forwardDone(li, j)
	var prev []float64
	if tr != nil && li < len(tr.A) {
		prev = tr.A[li]
	}
	row := layer.W[j*layer.In : (j+1)*layer.In]
	// After an update the weights differ from the ones this sample used.
	if (ph == network.PhaseUpdate || ph == network.PhaseEpochEnd) && tr != nil && li < len(tr.Last) &&
		len(tr.Last[li].OldW) == len(layer.W) {
		row = tr.Last[li].OldW[j*layer.In : (j+1)*layer.In]
	}
	bias := at1(layer.B, j)
	if (ph == network.PhaseUpdate || ph == network.PhaseEpochEnd) && tr != nil && li < len(tr.Last) {
		bias = at1(tr.Last[li].OldB, j)
	}

	// z = Σ w·a + b.
	fwdMark := ph == network.PhaseForward && in.Pos.Layer == li && in.Pos.Neuron == j
	{
		l := mark(fwdMark)
		l.add("z = ", st.SGR.Text)
		l = append(l, sumTerms(in.W-l.width(), row, prev, bias, at(tr0(tr).Z, li, j), k, xs, st, fwd)...)
		ls = append(ls, l)
	}
	// a = σ(z).
	{
		l := mark(fwdMark)
		name := actName(layer.Act)
		if fwd {
			z, a := at(tr.Z, li, j), at(tr.A, li+1, j)
			switch layer.Act {
			case network.Softmax:
				l.add(fmt.Sprintf("a = e^z%s / Σ e^z = ", sub(j+1)), st.SGR.Text)
			case network.Step:
				l.add("a = step(z) = ", st.SGR.Text).opt(2, fmt.Sprintf("[%s > 0] = ", num(z)), st.SGR.Text, "")
			default:
				l.add(fmt.Sprintf("a = %s(z) = ", name), st.SGR.Text).opt(2, fmt.Sprintf("%s(%s) = ", name, num(z)), st.SGR.Text, "")
			}
			l.add(num(a), st.SGR.Bold)
			ls = append(ls, l)
		} else {
			ls = append(ls, pend(*l.add("a = "+name+"(z) = ?", "")))
		}
	}
	if in.Hyper.Rule == network.Perceptron {
		return append(ls, perceptronLine(in, st, mark, li, j, k, xs))
	}
	ls = append(ls, costLine(in, st, mark))

	// δ.
	{
		done := in.deltaDone(li, j)
		l := mark(done && (ph == network.PhaseOutputDelta && li == L-1 ||
			ph == network.PhaseBackward && in.Pos.Layer == li && in.Pos.Neuron == j))
		l = append(l, deltaTerms(in, st, li, j, done)...)
		ls = append(ls, l)
	}
	// ∂C/∂w or ∂C/∂b, this sample and the batch sum.
	{
		done := in.deltaDone(li, j)
		l := mark(done && ph == network.PhaseAccumulate)
		d := at(tr0(tr).Delta, li, j)
		if k < 0 {
			l.add("∂C/∂b = δ = ", st.SGR.Text)
			if done {
				l.add(num(d), st.SGR.Bold)
			} else {
				l = pend(*l.add("?", ""))
			}
		} else {
			ks := sub(k + 1)
			l.add(fmt.Sprintf("∂C/∂w%s = δ·%s%s = ", ks, xs, ks), st.SGR.Text)
			if done {
				ak := at1(prev, k)
				l.opt(2, paren(d)+"·"+paren(ak)+" = ", st.SGR.Text, "").add(num(d*ak), st.SGR.Bold)
			} else {
				l = pend(*l.add("?", ""))
			}
		}
		if tr != nil && tr.Count > 0 && ph >= network.PhaseLoad && ph <= network.PhaseAccumulate {
			var g float64
			if k < 0 {
				g = at(tr.GradB, li, j)
			} else {
				g = at(tr.GradW, li, j*layer.In+k)
			}
			l.opt(1, fmt.Sprintf("   batch Σ = %s (%d)", num(g), tr.Count), st.SGR.Dim, "")
		}
		ls = append(ls, l)
	}
	ls = append(ls, updateLine(in, st, mark, li, j, k))
	if ph == network.PhaseEpochEnd && len(in.History) > 0 {
		h := in.History[len(in.History)-1]
		l := mark(true)
		l.add(fmt.Sprintf("epoch %d: loss %s, accuracy %s", h.Epoch, num(h.TrainLoss), pct(h.TrainAcc)), st.SGR.Text)
		if finite(h.TestLoss) {
			l.add(fmt.Sprintf(" · test %s, %s", num(h.TestLoss), pct(h.TestAcc)), st.SGR.Dim)
		}
		ls = append(ls, l)
	}
	return ls
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
	n := len(w)
	sgr := st.SGR.Text
	if !done {
		sgr = st.SGR.Dim
	}
	memo := make(map[int]string) // only the terms that are tried get formatted
	term := func(i int) string {
		if t, ok := memo[i]; ok {
			return t
		}
		t := "w" + sub(i+1) + xs + sub(i+1)
		if done {
			t = paren(w[i]) + "·" + paren(at1(a, i))
		}
		memo[i] = t
		return t
	}
	bs := "b"
	if done {
		bs = paren(b)
	}
	end := func(l line) line {
		if done {
			return *l.add(" = ", sgr).add(num(z), st.SGR.Bold)
		}
		return *l.add(" = ?", st.SGR.Dim)
	}
	// build shows the first lead terms and the focused one (and the bias,
	// unless !bias: then it hides in the trailing "…").
	bias := true
	build := func(lead int) line {
		var l line
		sep := func() {
			if len(l) > 0 {
				l.add(" + ", sgr)
			}
		}
		gap := false
		for i := 0; i < n; i++ {
			if i >= lead && i != k {
				gap = true
				continue
			}
			if gap {
				sep()
				l.add("…", st.SGR.Dim)
				gap = false
			}
			sep()
			if i == k {
				l.add(term(i), st.SGR.Focus)
			} else {
				l.add(term(i), sgr)
			}
		}
		if gap || !bias {
			sep()
			l.add("…", st.SGR.Dim)
		}
		if !bias {
			return end(l)
		}
		sep()
		if k < 0 {
			l.add(bs, st.SGR.Focus)
		} else {
			l.add(bs, sgr)
		}
		return end(l)
	}
	// Every term takes at least 3 cells ("wᵢ·aᵢ" or numbers, plus " + "):
	// skip trying all of them when they cannot fit.
	if 6*n <= width {
		if l := build(n); l.width() <= width {
			return l
		}
	}
	// The width grows with lead: find the most leading terms that fit.
	lo, hi := 0, min(n, width/6+1) // build(lo) is the candidate, build(hi) is too wide
	if hi == n && build(n).width() <= width {
		return build(n)
	}
	if build(0).width() > width && k >= 0 {
		bias = false
	}
	if build(0).width() > width {
		var l line
		l.add("Σ w·"+xs+" + b", sgr)
		return end(l)
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		if build(mid).width() <= width {
			lo = mid
		} else {
			hi = mid
		}
	}
	return build(lo)
}

// deltaTerms renders δ for neuron j of Layers[li].
func deltaTerms(in Input, st *themes.Styles, li, j int, done bool) line {
	net, tr := in.Net, tr0(in.Trace)
	L := len(net.Layers)
	layer := net.Layers[li]
	var l line
	z, a := at(tr.Z, li, j), at(tr.A, li+1, j)
	d := at(tr.Delta, li, j)
	sp := derivative(layer.Act, z, a)
	if li == L-1 {
		y := at1(tr.Y, j)
		ce := net.Cost == network.CrossEntropy
		switch {
		case ce && (layer.Act == network.Sigmoid || layer.Act == network.Softmax):
			l.add("δ = a − y = ", st.SGR.Text)
			if done {
				l.opt(2, num(a)+" − "+num(y)+" = ", st.SGR.Text, "")
			}
		case layer.Act == network.Softmax:
			l.add("δ = Jσᵀ(a − y) = ", st.SGR.Text)
		case ce:
			l.add("δ = (a − y)/(a(1 − a))·σ'(z) = ", st.SGR.Text)
		default:
			l.add("δ = (a − y)·σ'(z) = ", st.SGR.Text)
			if done && finite(sp) {
				l.opt(2, "("+num(a)+" − "+num(y)+")·"+num(sp)+" = ", st.SGR.Text, "")
			}
		}
	} else {
		nx := net.Layers[li+1]
		wn := nx.W
		ph := in.Pos.Phase
		if (ph == network.PhaseUpdate || ph == network.PhaseEpochEnd) && li+1 < len(tr.Last) && len(tr.Last[li+1].OldW) == len(wn) {
			wn = tr.Last[li+1].OldW
		}
		l.add("δ = (Σ w·δ′)·σ'(z) = ", st.SGR.Text)
		if done && finite(sp) {
			s := 0.0
			for q := 0; q < nx.Out; q++ {
				s += wn[q*nx.In+j] * at(tr.Delta, li+1, q)
			}
			l.opt(2, paren(s)+"·"+num(sp)+" = ", st.SGR.Text, "")
		}
	}
	if done {
		l.add(num(d), st.SGR.Bold)
		return l
	}
	return l.dim(st.SGR.Dim).add2("?", st.SGR.Dim)
}

// add2 is add for a value receiver.
func (l line) add2(text, sgr string) line { return append(l, seg{text: text, sgr: sgr}) }

// costLine: C for the current sample.
func costLine(in Input, st *themes.Styles, mark func(bool) line) line {
	net, tr := in.Net, in.Trace
	l := mark(in.Pos.Phase == network.PhaseCost)
	last := net.Layers[len(net.Layers)-1]
	eq := "C = ½‖y − a‖² = "
	if net.Cost == network.CrossEntropy {
		if last.Act == network.Softmax || last.Out > 1 {
			eq = "C = −Σ y·ln a = "
		} else {
			eq = "C = −[y ln a + (1−y) ln(1−a)] = "
		}
	}
	if !in.costDone() {
		return *l.add(eq+"?", st.SGR.Dim)
	}
	l.add(eq, st.SGR.Text)
	if net.Cost == network.Quadratic && len(tr.Y) == 1 && len(tr.A) > 0 {
		a := at(tr.A, len(tr.A)-1, 0)
		l.opt(2, "½("+num(tr.Y[0])+" − "+num(a)+")² = ", st.SGR.Text, "")
	}
	l.add(num(tr.Cost), st.SGR.Bold)
	if tr.Count > 0 {
		l.opt(1, fmt.Sprintf("   batch mean %s", num(tr.Loss/float64(tr.Count))), st.SGR.Dim, "")
	}
	return l
}

// updateLine: the last update of the focused weight (old → new).
func updateLine(in Input, st *themes.Styles, mark func(bool) line, li, j, k int) line {
	tr := in.Trace
	h := in.Hyper
	layer := in.Net.Layers[li]
	l := mark(in.Pos.Phase == network.PhaseUpdate)
	ws, gs := "w", "∂C/∂w"
	if k < 0 {
		ws, gs = "b", "∂C/∂b"
	} else {
		ws += sub(k + 1)
		gs += sub(k + 1)
	}
	// The rule after "w ← " (dropped to "…" when the line is tight).
	var rule string
	switch h.Opt {
	case network.Momentum:
		rule = fmt.Sprintf("%s + v, v ← μv − (η/m)·Σ%s", ws, gs)
	case network.Adam:
		rule = fmt.Sprintf("%s − η·m̂/(√v̂ + ε)", ws)
	default:
		rule = fmt.Sprintf("%s − (η/m)·Σ%s", ws, gs)
	}
	if tr == nil || li >= len(tr.Last) {
		l.add(ws+" ← ", st.SGR.Dim).opt(2, rule, st.SGR.Dim, "…")
		return *l.add(": after the mini-batch", st.SGR.Dim)
	}
	u := tr.Last[li]
	var old, nw float64
	if k < 0 {
		old, nw = at1(u.OldB, j), at1(u.NewB, j)
	} else {
		old, nw = at1(u.OldW, j*layer.In+k), at1(u.NewW, j*layer.In+k)
	}
	sgr := st.SGR.Text
	if in.Pos.Phase != network.PhaseUpdate {
		sgr = st.SGR.Dim // an earlier batch's update
	}
	l.add(ws+" ← ", sgr).opt(2, rule, sgr, "…").add(": ", sgr)
	l.add(num(old), st.SGR.Text).add(" → ", st.SGR.Accent).add(num(nw), st.SGR.Bold)
	extra := fmt.Sprintf("  η=%s m=%d", num(h.Eta), max(h.Batch, 1))
	if h.Opt == network.Momentum {
		extra += " μ=" + num(h.Mu)
	}
	if h.L2 > 0 {
		extra += " L2 λ=" + num(h.L2)
	}
	if h.L1 > 0 {
		extra += " L1 λ=" + num(h.L1)
	}
	l.opt(1, extra, st.SGR.Dim, "")
	return l
}

// perceptronLine: w ← w + η(y − ŷ)x with numbers.
func perceptronLine(in Input, st *themes.Styles, mark func(bool) line, li, j, k int, xs string) line {
	tr := tr0(in.Trace)
	layer := in.Net.Layers[li]
	l := mark(in.Pos.Phase == network.PhaseUpdate)
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
	yv, yh := at1(tr.Y, j), at1(tr.YHat, j)
	old := at1(layer.W, j*layer.In+k)
	if k < 0 {
		old = at1(layer.B, j)
	}
	if in.Pos.Phase >= network.PhaseUpdate && li < len(tr.Last) {
		if k < 0 {
			old = at1(tr.Last[li].OldB, j)
		} else {
			old = at1(tr.Last[li].OldW, j*layer.In+k)
		}
	}
	// Before the update, show what the rule will give; after it, the engine's value.
	nw := old + in.Hyper.Eta*at1(tr.Err, j)*x
	if in.Pos.Phase >= network.PhaseUpdate && li < len(tr.Last) {
		if k < 0 {
			nw = at1(tr.Last[li].NewB, j)
		} else {
			nw = at1(tr.Last[li].NewW, j*layer.In+k)
		}
	}
	l.opt(2, fmt.Sprintf(" = %s + %s·(%s − %s)·%s", num(old), num(in.Hyper.Eta), num(yv), num(yh), paren(x)), st.SGR.Text, ": "+num(old))
	l.add(" → ", st.SGR.Accent).add(num(nw), st.SGR.Bold)
	if at1(tr.Err, j) == 0 {
		l.opt(1, "  (right: no change)", st.SGR.OK, "")
	}
	return l
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
	return fmt.Sprintf("%.1f%%", 100*v)
}
