package compact

import (
	"math"
	"testing"
)

// TestRow: every byte reads as float64(b)/255, bit for bit, through Row
// and Slice, and bad shapes are refused.
func TestRow(t *testing.T) {
	pix := make([]uint8, 512)
	for i := range pix {
		pix[i] = uint8(i)
	}
	u, err := NewU8(pix, 256)
	if err != nil || u.Len() != 2 || u.Dim() != 256 || u.Size() != 512 {
		t.Fatalf("NewU8: %v %d %d", err, u.Len(), u.Dim())
	}
	for _, v := range []*U8{u, u.Slice(1, 2)} {
		x := v.Row(v.Len()-1, nil)
		for b, got := range x {
			if math.Float64bits(got) != math.Float64bits(float64(b)/255) {
				t.Fatalf("byte %d reads %v", b, got)
			}
		}
	}
	if _, err := NewU8(pix, 3); err == nil {
		t.Error("512 bytes as rows of 3: no error")
	}
	var nilU *U8
	if nilU.Len() != 0 || nilU.Size() != 0 {
		t.Error("nil U8 not empty")
	}
}

// TestRowExact: the vector conversion gives b/255 exactly, for every byte,
// at every length and offset (the four-at-a-time loop and the tail).
func TestRowExact(t *testing.T) {
	pix := make([]uint8, 0, 256*3+7)
	for i := range 256*3 + 7 {
		pix = append(pix, uint8(i*37+i/256))
	}
	val := new([256]float64)
	for b := range val {
		val[b] = float64(b) / Scale
	}
	for lo := range 5 {
		for n := 0; lo+n <= len(pix); n += 1 + n/3 {
			b := pix[lo : lo+n]
			got, want := make([]float64, n), make([]float64, n)
			row(got, b, val)
			for j, v := range b {
				want[j] = float64(v) / Scale
			}
			for j := range got {
				if got[j] != want[j] {
					t.Fatalf("offset %d, %d bytes: x[%d] = %v for byte %d, want %v (useAVX %v)", lo, n, j, got[j], b[j], want[j], useAVX)
				}
			}
		}
	}
}
