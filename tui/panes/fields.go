package panes

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"backprop/themes"
)

// receptiveFields draws, for image data, every first-layer neuron's
// incoming weights as a small picture (its receptive field; blue
// positive, orange negative), the focused one marked [ ]. With a deeper
// neuron focused (layer 2), the first-layer fields are ordered by the
// weight each sends to it, largest |w| first, and the caption names the
// weights. Tiles that do not fit leave a window around the focused one.
func receptiveFields(in Input) string {
	st := in.styles()
	d := in.Data
	c := in.canvas()
	l1 := in.Net.Layers[0]
	order, onto := fieldOrder(in)
	capRows := 0
	if in.H >= 4 {
		capRows = 1
	}
	im, cols, rows, ok := fieldTiles(st, d.ImageW, d.ImageH, in.W, in.H-capRows, len(order))
	if !ok {
		return message(in, "too small for receptive fields")
	}
	first := 0
	if n := cols * rows; n < len(order) {
		at := max(slices.Index(order, focusedL1(in)), 0)
		first = min(at/cols*cols, len(order)-n)
		first = max(first-first%cols, 0)
	}
	for t := 0; t < cols*rows && first+t < len(order); t++ {
		j := order[first+t]
		x0, y0 := 1+(t%cols)*(im.dw+1), (t/cols)*(im.dh+1)
		row := l1.W[j*l1.In : (j+1)*l1.In]
		mx := maxAbs(row)
		if mx == 0 {
			mx = 1
		}
		drawImage(c, st, x0, y0, im, func(i int) (float64, bool) { return at1(row, i) / mx, true }, true)
		if j == focusedL1(in) {
			for y := y0; y < y0+im.dh; y++ {
				c.put(x0-1, y, "▐", st.SGR.Title)
				c.put(x0+im.dw, y, "▌", st.SGR.Title)
			}
		}
	}
	if capRows > 0 {
		c.draw(0, in.H-1, fieldsCaption(in, st, len(order), first, cols*rows, onto))
	}
	return c.String()
}

// focusedL1 is the focused first-layer neuron, or −1.
func focusedL1(in Input) int {
	if in.Focus.Layer == 1 {
		return in.Focus.Neuron
	}
	return -1
}

// fieldOrder is the order the first-layer neurons are drawn in: their own,
// or by |w| onto a focused layer-2 neuron (then onto is its weights).
func fieldOrder(in Input) (order []int, onto []float64) {
	n := in.Net.Layers[0].Out
	order = make([]int, n)
	for j := range order {
		order[j] = j
	}
	if in.Focus.Layer != 2 || len(in.Net.Layers) < 2 {
		return order, nil
	}
	l2 := in.Net.Layers[1]
	j := in.Focus.Neuron
	if j < 0 || j >= l2.Out {
		return order, nil
	}
	onto = l2.W[j*l2.In : (j+1)*l2.In]
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(math.Abs(onto[b]), math.Abs(onto[a])) })
	return order, onto
}

// fieldTiles picks the largest tile (an image fit) for which n tiles fit
// in w × h cells with a one-cell gap (and one at the left, for the focus
// mark); at the smallest size it returns the
// grid that fits, showing fewer.
func fieldTiles(st *themes.Styles, iw, ih, w, h, n int) (imageFit, int, int, bool) {
	var im imageFit
	cols, rows := 0, 0
	for tw := 2 * iw; tw >= 3; tw-- {
		f, ok := fitImage(st, iw, ih, tw, h)
		if !ok || f.dw != tw && tw > iw {
			continue
		}
		cols, rows = (w-1)/(f.dw+1), (h+1)/(f.dh+1)
		im = f
		if cols*rows >= n {
			break
		}
	}
	return im, cols, rows, cols >= 1 && rows >= 1
}

// fieldsCaption: "L1 receptive fields 1–28 of 30 · n3 focused", or with
// a layer-2 neuron focused "weights onto L2 n1: n4 +1.2, n9 −0.8, …".
func fieldsCaption(in Input, st *themes.Styles, n, first, shown int, onto []float64) line {
	var l line
	if onto != nil {
		l.add(fmt.Sprintf("onto L2 n%d: ", in.Focus.Neuron+1), st.SGR.Title)
		order, _ := fieldOrder(in)
		for i, j := range order[:min(4, len(order))] {
			if i > 0 {
				l.add(", ", st.SGR.Dim)
			}
			l.add(fmt.Sprintf("n%d ", j+1), st.SGR.Dim).add(fitNum(onto[j], 5), st.DivFg(math.Copysign(1, onto[j])))
		}
		return l
	}
	l.add("L1 receptive fields", st.SGR.Title)
	if shown < n {
		l.add(fmt.Sprintf(" %d–%d of %d", first+1, min(first+shown, n), n), st.SGR.Dim)
	}
	if j := focusedL1(in); j >= 0 {
		l.add(fmt.Sprintf(" · n%d marked", j+1), st.SGR.Dim)
	} else {
		l.add(" · focus one in L1", st.SGR.Dim)
	}
	return l
}
