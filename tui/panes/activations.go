package panes

import (
	"fmt"
	"math"
	"strconv"

	"backprop/network"
	"backprop/themes"
)

// bars are eight heights, from a sliver to a full cell.
func bar(t float64) string {
	switch int(math.Round(math.Max(0, math.Min(1, t)) * 7)) {
	case 0:
		return "▁"
	case 1:
		return "▂"
	case 2:
		return "▃"
	case 3:
		return "▄"
	case 4:
		return "▅"
	case 5:
		return "▆"
	case 6:
		return "▇"
	}
	return "█"
}

// Activations shows each layer's activations a as a row of bars (height and
// colour = level; one bar per neuron, or the mean of a group when the layer
// is wider than the pane), with the values when they fit, and a second row
// of the weighted inputs z (height = |z|, colour = sign) when there is room.
// Neurons the current sample has not reached show "·"; the focused neuron
// is highlighted.
func Activations(in Input) string {
	if s, ok := unready(in); !ok {
		return s
	}
	st := in.styles()
	c := in.canvas()
	nc := layerCount(in.Net)
	withZ := in.H >= 2*nc
	const labW = 4
	y := 0
	tr := tr0(in.Trace)
	for l := 0; l < nc && y < in.H; l++ {
		n := layerSize(in.Net, l)
		act := network.Linear
		lab := "x"
		done := func(int) bool { return in.inputDone() }
		if l > 0 {
			act = in.Net.Layers[l-1].Act
			lab = "L" + strconv.Itoa(l)
			li := l - 1
			done = func(j int) bool { return in.forwardDone(li, j) }
		}
		var a []float64
		if l < len(tr.A) {
			a = tr.A[l]
		}
		labSGR := st.SGR.Dim
		if l == in.Focus.Layer {
			labSGR = st.SGR.Title
		}
		c.text(0, y, lab, labSGR)
		if withZ && l > 0 {
			c.text(0, y+1, " z", st.SGR.Dim)
		}
		bw := in.W - labW
		if bw <= 0 {
			y += 1 + b2i(withZ && l > 0)
			continue
		}
		scale := maxAbs(a)
		level := func(j int) float64 {
			if l == 0 && in.Data != nil && len(in.Data.Lo) == n && len(in.Data.Hi) == n {
				lo, hi := in.Data.Lo[j], in.Data.Hi[j]
				if hi > lo {
					return (at1(a, j) - lo) / (hi - lo)
				}
			}
			return unit(act, at1(a, j), scale)
		}
		used := drawBars(c, st, labW, y, bw, n, in.Focus, l, done, level, func(t float64) (string, string) {
			if st.Mono {
				return bar(t), ""
			}
			return bar(t), st.RampFg(glyphLevel(t))
		})
		// Values when they fit.
		if rest := in.W - labW - used - 1; n > 0 && n*6+2 <= rest {
			x := labW + used + 1
			x = c.text(x, y, "a", st.SGR.Dim)
			for j := 0; j < n; j++ {
				s := "?"
				sgr := st.SGR.Dim
				if done(j) {
					s, sgr = fitNum(at1(a, j), 5), st.SGR.Text
				}
				if l == in.Focus.Layer && j == in.Focus.Neuron {
					sgr = st.SGR.Focus
				}
				c.textRight(x+6*(j+1), y, s, sgr)
			}
		}
		y++
		if withZ && l > 0 && y < in.H {
			var z []float64
			if l-1 < len(tr.Z) {
				z = tr.Z[l-1]
			}
			zs := maxAbs(z)
			if zs == 0 {
				zs = 1
			}
			used := drawBars(c, st, labW, y, bw, n, in.Focus, l, done, func(j int) float64 {
				return at1(z, j) / zs
			}, func(v float64) (string, string) {
				g := bar(math.Abs(v))
				if st.Mono {
					if v < 0 {
						return g, st.SGR.Reverse
					}
					return g, ""
				}
				return g, st.DivFg(math.Copysign(math.Max(math.Abs(v), 0.35), v))
			})
			if rest := in.W - labW - used - 1; n > 0 && n*6+2 <= rest {
				x := labW + used + 1
				x = c.text(x, y, "z", st.SGR.Dim)
				for j := 0; j < n; j++ {
					s, sgr := "?", st.SGR.Dim
					if done(j) {
						s, sgr = fitNum(at1(z, j), 5), st.SGR.Dim
					}
					c.textRight(x+6*(j+1), y, s, sgr)
				}
			}
			y++
		}
	}
	return c.String()
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// drawBars draws n values in at most width cells from (x, y): one cell per
// neuron, or per group of neurons (their mean) when n > width. It returns
// the cells used.
func drawBars(c *canvas, st *themes.Styles, x, y, width, n int, f Focus, l int,
	done func(int) bool, value func(int) float64, glyph func(float64) (string, string)) int {
	if n <= 0 || width <= 0 {
		return 0
	}
	g := (n + width - 1) / width
	cells := (n + g - 1) / g
	for i := 0; i < cells; i++ {
		sum, cnt := 0.0, 0
		for j := i * g; j < min((i+1)*g, n); j++ {
			if done(j) {
				if v := value(j); finite(v) {
					sum += v
					cnt++
				}
			}
		}
		s, sgr := "·", st.SGR.Dim
		if cnt > 0 {
			s, sgr = glyph(sum / float64(cnt))
		}
		if f.Layer == l && f.Neuron/g == i {
			sgr = st.SGR.Focus
		}
		c.put(x+i, y, s, sgr)
	}
	return cells
}

// hinton is the glyph of a weight of relative magnitude r ∈ [0, 1].
func hinton(r float64) string {
	switch {
	case r < 0.1:
		return "·"
	case r < 0.35:
		return "▪"
	case r < 0.7:
		return "■"
	}
	return "█"
}

// Weights is a Hinton diagram of the focused layer's weights: one row per
// neuron, one column per incoming weight and a last column for the bias;
// the glyph's size grows with |w| (· ▪ ■ █, relative to the layer's largest)
// and its colour is the sign (mono: + and −). The focused neuron's row and
// the focused weight are highlighted; large layers show a window around
// them.
func Weights(in Input) string {
	if s, ok := unready(in); !ok {
		return s
	}
	st := in.styles()
	c := in.canvas()
	fl := clamp(in.Focus.Layer, 1, len(in.Net.Layers))
	layer := in.Net.Layers[fl-1]
	if layer == nil || len(layer.W) < layer.In*layer.Out || len(layer.B) < layer.Out {
		return message(in, "no weights")
	}
	fj, fk := -1, -2
	if in.Focus.Layer == fl {
		fj, fk = in.Focus.Neuron, in.Focus.Weight
	}
	mx := math.Max(maxAbs(layer.W), maxAbs(layer.B))
	if mx == 0 {
		mx = 1
	}
	head := line{}
	head.add(fmt.Sprintf("W of L%d", fl), st.SGR.Title)
	head.add(fmt.Sprintf(" %d×%d + bias · max |w| %s", layer.Out, layer.In, num2(mx)), st.SGR.Dim)
	c.draw(0, 0, head)

	rows := in.H - 1
	showVal := false
	if rows >= 3 && fj >= 0 {
		rows-- // the last line shows the focused weight's value
		showVal = true
	}
	if rows <= 0 {
		return c.String()
	}
	labW := len(strconv.Itoa(layer.Out)) + 2
	avail := in.W - labW
	cols := layer.In + 1 // + bias
	cw := 1
	if 2*cols <= avail {
		cw = 2
	}
	vis := max(avail/cw, 0)
	// Column window around the focused weight, row window around the neuron.
	kf := fk
	if fk == -1 {
		kf = layer.In // the bias column
	}
	k0 := window(cols, vis, kf)
	j0 := window(layer.Out, rows, fj)
	for r := 0; r < rows && j0+r < layer.Out; r++ {
		j := j0 + r
		y := 1 + r
		labSGR := st.SGR.Dim
		lab := strconv.Itoa(j + 1)
		if j == fj {
			labSGR = st.SGR.Title
			lab = "▸" + lab
		}
		c.textRight(labW-1, y, lab, labSGR)
		for q := 0; q < vis && k0+q < cols; q++ {
			k := k0 + q
			var w float64
			if k == layer.In {
				w = layer.B[j]
			} else {
				w = layer.W[j*layer.In+k]
			}
			r := math.Min(math.Abs(w)/mx, 1)
			g, sgr := hinton(r), st.DivFg(math.Copysign(math.Max(r, 0.45), w))
			if !finite(w) {
				g, sgr = "!", st.SGR.Error
			} else if st.Mono {
				sgr = ""
				if r >= 0.1 {
					g = themes.Sign(w)
				}
				if r >= 0.5 {
					sgr = st.SGR.Bold
				}
			}
			isFocus := j == fj && (k == fk || k == layer.In && fk == -1)
			if isFocus {
				sgr = st.SGR.Focus
			}
			x := labW + q*cw
			if k == layer.In && cw == 2 {
				c.put(x-1, y, "│", st.SGR.Dim)
			}
			c.put(x, y, g, sgr)
		}
	}
	if k0 > 0 {
		c.put(labW-1, 1, "‹", st.SGR.Dim)
	}
	if k0+vis < cols {
		c.put(in.W-1, 1, "›", st.SGR.Dim)
	}
	if showVal && fj >= 0 && fj < layer.Out {
		var l line
		if fk >= 0 && fk < layer.In {
			l.add(fmt.Sprintf("w%s of n%d = ", sub(fk+1), fj+1), st.SGR.Dim)
			l.add(num(layer.W[fj*layer.In+fk]), st.SGR.Bold)
		} else {
			l.add(fmt.Sprintf("b of n%d = ", fj+1), st.SGR.Dim)
			l.add(num(layer.B[fj]), st.SGR.Bold)
		}
		c.draw(0, in.H-1, l)
	}
	return c.String()
}

// window returns the first index of a window of vis items over n that
// shows item f (f < 0: none in particular), starting at 0 when all fit.
func window(n, vis, f int) int {
	if vis <= 0 || n <= vis || f < 0 {
		return 0
	}
	return clamp(f-vis/2, 0, n-vis)
}
