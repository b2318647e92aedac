package panes

import (
	"fmt"
	"math"
	"slices"
	"strconv"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// Sample shows the current sample: where it is (epoch, mini-batch, index),
// its inputs by feature name (a summary for images), target against
// prediction (class names, ✓/✗), its cost and the batch's mean so far, and
// below a confusion matrix of the test set (train when there is none):
// rows are the actual class, columns the predicted one, the diagonal is
// right. The matrix is cached and refreshed while stepping by hand, or once
// an epoch while running.
func Sample(in Input) string {
	if s, ok := unready(in); !ok {
		return s
	}
	st := in.styles()
	c := in.canvas()
	ls := sampleLines(in, st)
	y := c.drawLines(0, 0, layLines(ls, in.W, sampleRowsFor(in, ls), 2))
	if y+2 < in.H {
		confusion(in, st, c, y+1, len(in.Net.Layers))
	}
	return c.String()
}

// sampleRowsFor is the rows the lines ls may take above the confusion
// matrix. In order of preference: the lines whole and the matrix; the lines
// without their optional parts and the matrix; the lines whole over the
// matrix's list of mistakes; without their optional parts over it; else
// what leaves the mistakes their rows (one row per line at least).
func sampleRowsFor(in Input, ls []line) int {
	conf := confusionRows(in)
	if conf == 0 {
		return in.H
	}
	const mistakes = 4 // a blank line, the title and two rows of mistakes
	whole := len(wrapLines(ls, in.W, 2, false))
	fitted := len(wrapLines(ls, in.W, 2, true))
	for _, try := range [][2]int{{whole, conf}, {fitted, conf}, {whole, mistakes}, {fitted, mistakes}} {
		if try[0]+try[1] <= in.H {
			return try[0]
		}
	}
	return max(len(ls), in.H-mistakes)
}

// SampleRows is the rows the Sample pane has something to show in, at
// width in.W: its lines wrapped, and the confusion matrix under them.
func SampleRows(in Input) int {
	if _, ok := unready(in); !ok {
		return 0
	}
	n := len(layLines(sampleLines(in, in.styles()), in.W, 1<<20, 2))
	if r := confusionRows(in); r > 0 {
		n += r + 1 // the matrix's title may take two rows
	}
	return n
}

// sampleLines: where the sample is, its inputs, target and prediction, and
// its cost.
func sampleLines(in Input, st *themes.Styles) []line {
	tr := in.Trace
	ls := []line{positionLine(in, st)}
	if len(in.Batch) > 0 && in.Probe == "" {
		ls = append(ls, batchLine(in, st))
	}
	if tr == nil || !in.inputDone() {
		return append(ls, line{{text: "no sample loaded yet", sgr: st.SGR.Dim}})
	}
	ls = append(ls, inputLines(in, st, in.W)...)
	ls = append(ls, predictionLine(in, st))
	if in.costDone() {
		var l line
		l.add("cost ", st.SGR.Dim).add(num(tr.Cost), st.SGR.Bold)
		if tr.Count > 0 {
			l.opt(1, fmt.Sprintf(" · batch mean %s over %d", num(tr.Loss/float64(tr.Count)), tr.Count), st.SGR.Dim, "")
		}
		ls = append(ls, l)
	}
	return ls
}

// positionLine: "epoch 1 · batch 3/4 · sample 1/1" (or the probe).
func positionLine(in Input, st *themes.Styles) line {
	var l line
	if in.Probe != "" {
		return *l.add("probe ", st.SGR.Dim).add(in.Probe, st.SGR.Accent)
	}
	m := in.batchM()
	// The epoch in progress, 1-based like History; at EpochEnd the one
	// that just ended.
	ep := in.Pos.Epoch + 1
	if in.Pos.Phase == network.PhaseEpochEnd {
		ep = in.Pos.Epoch
	}
	l.add(fmt.Sprintf("epoch %d", ep), st.SGR.Title)
	l.add(fmt.Sprintf(" · batch %d", in.Pos.Batch+1), st.SGR.Text)
	if in.Batches > 0 {
		l.add(fmt.Sprintf("/%d", in.Batches), st.SGR.Dim)
	} else if n := in.trainSize(); n > 0 {
		l.add(fmt.Sprintf("/%d", (n+m-1)/m), st.SGR.Dim)
	}
	if len(in.Batch) > 0 {
		m = len(in.Batch) // the batch's real size (the last one is cut; m may have changed)
	}
	l.add(fmt.Sprintf(" · sample %d/%d", in.Pos.Sample+1, m), st.SGR.Text)
	if tr := in.Trace; tr != nil && tr.Seq != nil && tr.Seq.T > 0 {
		l.add(fmt.Sprintf(" · t %d/%d", tr.Seq.Time+1, tr.Seq.T), st.SGR.Text)
	}
	if len(in.Batch) == 0 { // else the batch line lists the indices
		l.add(fmt.Sprintf(" · #%d", in.Pos.Index), st.SGR.Dim)
	}
	return l
}

// confusionRows is the rows the confusion matrix takes under the lines: a
// blank line, its title, the predicted classes and a row per class (0 for
// regression).
func confusionRows(in Input) int {
	if in.Data == nil || in.Data.Kind != datasets.Classification {
		return 0
	}
	return max(layerSize(in.Net, len(in.Net.Layers)), 2) + 3
}

// batchLine lists the mini-batch's sample indices: done ones plain, the
// current one highlighted, the rest dim; "… +3" says how many more do not
// fit.
func batchLine(in Input, st *themes.Styles) line {
	var l line
	l.add("batch", st.SGR.Dim)
	cur := in.Pos.Sample
	if !in.inputDone() {
		cur = -1
	}
	for i, idx := range in.Batch {
		item := " #" + strconv.Itoa(idx)
		more := fmt.Sprintf(" … +%d", len(in.Batch)-i)
		if i < len(in.Batch)-1 && l.width()+len(item)+len(more) > in.W {
			l.add(more, st.SGR.Dim) // how many more, rather than a cut
			break
		}
		sgr := st.SGR.Dim
		switch {
		case i == cur:
			sgr = st.SGR.Focus
		case i < cur:
			sgr = st.SGR.Text
		}
		l.add(" ", "").add(item[1:], sgr)
	}
	return l
}

// inputLines lists the inputs as "name value" cells packed into lines; for
// images a one-line summary.
func inputLines(in Input, st *themes.Styles, w int) []line {
	tr := in.Trace
	d := in.Data
	x := tr.X
	if d != nil && d.ImageW > 0 && d.ImageW*d.ImageH == len(x) {
		mean, mx := 0.0, math.Inf(-1)
		for _, v := range x {
			mean += v
			mx = math.Max(mx, v)
		}
		mean /= float64(max(len(x), 1))
		var l line
		l.add(fmt.Sprintf("x: %d×%d image · mean %s · max %s", d.ImageW, d.ImageH, num2(mean), num2(mx)), st.SGR.Text)
		return []line{l}
	}
	if k, ok := vocabIndex(in, x); ok { // one-hot text: the character that is on, not a row of zeros
		var l line
		l.add("x ", st.SGR.Dim).add(visibleRune(d.Vocab[k]), st.SGR.Bold)
		l.add(fmt.Sprintf(" (one-hot: input %d of %d is 1)", k+1, len(x)), st.SGR.Dim)
		return []line{l}
	}
	var ls []line
	var cur line
	for k, v := range x {
		name := "x" + sub(k+1)
		if fs := in.Net.Features; k < len(fs) {
			name = fs[k].Math() // the input feature x₁², sin x₂, …
		} else if d != nil && k < len(d.Features) && d.Features[k] != "" {
			name = d.Features[k]
		}
		cell := line{{text: name + " ", sgr: st.SGR.Dim}, {text: num2(v), sgr: st.SGR.Text}}
		if in.Standardized { // a z-score, not centimetres
			cell = line{{text: name + " ", sgr: st.SGR.Dim}, {text: "z=", sgr: st.SGR.Dim}, {text: num2(v), sgr: st.SGR.Text}}
		}
		if len(cur) > 0 && cur.width()+3+cell.width() > w {
			ls = append(ls, cur)
			cur = nil
		}
		if len(cur) > 0 {
			cur.add(" · ", st.SGR.Dim)
		}
		cur = append(cur, cell...)
		if len(ls) >= 3 && k < len(x)-1 { // at most 4 lines of inputs
			cur.add(fmt.Sprintf(" … %d more", len(x)-k-1), st.SGR.Dim)
			break
		}
	}
	if len(cur) > 0 {
		ls = append(ls, cur)
	}
	return ls
}

// predictionLine: "target 3 · predicted 3 ✓ (0.91) · 8 0.05 · 5 0.02".
func predictionLine(in Input, st *themes.Styles) line {
	tr := in.Trace
	d := in.Data
	L := len(in.Net.Layers)
	var l line
	classes := d == nil || d.Kind == datasets.Classification
	y := tr.Y
	if tr.Seq != nil && !tr.HasTarget {
		y = nil
	}
	switch {
	case len(y) == 0: // a sequence's step without a target
		l.add("no target at this step", st.SGR.Dim)
	case classes:
		l.add("target ", st.SGR.Dim).add(className(d, network.ClassOf(y)), st.SGR.Text)
	default:
		l.add("target ", st.SGR.Dim).add(vec(y, 3), st.SGR.Text)
	}
	ready := in.forwardDone(L-1, layerSize(in.Net, L)-1)
	if !ready || len(tr.A) <= L {
		return *l.add(" · predicted ?", st.SGR.Dim)
	}
	a := tr.A[L]
	if !classes || len(a) == 0 {
		l.add(" · output ", st.SGR.Dim).add(vec(a, 3), st.SGR.Bold)
		return l
	}
	k := network.ClassOf(a)
	l.add(" · predicted ", st.SGR.Dim).add(className(d, k), st.SGR.Bold)
	switch {
	case len(y) == 0:
	case k == network.ClassOf(y):
		l.add(" ✓", st.SGR.OK)
	default:
		l.add(" ✗", st.SGR.Error)
	}
	if len(a) == 1 {
		return *l.add(" (a="+num2(a[0])+")", st.SGR.Dim)
	}
	// The top three outputs.
	idx := make([]int, len(a))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(p, q int) int {
		switch {
		case a[p] > a[q]:
			return -1
		case a[p] < a[q]:
			return 1
		}
		return 0
	})
	for r, i := range idx[:min(3, len(idx))] {
		sep := " · "
		if r == 0 {
			sep = " ("
		}
		l.add(sep+className(d, i)+" "+num2(a[i]), st.SGR.Dim)
	}
	return *l.add(")", st.SGR.Dim)
}

// confusion draws the confusion matrix from row y0.
func confusion(in Input, st *themes.Styles, c *canvas, y0, L int) {
	m, head, ok := confusionOf(in, st)
	if !ok {
		return
	}
	k := len(m.Confusion)
	// the title on two rows when the matrix (a title, a header and k
	// rows) still fits, or will not fit anyway
	titleRows := 1
	if rest := in.H - y0; rest-1 < k+1 || rest-2 >= k+1 {
		titleRows = 2
	}
	hs := layLines([]line{head}, in.W, titleRows, 2)
	y0 = c.drawLines(0, y0, hs) - 1
	d := in.Data
	labW, digits := confWidths(d, m.Confusion)
	x0 := labW + 1
	rows := in.H - y0 - 1 // below the title
	// Counts when they fit (with a header row of predicted classes), else
	// one shade per cell: the share of the actual class's samples.
	cw := max(digits, labW) + 1
	counts := x0+k*cw <= in.W && rows >= k+1
	header := counts
	if !counts {
		cw = 2
		if x0+k*cw > in.W {
			cw = 1
		}
		header = rows >= k+1 && cw >= len([]rune(short(className(d, k-1))))
		if x0+k*cw > in.W || rows < k {
			mistakes(in, st, c, y0+1, m.Confusion)
			return
		}
	}
	y1 := y0 + 1
	if header {
		c.text(0, y1, "↓", st.SGR.Dim)
		for j := 0; j < k; j++ {
			c.textRight(x0+(j+1)*cw, y1, short(className(d, j)), st.SGR.Dim)
		}
		y1++
	}
	for i := 0; i < k; i++ {
		y := y1 + i
		c.textRight(labW, y, short(className(d, i)), st.SGR.Dim)
		total := rowTotal(m.Confusion[i])
		for j := 0; j < k; j++ {
			s, sgr := confCell(st, m.Confusion[i][j], total, i == j, counts)
			c.textRight(x0+(j+1)*cw, y, s, sgr)
		}
	}
}

// confusionOf is the matrix the Sample pane shows and its title. With the
// confusion browser's evaluation of the whole set for these weights, it is
// that one, so one screen shows one figure; else an evaluation of at most
// maxEval samples, labelled as the subset it is: "confusion (test: first
// 1000 of 10000) acc 93.5% · loss 0.140".
func confusionOf(in Input, st *themes.Styles) (network.Metrics, line, bool) {
	var head line
	head.add("confusion", st.SGR.Title)
	if b := in.Browse; b != nil && b.Conf != nil && b.Note == "" {
		head.add(fmt.Sprintf(" (%s %d) acc ", b.Set, b.N), st.SGR.Dim).add(pct(b.Acc), st.SGR.Bold)
		return network.Metrics{Confusion: b.Conf, Accuracy: b.Acc}, head, true
	}
	m, test, n, ok := metrics(in)
	if !ok || m.Confusion == nil {
		return m, head, false
	}
	set, _ := evalSet(in.Data)
	what := "train"
	if test {
		what = "test"
	}
	if all := set.Len(); n < all {
		what = fmt.Sprintf("%s: first %d of %d", what, n, all)
	} else {
		what = fmt.Sprintf("%s %d", what, n)
	}
	head.add(fmt.Sprintf(" (%s) acc ", what), st.SGR.Dim).add(pct(m.Accuracy), st.SGR.Bold)
	head.opt(1, " · loss "+num(m.Loss), st.SGR.Dim, "")
	return m, head, true
}

// mistakes lists the most frequent confusions, "8→1 ×5", in the rows from
// y0: what a matrix too big for the pane would show first.
func mistakes(in Input, st *themes.Styles, c *canvas, y0 int, conf [][]int) {
	type cell struct{ i, j, n int }
	var cs []cell
	for i, row := range conf {
		for j, v := range row {
			if i != j && v > 0 {
				cs = append(cs, cell{i, j, v})
			}
		}
	}
	if y0 >= in.H {
		return
	}
	if len(cs) == 0 {
		c.draw(0, y0, line{{text: "no mistakes", sgr: st.SGR.OK}})
		return
	}
	slices.SortStableFunc(cs, func(a, b cell) int { return b.n - a.n })
	var l line
	l.add("mistakes", st.SGR.Dim)
	y := y0
	for _, e := range cs {
		item := fmt.Sprintf("%s→%s ×%d", className(in.Data, e.i), className(in.Data, e.j), e.n)
		if len(l) > 0 && l.width()+len([]rune(item))+2 > in.W {
			c.draw(0, y, l)
			y++
			l = nil
			if y >= in.H {
				return
			}
		}
		if len(l) > 0 {
			l.add("  ", "")
		}
		l.add(item, st.SGR.Error)
	}
	c.draw(0, y, l)
}

// short clips a class name to 3 cells.
func short(s string) string {
	r := []rune(s)
	if len(r) > 3 {
		return string(r[:3])
	}
	return s
}

// oneHotChar names a text set's one-hot vector v by its character,
// "one-hot f" (false for other data, or a vector not one-hot).
func oneHotChar(in Input, v []float64) (string, bool) {
	k, ok := vocabIndex(in, v)
	if !ok {
		return "", false
	}
	return "one-hot " + visibleRune(in.Data.Vocab[k]), true
}

// vocabIndex is the character k of a text set that the one-hot vector v
// stands for: its single 1, all else 0 (false for other data).
func vocabIndex(in Input, v []float64) (int, bool) {
	if d := in.Data; d == nil || len(d.Vocab) == 0 || len(v) != len(d.Vocab) {
		return 0, false
	}
	k := -1
	for i, x := range v {
		switch {
		case x == 1 && k < 0:
			k = i
		case x != 0:
			return 0, false
		}
	}
	return k, k >= 0
}
