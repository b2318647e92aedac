package network

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkGemm times the range kernels on one layer and batch; GFMA/s is
// comparable with BenchmarkFMAPeak.
func BenchmarkGemm(b *testing.B) {
	for _, sh := range [][3]int{{784, 100, 100}, {784, 100, 10}, {784, 30, 10}, {64, 30, 10}, {256, 128, 100}} {
		in, out, m := sh[0], sh[1], sh[2]
		c := newGemmCase(rand.New(rand.NewPCG(1, 1)), in, out, m)
		z, tt := zeros(m, out), zeros(m, in)
		gw, gb := make([]float64, in*out), make([]float64, out)
		gRows := rowsOf(gw, in, out)
		pack := make([]float64, (out+rankR-1)/rankR*rankR*m)
		spill := make([]float64, fwdSpillLen)
		name := fmt.Sprintf("%dx%d/m=%d", in, out, m)
		fmas := float64(in * out * m)
		b.Run(name+"/forward", func(b *testing.B) {
			for b.Loop() {
				forwardRange(c.w, c.b, in, c.x, z, 0, out, spill)
			}
			b.ReportMetric(float64(b.N)*fmas/b.Elapsed().Seconds()/1e9, "GFMA/s")
		})
		b.Run(name+"/backward", func(b *testing.B) {
			for b.Loop() {
				backwardRange(c.wRows, c.bpack, tt, 0, in)
			}
			b.ReportMetric(float64(b.N)*fmas/b.Elapsed().Seconds()/1e9, "GFMA/s")
		})
		b.Run(name+"/gradient", func(b *testing.B) {
			for b.Loop() {
				gradRange(gRows, gb, in, c.d, c.x, 0, out, pack, false)
			}
			b.ReportMetric(float64(b.N)*fmas/b.Elapsed().Seconds()/1e9, "GFMA/s")
		})
	}
}
