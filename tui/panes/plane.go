package panes

import (
	"math"

	"backprop/datasets"
	"backprop/network"
)

// plane is the slice of the input space the Boundary pane draws: the
// inputs i and j over their data range, every other input held at its
// training mean. For 2-D data it is the whole input space (i, j = 0, 1).
type plane struct {
	i, j   int
	base   []float64 // the point whose inputs i and j vary (others: means)
	lo, hi [2]float64
	// slice: the data has more than 2 inputs, so the plane is a slice
	slice bool
}

// inputPlane is the plane the Boundary pane draws for d: for more than two
// inputs, the two that matter most (see mostTelling), the others at their
// means. It is cached per data set.
func inputPlane(in Input) plane {
	d := in.Data
	n := layerSize(in.Net, 0)
	if in.Net != nil && in.Net.Features != nil {
		n = in.Net.Inputs() // the raw plane (x₁, x₂), not φ(x)
	}
	if c := in.Cache; c != nil && c.plane.data == d && len(c.plane.p.base) == n {
		return c.plane.p
	}
	p := plane{i: 0, j: 1, base: make([]float64, n)}
	if n > 2 {
		p.slice = true
		p.i, p.j = mostTelling(d)
		p.base = trainMeans(d, n)
	}
	for k, f := range [2]int{p.i, p.j} {
		m := 0.1 * (d.Hi[f] - d.Lo[f])
		if !(m > 0) || !finite(m) {
			m = 0.5
		}
		p.lo[k], p.hi[k] = d.Lo[f]-m, d.Hi[f]+m
	}
	if c := in.Cache; c != nil {
		c.plane.data, c.plane.p = d, p
	}
	return p
}

// at fills x with the plane's point (s, t) and returns it.
func (p plane) at(x []float64, s, t float64) []float64 {
	copy(x, p.base)
	x[p.i], x[p.j] = s, t
	return x
}

// coords are the plane coordinates of a data point (its inputs i and j).
func (p plane) coords(x []float64) (float64, float64, bool) {
	if p.i >= len(x) || p.j >= len(x) {
		return 0, 0, false
	}
	return x[p.i], x[p.j], true
}

// trainMeans are the training set's mean inputs.
func trainMeans(d *datasets.Dataset, n int) []float64 {
	m := make([]float64, n)
	for _, x := range d.Train.X {
		for k := 0; k < n && k < len(x); k++ {
			m[k] += x[k]
		}
	}
	for k := range m {
		m[k] /= float64(max(len(d.Train.X), 1))
	}
	return m
}

// mostTelling picks the two inputs that tell the targets apart best on the
// training set: for classes the largest Fisher ratio (the spread of the
// class means over the spread within the classes), for regression the
// largest |correlation| with the first target. It depends on the data
// only, so the axes stay put while the network trains.
func mostTelling(d *datasets.Dataset) (int, int) {
	n := len(d.Lo)
	score := make([]float64, n)
	for f := range score {
		if d.Kind == datasets.Regression {
			score[f] = math.Abs(correlation(d.Train, f))
		} else {
			score[f] = fisher(d.Train, f)
		}
		if !(score[f] >= 0) { // NaN: a constant input
			score[f] = 0
		}
	}
	a, b := 0, 1
	if score[b] > score[a] {
		a, b = b, a
	}
	for f := 2; f < n; f++ {
		switch {
		case score[f] > score[a]:
			a, b = f, a
		case score[f] > score[b]:
			b = f
		}
	}
	return min(a, b), max(a, b)
}

// fisher is input f's between-class variance over its within-class
// variance.
func fisher(s datasets.Set, f int) float64 {
	type acc struct{ n, sum, sq float64 }
	by := map[int]*acc{}
	var all acc
	for r, x := range s.X {
		if f >= len(x) || r >= len(s.Y) {
			continue
		}
		k := network.ClassOf(s.Y[r])
		a := by[k]
		if a == nil {
			a = &acc{}
			by[k] = a
		}
		v := x[f]
		a.n, a.sum, a.sq = a.n+1, a.sum+v, a.sq+v*v
		all.n, all.sum = all.n+1, all.sum+v
	}
	if all.n == 0 {
		return 0
	}
	mean := all.sum / all.n
	between, within := 0.0, 0.0
	for _, a := range by {
		m := a.sum / a.n
		between += a.n * (m - mean) * (m - mean)
		within += a.sq - a.n*m*m
	}
	if within <= 0 {
		if between > 0 {
			return math.Inf(1)
		}
		return 0
	}
	return between / within
}

// correlation is the Pearson correlation of input f with the first target.
func correlation(s datasets.Set, f int) float64 {
	var n, sx, sy, sxx, syy, sxy float64
	for r, x := range s.X {
		if f >= len(x) || r >= len(s.Y) || len(s.Y[r]) == 0 {
			continue
		}
		a, b := x[f], s.Y[r][0]
		n, sx, sy, sxx, syy, sxy = n+1, sx+a, sy+b, sxx+a*a, syy+b*b, sxy+a*b
	}
	cov := sxy - sx*sy/n
	return cov / math.Sqrt((sxx-sx*sx/n)*(syy-sy*sy/n))
}
