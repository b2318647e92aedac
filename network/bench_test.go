package network

import (
	"fmt"
	"testing"
)

// benchStepper builds a sigmoid/quadratic net with batch 10 and η = 3 on n
// synthetic samples (pixel-like inputs in [0,1), one-hot targets), with undo
// off and no per-epoch evaluation: what the benchmarks time is training.
func benchStepper(tb testing.TB, sizes []int, n int) *Stepper {
	acts := make([]Activation, len(sizes)-1)
	for i := range acts {
		acts[i] = Sigmoid
	}
	net := mustNet(tb, sizes, acts, Quadratic, 1)
	h := DefaultHyper()
	h.Eta, h.Batch = 3, 10
	s := mustStepper(tb, net, h, synth(n, sizes[0], sizes[len(sizes)-1], 1), Set{})
	s.SetUndoBudget(0)
	s.skipEval = true
	return s
}

func benchTrain(b *testing.B, sizes []int, n int) {
	s := benchStepper(b, sizes, n)
	b.ResetTimer()
	done, err := s.Run(b.N)
	if err != nil || done != b.N {
		b.Fatalf("Run(%d) = %d, %v", b.N, done, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkTrainDigitsShape: [64,30,10], sigmoid, quadratic, batch 10; one
// op is one training sample.
func BenchmarkTrainDigitsShape(b *testing.B) { benchTrain(b, []int{64, 30, 10}, 1347) }

// BenchmarkTrainMNISTShape: [784,30,10] on 5000 synthetic samples.
func BenchmarkTrainMNISTShape(b *testing.B) { benchTrain(b, []int{784, 30, 10}, 5000) }

// BenchmarkTrainDigitsShapeWithEval is the digits benchmark with the
// per-epoch evaluation of the (1347-sample) training set included.
func BenchmarkTrainDigitsShapeWithEval(b *testing.B) {
	s := benchStepper(b, []int{64, 30, 10}, 1347)
	s.skipEval = false
	b.ResetTimer()
	if _, err := s.Run(b.N); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}

// BenchmarkStepByPhase is the interactive path: one phase per call, with
// undo snapshots on.
func BenchmarkStepByPhase(b *testing.B) {
	s := benchStepper(b, []int{64, 30, 10}, 1347)
	s.SetUndoBudget(DefaultUndoBudget)
	b.ResetTimer()
	for range b.N {
		if err := s.Step(ByPhase); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}

func TestFastPathAllocs(t *testing.T) {
	for _, sizes := range [][]int{{64, 30, 10}, {5, 7, 6, 3}} {
		s := benchStepper(t, sizes, 1000)
		s.Run(3) // warm up: lazily allocated update records
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := s.Run(17); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%v: %v allocations per Run(17), want 0", sizes, allocs)
		}
		ws := s.Net().NewWorkspace()
		x := s.Train().X[0]
		if a := testing.AllocsPerRun(20, func() { s.Net().Forward(ws, x) }); a != 0 {
			t.Errorf("%v: %v allocations per Forward, want 0", sizes, a)
		}
	}
}

// BenchmarkTrainGrid is the fast path over bench/compare.sh's grid on
// synthetic data (sigmoid, quadratic, SGD, η = 3, no evaluation), on one and
// two threads; one op is one sample. GFMA/s counts the kernels'
// multiply-adds (forward and gradient of every layer, backward of all but
// the first), comparable with BenchmarkFMAPeak. With one thread it also
// reports cpu-ns/op, the training thread's CPU time per sample, which a
// busy machine inflates far less than the wall clock.
func BenchmarkTrainGrid(b *testing.B) {
	for _, sizes := range [][]int{{64, 30, 10}, {784, 30, 10}, {784, 100, 10}, {784, 256, 128, 100, 10}} {
		for _, m := range []int{10, 100} {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%v/m=%d/threads=%d", sizes, m, threads), func(b *testing.B) {
					s := benchStepper(b, sizes, 2000)
					h := s.Hyper()
					h.Batch = m
					if err := s.SetHyper(h); err != nil {
						b.Fatal(err)
					}
					s.SetThreads(threads)
					defer s.Close()
					s.Run(2 * m) // warm up
					defer lockThread()()
					b.ResetTimer()
					cpu0 := threadCPU()
					if _, err := s.Run(b.N); err != nil {
						b.Fatal(err)
					}
					if cpu := threadCPU() - cpu0; cpu > 0 && threads == 1 {
						// One thread's CPU time: the speed the wall clock
						// would show on an idle machine.
						b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
					}
					fmas := 0
					for l := 1; l < len(sizes); l++ {
						fmas += 2 * sizes[l-1] * sizes[l]
						if l > 1 {
							fmas += sizes[l-1] * sizes[l]
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
					b.ReportMetric(float64(b.N)*float64(fmas)/b.Elapsed().Seconds()/1e9, "GFMA/s")
				})
			}
		}
	}
}
