package network

import "backprop/internal/compact"

// Set is a data set: input vectors and their target vectors Y[i]. The
// inputs are either X (X[i] is input i) or, for a compact set, U8 (X is
// nil and input i is U8's row i, each byte b read as b/255). Every reader
// in the engine goes through Len, Inputs and Input, so both forms train
// to the same bits when the values agree.
//
// A Set is read-only to the engine: it never writes to X, Y or U8, so one
// set (a compact MNIST, say) can be shared by every session of a server.
//
// A sequence set (Seq > 0) holds one sequence per sample: X[i] is T_i time
// steps of Seq values each, step t's at X[i][t·Seq:(t+1)·Seq], and Y[i] is
// T_i steps of targets the same way. A step whose targets are all NaN has
// no target (it adds nothing to the cost). Sequence sets are never compact.
type Set struct {
	X, Y [][]float64
	U8   *compact.U8
	// Seq is the number of inputs per time step of a sequence set; 0 for
	// a set of independent samples.
	Seq int
}

// MaxSteps bounds a sequence's time steps.
const MaxSteps = 1 << 16

// Steps is the number of time steps of sample i: len(X[i])/Seq for a
// sequence set, 1 otherwise.
func (s Set) Steps(i int) int {
	if s.Seq > 0 {
		return len(s.X[i]) / s.Seq
	}
	return 1
}

// Outputs is the length of a target vector (per time step for a sequence
// set; 0 for an empty set).
func (s Set) Outputs() int {
	if len(s.Y) == 0 {
		return 0
	}
	if s.Seq > 0 && len(s.X) > 0 && len(s.X[0]) >= s.Seq {
		return len(s.Y[0]) / (len(s.X[0]) / s.Seq)
	}
	return len(s.Y[0])
}

// Len is the number of samples.
func (s Set) Len() int {
	if s.U8 != nil {
		return s.U8.Len()
	}
	return len(s.X)
}

// Inputs is the length of an input vector (per time step for a sequence
// set; 0 for an empty set).
func (s Set) Inputs() int {
	switch {
	case s.Seq > 0:
		return s.Seq
	case s.U8 != nil:
		return s.U8.Dim()
	case len(s.X) > 0:
		return len(s.X[0])
	}
	return 0
}

// Compact reports whether the inputs are held compactly (Input converts).
func (s Set) Compact() bool { return s.U8 != nil }

// Prefetch asks the CPU to start loading input i of a compact set, which an
// Input soon after then finds in its cache (a no-op for X).
func (s Set) Prefetch(i int) {
	if s.U8 != nil {
		s.U8.Prefetch(i)
	}
}

// Input is input vector i. For X it is X[i] itself (a view: do not write
// to it) and buf is unused; for U8 the row is converted into buf (a new
// slice when buf is nil or short) and buf is returned.
func (s Set) Input(i int, buf []float64) []float64 {
	if s.U8 != nil {
		return s.U8.Row(i, buf)
	}
	return s.X[i]
}

// Slice is samples lo..hi−1, sharing s's rows.
func (s Set) Slice(lo, hi int) Set {
	out := Set{Y: s.Y[lo:hi:hi], Seq: s.Seq}
	if s.U8 != nil {
		out.U8 = s.U8.Slice(lo, hi)
	} else {
		out.X = s.X[lo:hi:hi]
	}
	return out
}

// Pick is the samples idx as a float64 set (compact rows are converted:
// meant for small subsets).
func (s Set) Pick(idx []int) Set {
	sub := Set{X: make([][]float64, len(idx)), Y: make([][]float64, len(idx)), Seq: s.Seq}
	for i, k := range idx {
		sub.X[i], sub.Y[i] = s.Input(k, nil), s.Y[k]
	}
	return sub
}

// inputLen is the length of input i (every row of a compact set has Dim).
func (s Set) inputLen(i int) int {
	if s.U8 != nil {
		return s.U8.Dim()
	}
	return len(s.X[i])
}
