package panes

import (
	"math"

	"backprop/network"
	"backprop/themes"
)

// Topology's neuron map tiles: for 2-D data every neuron is drawn as a
// small heatmap of its activation over the data's plane (TensorFlow
// Playground's view), when the tallest layer's tiles fit the pane.

// tileEdgeRoom is the least number of cells between two tile columns,
// for the edges.
const tileEdgeRoom = 6

// tileLayout places the columns as tiles when the data is 2-D and the
// tiles fit: th rows tall (4, 3 or 2) and tw = 2·th cells wide (square in
// half-block pixels), a row between tiles when there is room. It also
// computes the maps (g.maps; in circle mode a small grid that finds the
// dead and saturated neurons). It reports whether it tiled.
func tileLayout(in Input, g *topoGeom) bool {
	if !planeOK(in) {
		return false
	}
	var memo *neuronMemo
	if in.Cache != nil {
		memo = &in.Cache.tiles
	}
	if in.Circles {
		g.maps = neuronGrid(in, memo, 8, 8, true)
		return false
	}
	nc, tall := len(g.cols), 0
	for l := range nc {
		tall = max(tall, layerSize(in.Net, l))
	}
	rows := in.H - g.top // the legend's row too, when the tiles leave it
	for th := 4; th >= 2; th-- {
		for _, gap := range []int{1, 0} {
			need := tall*th + (tall-1)*gap
			tw := 2 * th
			labL, labR, ok := tileLabels(in.W, nc*tw+(nc-1)*tileEdgeRoom)
			if need > rows || !ok {
				continue
			}
			g.maps = neuronGrid(in, memo, tw, 2*th, true)
			if g.maps == nil {
				return false
			}
			g.tiled, g.labelL, g.labelR = true, labL, labR
			g.legend, g.bottom = -1, in.H-1
			switch {
			case need < rows-1 && in.W >= 30 && in.W < tileLegendW: // the legend on two rows
				g.legend, g.bottom, g.legend2 = in.H-2, in.H-3, true
			case need < rows && in.W >= 30:
				g.legend, g.bottom = in.H-1, in.H-2
			}
			placeTiles(in, g, tw, th, gap)
			return true
		}
	}
	g.maps = neuronGrid(in, memo, 8, 8, true)
	return false
}

// tileLabels is the width of the input and output value labels beside
// tiles that need w cells across, in a pane width wide; ok is false when
// the tiles do not fit at all.
func tileLabels(width, w int) (labL, labR int, ok bool) {
	switch {
	case w+7+12 <= width:
		return 6, 11, true
	case w+7+7 <= width:
		return 6, 6, true
	case w+2 <= width:
		return 0, 0, true
	}
	return 0, 0, false
}

// placeTiles spreads the tile columns across the pane and centres each
// column's tiles vertically.
func placeTiles(in Input, g *topoGeom, tw, th, gap int) {
	nc := len(g.cols)
	left, right := g.labelL+1, in.W-1-g.labelR-tw
	if g.labelL == 0 {
		left = 1
	}
	R := g.bottom - g.top + 1
	for i := range g.cols {
		c := &g.cols[i]
		c.n, c.tw, c.th, c.step = layerSize(in.Net, i), tw, th, th+gap
		c.x = left
		if nc > 1 {
			c.x = left + i*(right-left)/(nc-1)
		}
		c.rows = c.n*th + (c.n-1)*gap
		c.y0 = g.top + (R-c.rows)/2
	}
}

// drawTiles draws column l's neurons as map tiles: the focused one between
// ▐ ▌, a × on the dead and saturated ones, and ▸ ◂ beside the neuron the
// current step computes.
func drawTiles(in Input, st *themes.Styles, c *canvas, col *column, maps *network.Grid, l int) {
	active, dir := in.activeLayer()
	for j := 0; j < col.n; j++ {
		y0 := col.y0 + j*col.step
		ph := 2 * col.th
		if col.step == col.th {
			ph-- // no row between tiles: a pixel row apart
		}
		drawNeuronMap(c, st, in.Net, maps, l, j, col.x, y0, col.tw, col.th, ph)
		if constantNote(in.Net, maps, l, j) != "" {
			x, y := col.x+col.tw/2, y0+(col.th-1)/2
			if st.Mono {
				c.put(x, y, "×", st.SGR.Bold)
			} else {
				c.put2(x, y, "×", st.SGR.Error, c.bg[y*c.w+x])
			}
		}
		mid, _ := col.neuronY(j)
		if in.Focus.Layer == l && j == in.Focus.Neuron {
			for y := y0; y < y0+col.th; y++ {
				c.put(col.x-1, y, "▐", st.SGR.Title)
				c.put(col.x+col.tw, y, "▌", st.SGR.Title)
			}
		} else if l-1 == active && active >= 0 && j == in.Pos.Neuron {
			if dir > 0 {
				c.put(col.x-1, mid, "▸", st.SGR.Accent)
			} else {
				c.put(col.x+col.tw, mid, "◂", st.SGR.Accent)
			}
		}
	}
}

// tileLegendW is the tile legend's width on one row.
const tileLegendW = 50

// drawTileLegend explains the tiles' colours on row y (and the weights'
// on row y+1 when two is set).
func drawTileLegend(st *themes.Styles, c *canvas, y int, two bool) {
	x, dead := 0, " dead/saturated "
	if !two && c.w < tileLegendW { // one narrow row: shorter words
		dead = " dead/sat. "
	}
	if two || c.w >= tileLegendW-5 {
		x = c.text(0, y, "map of a: ", st.SGR.Dim)
	}
	if st.Mono {
		x = c.text(x, y, themes.Shade(0.25)+"…"+themes.Shade(0.75)+" low…high ", "")
	} else {
		x = c.text(x, y, "■", st.DivFg(-math.Abs(mapIntensity)))
		x = c.text(x, y, " low ", st.SGR.Dim)
		x = c.text(x, y, "■", st.DivFg(mapIntensity))
		x = c.text(x, y, " high ", st.SGR.Dim)
	}
	x = c.text(x, y, "×", st.SGR.Error)
	x = c.text(x, y, dead, st.SGR.Dim)
	if two {
		y++
		x = c.text(0, y, "weights: ", st.SGR.Dim)
	}
	if st.Mono {
		x = c.text(x, y, "+", "")
		x = c.text(x, y, "/", st.SGR.Dim)
		x = c.text(x, y, "−", "")
		c.text(x, y, " weight", st.SGR.Dim)
		return
	}
	x = c.text(x, y, "⠒⠒", st.DivFg(1))
	x = c.text(x, y, " + ", st.SGR.Dim)
	c.text(x, y, "⠒⠒", st.DivFg(-1))
	c.text(x+2, y, " −", st.SGR.Dim)
}
