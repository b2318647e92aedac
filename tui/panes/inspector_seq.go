package panes

import (
	"fmt"

	"backprop/network"
	"backprop/themes"
)

// recurrentLines are the Inspector's equations through time for the focused
// neuron j of a hidden layer l on a sequence set, at the cursor's step t,
// with the live numbers (sums of the trace's values):
//
//	h_t = σ(W·x_t + W_h·h_{t−1} + b)        (W_h only for a recurrent layer)
//	δ_t = (W^{l+1}ᵀ δ^{l+1}_t + W_hᵀ δ_{t+1}) ⊙ σ'(z_t)
func recurrentLines(in Input, st *themes.Styles) []line {
	tr := in.Trace
	if tr == nil || tr.Seq == nil || in.Net == nil {
		return nil
	}
	q := tr.Seq
	l, j, t := in.Focus.Layer-1, in.Focus.Neuron, q.Time // Focus.Layer 0 is the inputs
	L := len(in.Net.Layers)
	if l < 0 || l >= L-1 || j < 0 || j >= in.Net.Layers[l].Out {
		var ln line
		ln.add(fmt.Sprintf("time step t = %d of %d", t+1, q.T), st.SGR.Title)
		return []line{ln}
	}
	layer, next := in.Net.Layers[l], in.Net.Layers[l+1]
	fwd, back := seqReached(in.Pos, q)
	var head, hl, dl line
	kind := "dense, at every step"
	if layer.Recurrent() {
		kind = "recurrent"
	}
	head.add(fmt.Sprintf("t = %d of %d", t+1, q.T), st.SGR.Title)
	head.add(fmt.Sprintf(" · L%d n%d %s", l+1, j+1, kind), st.SGR.Dim)
	out := []line{head}
	if layerFwd(in.Pos, q, l, fwd)(t) {
		wx := dotRow(layer.W[j*layer.In:(j+1)*layer.In], q.A[l][t])
		wh := 0.0
		if layer.Recurrent() && t > 0 {
			wh = dotRow(layer.WH[j*layer.Out:(j+1)*layer.Out], q.A[l+1][t-1])
		}
		act := layer.Act.String()
		hl.add("h_t = ", st.SGR.Text)
		hl.opt(1, act+"(W·x_t", st.SGR.Text, "")
		if layer.Recurrent() {
			hl.opt(1, " + W_h·h_{t−1}", st.SGR.Accent, "")
		}
		hl.opt(1, " + b) = ", st.SGR.Text, "")
		hl.add(act+"("+num(wx), st.SGR.Text)
		if layer.Recurrent() {
			hl.add(" + "+num(wh), st.SGR.Accent)
		}
		hl.add(" + "+num(layer.B[j])+") = "+num(q.A[l+1][t][j]), st.SGR.Text)
		out = append(out, hl)
	}
	if back(t) {
		up := 0.0
		for i, d := range q.Delta[l+1][t] {
			up += next.W[i*next.In+j] * d
		}
		dl.add("δ_t = ", st.SGR.Text)
		dl.opt(1, "(Wᵀδ^{L"+fmt.Sprint(l+2)+"}_t", st.SGR.Text, "")
		if layer.Recurrent() {
			dl.opt(1, " + W_hᵀδ_{t+1}", st.SGR.Accent, "")
		}
		dl.opt(1, ")·σ' = ", st.SGR.Text, "")
		dl.add("("+num(up), st.SGR.Text)
		if layer.Recurrent() {
			rec, _ := recDelta(in, l, j)
			dl.add(" + "+num(rec), st.SGR.Accent)
		}
		d := q.Delta[l][t][j]
		dl.add(")·"+num(safeDiv(d, q.DH[l][t][j]))+" = "+num(d), st.SGR.Text)
		out = append(out, dl)
		if layer.Recurrent() && !q.Flows[t] && t+1 < q.T {
			var cut line
			cut.add("  (--bptt cuts the flow from t+1 here)", st.SGR.Dim)
			out = append(out, cut)
		}
	}
	return out
}

func dotRow(w, x []float64) float64 {
	s := 0.0
	for k, v := range w {
		s += v * x[k]
	}
	return s
}

// safeDiv is a/b, or 0 when b is 0 (σ' shown as the ratio δ/g).
func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// recTerm is the recurrent term of the focused neuron's z for the z line
// and its value W_h·h_{t−1}: "W_h·h_{t−1}" before the numbers,
// "W_h·h=(0.123)" after them, with W_h as the step used it (before an
// update); "" for a dense layer or off a sequence set.
func recTerm(in Input, n neuronEq) (string, float64) {
	tr := in.Trace
	if !n.layer.Recurrent() || tr == nil || tr.Seq == nil {
		return "", 0
	}
	if !n.fwd {
		return "W_h·h_{t−1}", 0
	}
	q, out := tr.Seq, n.layer.Out
	t := q.Time
	if t == 0 {
		return "W_h·h=0", 0
	}
	wh := n.layer.WH
	ph := in.Pos.Phase
	if (ph == network.PhaseUpdate || ph == network.PhaseEpochEnd) && n.li < len(tr.Last) && len(tr.Last[n.li].OldWH) == len(wh) {
		wh = tr.Last[n.li].OldWH
	}
	v := dotRow(wh[n.j*out:(n.j+1)*out], q.A[n.li+1][t-1])
	return "W_h·h=" + paren(v), v
}

// recDelta is Σ_i W_h[i][j]·δ_{t+1,i}, the error neuron j of recurrent
// layer li gets back from the next step (0 where --bptt cuts it), and
// whether the layer has that term here.
func recDelta(in Input, li, j int) (float64, bool) {
	tr := in.Trace
	layer := in.Net.Layers[li]
	if tr == nil || tr.Seq == nil || !layer.Recurrent() {
		return 0, false
	}
	q, t := tr.Seq, tr.Seq.Time
	if t >= len(q.Flows) || !q.Flows[t] || t+1 >= len(q.Delta[li]) {
		return 0, true
	}
	wh := layer.WH
	ph := in.Pos.Phase
	if (ph == network.PhaseUpdate || ph == network.PhaseEpochEnd) && li < len(tr.Last) && len(tr.Last[li].OldWH) == len(wh) {
		wh = tr.Last[li].OldWH
	}
	r := 0.0
	for i, d := range q.Delta[li][t+1] {
		r += wh[i*layer.Out+j] * d
	}
	return r, true
}

// Num is how the panes print a number (num), for tests that look for one.
func Num(v float64) string { return num(v) }
