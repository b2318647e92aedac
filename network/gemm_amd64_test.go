//go:build amd64 && !purego

package network

import "testing"

// BenchmarkFMAPeak measures one core's peak of fused multiply-adds: twelve
// independent chains of VFMADD231PD on 512-bit and on 256-bit registers.
// GFMA/s counts scalar multiply-adds (one 512-bit FMA is 8); the kernels'
// benchmarks report the same unit, so their share of the peak is the ratio.
func BenchmarkFMAPeak(b *testing.B) {
	for _, c := range []struct {
		name  string
		lanes int
		run   func(int)
		ok    bool
	}{{"avx512", 8, fmaPeak512, useAVX512}, {"avx2", 4, fmaPeak256, useAVX}} {
		b.Run(c.name, func(b *testing.B) {
			if !c.ok {
				b.Skip("not supported here")
			}
			const rounds = 1000
			for b.Loop() {
				c.run(rounds)
			}
			b.ReportMetric(float64(b.N)*rounds*12*float64(c.lanes)/b.Elapsed().Seconds()/1e9, "GFMA/s")
		})
	}
}

func fmaPeakRun(n int) { fmaPeak512(n) }

func setISA(isa int) { gemmISA = isa }
