package panes

import (
	"testing"
	"time"

	"backprop/network"
)

// benchPane draws one pane repeatedly with a warm cache, as a session does
// while paused, and reports ms per frame.
func benchPane(b *testing.B, fn func(Input) string, in Input) {
	b.Helper()
	if in.Cache == nil {
		in.Cache = &Cache{}
	}
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		_ = fn(in)
	}
	report(b, cpu0)
}

func BenchmarkPanes(b *testing.B) {
	for _, p := range allPanes() {
		b.Run(p.name+"/xor-60x20", func(b *testing.B) { benchPane(b, p.fn, xorInput(network.PhaseUpdate, 60, 20)) })
		b.Run(p.name+"/digits-60x20", func(b *testing.B) { benchPane(b, p.fn, digitsInput(60, 20)) })
	}
}

// BenchmarkDigitsFrame draws every pane once at the sizes a 120×40 screen
// gives them, for the digits network (64-30-10): the panes' share of one
// View. While training runs the weights change every frame, so the boundary
// and confusion caches are invalidated as in run mode (large step jumps).
func BenchmarkDigitsFrame(b *testing.B) {
	sizes := []struct {
		fn   func(Input) string
		w, h int
	}{
		{Topology, 58, 18}, {Inspector, 58, 10}, {Activations, 58, 8}, {Weights, 58, 8},
		{Loss, 58, 10}, {Boundary, 58, 12}, {Sample, 58, 16},
	}
	for _, mode := range []string{"paused", "running"} {
		b.Run(mode, func(b *testing.B) {
			in := digitsInput(0, 0)
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if mode == "running" {
					in.Net.Layers[0].W[0] += 1e-6
					in.Pos.Steps += 1000
				}
				for _, s := range sizes {
					in.W, in.H = s.w, s.h
					_ = s.fn(in)
				}
			}
			report(b, cpu0)
		})
	}
}

// report adds wall and CPU milliseconds per frame (the CPU time is the
// whole process's, including the garbage collector's).
func report(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/frame")
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/frame")
}

// BenchmarkHidden draws the Hidden space pane at its 120×40 size (38×17)
// on xor: paused (the map cached) and with the weights changing every
// frame, so the points and grid lines are mapped again each time.
func BenchmarkHidden(b *testing.B) {
	for _, mode := range []string{"paused", "changing"} {
		b.Run(mode, func(b *testing.B) {
			in := xorInput(network.PhaseUpdate, 38, 17)
			in.Hidden = &HiddenView{Layer: 1, I: 0, J: 1}
			in.Cache = &Cache{}
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if mode == "changing" {
					in.Net.Layers[0].W[0] += 1e-6
				}
				_ = Hidden(in)
			}
			report(b, cpu0)
		})
	}
}
