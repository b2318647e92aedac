package network

import (
	"errors"
	"fmt"
	"math"
)

// MaxGridValues bounds the activations one EvalGrid call may return
// (Cols·Rows·Σ Sizes), so that a big grid over a wide network fails with
// an error instead of exhausting memory: 2²⁴ values are 128 MiB.
const MaxGridValues = 1 << 24

// ErrGridInputs is EvalGrid's error for a network whose input is not a
// point of the plane.
var ErrGridInputs = errors.New("network: a grid over the input plane needs a network with 2 inputs")

// Grid is a network evaluated over a Cols × Rows grid of points of the
// input plane: the activation of every neuron at every point. Point (c, r)
// is the centre of cell (c, r) of the rectangle [Lo, Hi]:
//
//	x₁ = Lo[0] + (c + ½)·(Hi[0] − Lo[0])/Cols
//	x₂ = Lo[1] + (r + ½)·(Hi[1] − Lo[1])/Rows
//
// Row r = 0 is the bottom of the plane (the smallest x₂), as on a plot's
// axes; a screen drawing rows top-down reads row Rows−1−y.
type Grid struct {
	Cols, Rows int
	Lo, Hi     [2]float64
	// A[l][j][r·Cols + c] is a^l_j at point (c, r): A[0] holds the inputs
	// (a⁰ = x: x₁ and x₂, or the network's Features φ(x) over the plane,
	// one per input neuron), A[l] layer l's activations σ(z^l), and A[L] the
	// network's output. Each A[l][j] is a Rows × Cols row-major matrix
	// (mat.NewDense(Rows, Cols, A[l][j]) wraps it without a copy).
	A [][][]float64
}

// X1 is the x₁ coordinate of column c; X2 the x₂ coordinate of row r.
func (g *Grid) X1(c int) float64 { return g.Lo[0] + (float64(c)+0.5)*(g.Hi[0]-g.Lo[0])/float64(g.Cols) }
func (g *Grid) X2(r int) float64 { return g.Lo[1] + (float64(r)+0.5)*(g.Hi[1]-g.Lo[1])/float64(g.Rows) }

// At is a^l_j at point (c, r).
func (g *Grid) At(l, j, c, r int) float64 { return g.A[l][j][r*g.Cols+c] }

// Output is the network's output neurons over the grid: Output()[j] is
// a^L_j at every point (A[L]).
func (g *Grid) Output() [][]float64 { return g.A[len(g.A)-1] }

// EvalGrid evaluates net at every point of a cols × rows grid over the
// rectangle lo..hi of the input plane and returns every neuron's
// activation there (see Grid). It is an evaluation, not training: net is
// only read, never written (pass a Stepper's Net() as it stands; nothing
// of the stepper changes), and each value has the bits Forward gives for
// that point, since both sum in the kernels' fixed order. It needs a
// network with 2 raw inputs (Inputs(): 2 inputs, or Features), finite lo < hi, cols, rows ≥ 1 and at most
// MaxGridValues values in all.
func EvalGrid(net *Network, lo, hi [2]float64, cols, rows int) (*Grid, error) {
	if err := net.validate(); err != nil {
		return nil, err
	}
	if net.Inputs() != 2 {
		return nil, fmt.Errorf("%w (this one has %d)", ErrGridInputs, net.Inputs())
	}
	for i := range 2 {
		if !finite(lo[i]) || !finite(hi[i]) || !(lo[i] < hi[i]) || !finite(hi[i]-lo[i]) {
			return nil, fmt.Errorf("network: grid range of x%d is %v..%v; want finite lo < hi", i+1, lo[i], hi[i])
		}
	}
	if cols < 1 || rows < 1 {
		return nil, fmt.Errorf("network: grid of %d × %d points; want at least 1 × 1", cols, rows)
	}
	neurons := 0
	for _, n := range net.Sizes {
		neurons += n
	}
	if cols > MaxGridValues || rows > MaxGridValues/cols || neurons > MaxGridValues/(cols*rows) {
		return nil, fmt.Errorf("network: a %d × %d grid over %d neurons is more than %d values", cols, rows, neurons, MaxGridValues)
	}
	n := cols * rows
	g := &Grid{Cols: cols, Rows: rows, Lo: lo, Hi: hi, A: make([][][]float64, len(net.Sizes))}
	for l, size := range net.Sizes {
		g.A[l] = make([][]float64, size)
		for j := range g.A[l] {
			g.A[l][j] = make([]float64, n)
		}
	}
	in := net.Sizes[0]
	for p := range n {
		x1, x2 := g.X1(p%cols), g.X2(p/cols)
		if net.Features == nil {
			g.A[0][0][p], g.A[0][1][p] = x1, x2
			continue
		}
		for k, f := range net.Features {
			g.A[0][k][p] = f.Of(x1, x2)
		}
	}
	// All points in batches: the kernels reuse each weight row across
	// several inputs (ForwardBatch; the same bits as Forward).
	ws := net.NewBatchWorkspace(min(evalRows, n))
	xs := make([][]float64, ws.Rows())
	flat := make([]float64, in*ws.Rows())
	for p0 := 0; p0 < n; p0 += ws.Rows() {
		m := min(n-p0, ws.Rows())
		for r := range m {
			x := flat[in*r : in*r+in]
			for k := range x {
				x[k] = g.A[0][k][p0+r]
			}
			xs[r] = x
		}
		net.ForwardBatch(ws, xs[:m])
		for l := range net.Layers {
			for r := range m {
				for j, a := range ws.a[l][r] {
					g.A[l+1][j][p0+r] = a
				}
			}
		}
	}
	return g, nil
}

// Range is the extent of A[l][j] over the grid (NaN, NaN when every value
// is NaN): a neuron whose lo == hi is constant over the plane (a dead
// ReLU, a saturated sigmoid).
func (g *Grid) Range(l, j int) (lo, hi float64) {
	lo, hi = math.NaN(), math.NaN()
	for _, v := range g.A[l][j] {
		if math.IsNaN(v) {
			continue
		}
		if !(v >= lo) {
			lo = v
		}
		if !(v <= hi) {
			hi = v
		}
	}
	return lo, hi
}
