package network

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var tuneISA = flag.Int("isa", -1, "TestTune: the instruction set to time (0 Go, 1 AVX2, 2 AVX-512; default the best)")

var tuneThreads = flag.Int("tune.threads", 1, "TestTuneTrain: the threads that train")

var tune = flag.Bool("tune", false, "TestTune: print the best-of-bursts speed of the kernels (for tuning on a busy machine)")

// best returns the shortest of reps timings of f (a busy machine only ever
// makes a burst slower, so the minimum estimates the quiet speed).
func best(reps int, f func()) time.Duration {
	d := time.Duration(1 << 62)
	for range reps {
		t0 := time.Now()
		f()
		d = min(d, time.Since(t0))
	}
	return d
}

func TestTune(t *testing.T) {
	if !*tune {
		t.Skip("-tune not set")
	}
	if *tuneISA >= 0 {
		setISA(*tuneISA)
		defer setISA(detectISA())
	}
	peak := 0.0
	if useAVX512 {
		d := best(300, func() { fmaPeakRun(2000) })
		peak = 2000 * 12 * 8 / d.Seconds() / 1e9
		t.Logf("peak %.1f GFMA/s", peak)
	}
	for _, sh := range tuneShapes {
		in, out, m := sh[0], sh[1], sh[2]
		c := newGemmCase(rand.New(rand.NewPCG(1, 1)), in, out, m)
		c.x, c.d = copyAligned(c.x), copyAligned(c.d)
		z, tt := zeros(m, out), zeros(m, in)
		gw, gb := make([]float64, in*out), make([]float64, out)
		gRows := rowsOf(gw, in, out)
		pack := make([]float64, (out+rankR-1)/rankR*rankR*m)
		fmas := float64(in * out * m)
		spill := make([]float64, fwdSpillLen)
		reps := max(1, int(2e5/fmas*10))
		line := fmt.Sprintf("%4dx%-4d m=%-3d", in, out, m)
		for _, k := range []struct {
			name string
			f    func()
		}{
			{"fwd", func() { forwardRange(c.w, c.b, in, c.x, z, 0, out, spill) }},
			{"bwd", func() { backwardRange(c.wRows, c.bpack, tt, 0, in) }},
			{"grad", func() { gradRange(gRows, gb, in, c.d, c.x, 0, out, pack, false) }},
		} {
			d := best(300, func() {
				for range reps {
					k.f()
				}
			})
			g := fmas * float64(reps) / d.Seconds() / 1e9
			line += fmt.Sprintf("  %s %5.1f GFMA/s (%3.0f%%)", k.name, g, 100*g/peak)
		}
		t.Log(line)
	}
}

// copyAligned copies rows into rows laid out as the stepper lays its out.
func copyAligned(rows [][]float64) [][]float64 {
	out := alignedRows(len(rows), len(rows[0]))
	for i, r := range rows {
		copy(out[i], r)
	}
	return out
}

var tuneShapes = [][3]int{{784, 100, 100}, {784, 100, 10}, {784, 30, 10}, {64, 30, 10}, {256, 128, 100}, {784, 256, 100},
	{784, 8, 6}, {784, 100, 6}, {784, 8, 96}, {256, 100, 96}, {128, 100, 96}, {512, 100, 96}}

// TestTuneTrain (with -tune) times whole mini-batches of the fast path over
// bench/compare.sh's grid (sigmoid, quadratic, SGD, one thread, synthetic
// data; -tune.threads sets the threads), best of many bursts, and prints samples/s and the share of one
// core's FMA peak: the end-to-end figure on a machine too busy for
// BenchmarkTrainGrid's wall clock.
func TestTuneTrain(t *testing.T) {
	if !*tune {
		t.Skip("-tune not set")
	}
	peak := 0.0
	if useAVX512 {
		d := best(300, func() { fmaPeakRun(2000) })
		peak = 2000 * 12 * 8 / d.Seconds() / 1e9
		t.Logf("peak %.1f GFMA/s", peak)
	}
	for _, sizes := range [][]int{{64, 30, 10}, {784, 30, 10}, {784, 100, 10}, {784, 256, 128, 100, 10}} {
		for _, m := range []int{10, 100} {
			s := benchStepper(t, sizes, 2000)
			h := s.Hyper()
			h.Batch = m
			if err := s.SetHyper(h); err != nil {
				t.Fatal(err)
			}
			s.SetThreads(*tuneThreads)
			s.Run(4 * m)
			fmas := 0
			for l := 1; l < len(sizes); l++ {
				fmas += 2 * sizes[l-1] * sizes[l]
				if l > 1 {
					fmas += sizes[l-1] * sizes[l]
				}
			}
			n := m // a burst is one mini-batch, its update included
			d := best(200, func() { s.Run(n) })
			g := float64(n) * float64(fmas) / d.Seconds() / 1e9
			t.Logf("%-22s m=%-3d %9.0f samples/s %5.1f GFMA/s (%3.0f%% of peak)", fmt.Sprint(sizes), m, float64(n)/d.Seconds(), g, 100*g/peak)
			s.Close()
		}
	}
}

// TestTuneStall (with -tune) measures the machine rather than the engine: it
// times the FMA peak loop, pure register arithmetic, in bursts of about a
// millisecond for five seconds and prints the best, median and slowest
// bursts and which of the first 200 ran under 90% of the 90th percentile.
// Whatever slows such a loop (interrupts, the hypervisor) slows every
// wall-clock figure the same way, numpy's too.
func TestTuneStall(t *testing.T) {
	if !*tune {
		t.Skip("-tune not set")
	}
	if !useAVX512 {
		t.Skip("the FMA peak loop needs AVX-512")
	}
	const n = 2000 // 2000·12 vector FMAs of 8 lanes a call
	t0 := time.Now()
	fmaPeakRun(n)
	reps := max(1, int(time.Millisecond/max(time.Since(t0), 1)))
	var g []float64
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); {
		t1 := time.Now()
		for range reps {
			fmaPeakRun(n)
		}
		g = append(g, float64(n*reps*12*8)/time.Since(t1).Seconds()/1e9)
	}
	s := slices.Sorted(slices.Values(g))
	k := len(s)
	slow, where := 0, ""
	for i, v := range g {
		if v < 0.9*s[k*9/10] {
			slow++
			if i < 200 {
				where += fmt.Sprint(" ", i)
			}
		}
	}
	t.Logf("%d bursts of %d calls: best %.1f, p90 %.1f, median %.1f, p10 %.1f, slowest %.1f GFMA/s", k, reps, s[k-1], s[k*9/10], s[k/2], s[k/10], s[0])
	t.Logf("%d bursts (%.0f%%) under 90%% of p90; among the first 200:%s", slow, 100*float64(slow)/float64(k), where)
}
