// Package compact holds data sets' inputs in a compact, read-only form that
// many sessions can share: one byte a value.
//
// A U8 is n rows of Dim bytes; byte b stands for the float64 value b/255
// (an image's pixel scaled to [0, 1]). Row converts a row into a caller's
// buffer as float64(b)/255, which is exactly what the float64 loaders
// computed, so training on a U8 gives the same bits as training on the
// float64 rows it replaces, at an eighth of the memory.
//
// Invariants: a U8 is never written after it is built (it is shared
// between goroutines without locks); Dim ≥ 1 and len(pixels) = n·Dim.
package compact

import "fmt"

// Scale is the value byte 255 stands for: b ↦ b/Scale.
const Scale = 255

// U8 is a read-only matrix of bytes, one row per sample.
type U8 struct {
	pix []uint8
	dim int
	val *[256]float64 // val[b] = b/255, so Row looks values up instead of dividing (or computes them with AVX)
}

// NewU8 wraps pix as rows of dim bytes. It takes ownership of pix: the
// caller must not change it afterwards.
func NewU8(pix []uint8, dim int) (*U8, error) {
	if dim < 1 || len(pix)%dim != 0 {
		return nil, fmt.Errorf("compact: %d bytes are not rows of %d", len(pix), dim)
	}
	val := new([256]float64)
	for b := range val {
		val[b] = float64(b) / Scale
	}
	return &U8{pix: pix[:len(pix):len(pix)], dim: dim, val: val}, nil
}

// Len is the number of rows (0 for a nil U8).
func (u *U8) Len() int {
	if u == nil {
		return 0
	}
	return len(u.pix) / u.dim
}

// Dim is the number of values in a row.
func (u *U8) Dim() int { return u.dim }

// Bytes is row i's bytes (a view: do not write to it).
func (u *U8) Bytes(i int) []uint8 {
	return u.pix[i*u.dim : (i+1)*u.dim : (i+1)*u.dim]
}

// Row writes row i into x as x[j] = b[j]/255 and returns x[:Dim]; a nil or
// short x is replaced by a new slice.
func (u *U8) Row(i int, x []float64) []float64 {
	if cap(x) < u.dim {
		x = make([]float64, u.dim)
	}
	x = x[:u.dim]
	row(x, u.Bytes(i), u.val)
	return x
}

// Prefetch asks the CPU to bring row i's bytes into its cache, so that a
// Row soon after does not wait for memory (rows are read in a shuffled
// order, which the hardware cannot guess).
func (u *U8) Prefetch(i int) { prefetch(u.Bytes(i)) }

// rowGo is the reference for row: x[j] = val[b[j]] = b[j]/255.
func rowGo(x []float64, b []uint8, val *[256]float64) {
	x = x[:len(b)]
	for j, v := range b {
		x[j] = val[v]
	}
}

// Slice is rows lo..hi−1, sharing u's bytes.
func (u *U8) Slice(lo, hi int) *U8 {
	return &U8{pix: u.pix[lo*u.dim : hi*u.dim : hi*u.dim], dim: u.dim, val: u.val}
}

// Size is the bytes the rows take.
func (u *U8) Size() int64 {
	if u == nil {
		return 0
	}
	return int64(len(u.pix))
}
