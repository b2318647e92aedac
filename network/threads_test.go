package network

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// threaded returns c's stepper training on threads goroutines, every phase
// split however small (so that tiny nets exercise the split too).
func threaded(t *testing.T, c config, n, threads int) *Stepper {
	s := newConfig(t, c, n)
	s.SetThreads(threads)
	s.bt.minWork = 0
	t.Cleanup(s.Close)
	return s
}

// TestThreadsSameBits checks that 1, 2 and 3 threads leave bit-identical
// weights, batch sums and histories, run and stepped at every granularity.
func TestThreadsSameBits(t *testing.T) {
	const n = 23
	for _, c := range configs {
		t.Run(c.name, func(t *testing.T) {
			want := newConfig(t, c, n)
			if _, err := want.Run(3 * n); err != nil {
				t.Fatal(err)
			}
			for _, threads := range []int{2, 3} {
				for _, g := range []Granularity{ByNeuron, ByPhase, BySample, ByBatch, ByEpoch} {
					s := threaded(t, c, n, threads)
					for s.Pos().Steps < 3*n || s.Pos().Phase != PhaseEpochEnd {
						if err := s.Step(g); err != nil {
							t.Fatal(err)
						}
					}
					what := fmt.Sprintf("%d threads, %v", threads, g)
					sameWeights(t, what, want.Net(), s.Net())
					if !sameParams(want.grad, s.grad) || !sameStats(want.History(), s.History()) {
						t.Fatalf("%s: batch sums or history differ", what)
					}
				}
				s := threaded(t, c, n, threads)
				for s.Pos().Steps < 3*n {
					if _, err := s.Run(min(7, 3*n-s.Pos().Steps)); err != nil {
						t.Fatal(err)
					}
				}
				sameWeights(t, fmt.Sprintf("%d threads, Run(7)s", threads), want.Net(), s.Net())
			}
		})
	}
}

// TestThreadsWide trains a net wide enough for the real split threshold.
func TestThreadsWide(t *testing.T) {
	sizes := []int{784, 100, 30, 10}
	var want *Stepper
	for _, threads := range []int{1, 2, 3} {
		net := mustNet(t, sizes, []Activation{Sigmoid, Tanh, Sigmoid}, Quadratic, 1)
		h := DefaultHyper()
		h.Batch, h.Eta = 37, 1
		s := mustStepper(t, net, h, synth(200, 784, 10, 1), synth(20, 784, 10, 2))
		s.SetThreads(threads)
		t.Cleanup(s.Close)
		if _, err := s.Run(400); err != nil {
			t.Fatal(err)
		}
		if want == nil {
			want = s
			continue
		}
		sameWeights(t, fmt.Sprintf("%d threads", threads), want.Net(), s.Net())
	}
}

func sameParams(a, b params) bool {
	for l := range a.w {
		if !sameBits(a.w[l], b.w[l]) || !sameBits(a.b[l], b.b[l]) {
			return false
		}
	}
	return true
}

func sameStats(a, b []EpochStats) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if !sameBits([]float64{x.TrainLoss, x.TrainAcc, x.TestLoss, x.TestAcc}, []float64{y.TrainLoss, y.TrainAcc, y.TestLoss, y.TestAcc}) {
			return false
		}
	}
	return true
}

// TestThreadsAllocs: the fast path with helpers allocates nothing per run.
func TestThreadsAllocs(t *testing.T) {
	s := benchStepper(t, []int{784, 64, 10}, 500)
	s.SetThreads(2)
	defer s.Close()
	s.Run(30) // warm up: lazily allocated records and packs
	if a := testing.AllocsPerRun(20, func() {
		if _, err := s.Run(17); err != nil {
			t.Fatal(err)
		}
	}); a != 0 {
		t.Errorf("%v allocations per Run(17) on 2 threads, want 0", a)
	}
}

// TestThreadsClose: Close and SetThreads(1) end the helpers; a dropped
// stepper's helpers end too.
func TestThreadsClose(t *testing.T) {
	before := runtime.NumGoroutine()
	s := benchStepper(t, []int{784, 64, 10}, 100)
	s.SetThreads(3)
	s.Run(50)
	s.SetThreads(2)
	s.Run(50)
	s.Close()
	s.Close()
	if s.Threads() != 1 {
		t.Errorf("Threads() = %d after Close, want 1", s.Threads())
	}
	waitGoroutines(t, before)
	s.SetThreads(2)
	s.Run(10)
	s.SetThreads(1)
	waitGoroutines(t, before)
	func() {
		d := benchStepper(t, []int{784, 64, 10}, 100)
		d.SetThreads(2)
		d.Run(20)
	}()
	for range 10 {
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
	waitGoroutines(t, before)
}

func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	for i := 0; runtime.NumGoroutine() > want && i < 200; i++ {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > want {
		t.Fatalf("%d goroutines, want %d", n, want)
	}
}

// TestThreadsCompact trains on a compact set (bytes read as b/255) with 1, 2
// and 3 threads, every layer split (so that the helpers convert the rows
// into copies of their own) and with the real thresholds, run in chunks
// and whole, stepped by sample: the weights and gradient norms are the bits
// of one thread on the same values as float64 rows.
func TestThreadsCompact(t *testing.T) {
	const n, in = 37, 70
	sizes := []int{in, 96, 3}
	packed, flat := synthU8(t, n, in, 3, 5)
	stepper := func(set Set, threads, minWork int) *Stepper {
		h := DefaultHyper()
		h.Batch, h.Seed = 10, 3
		s := mustStepper(t, mustNet(t, sizes, []Activation{Sigmoid, Sigmoid}, Quadratic, 11), h, set, synth(5, in, 3, 2))
		s.SetThreads(threads)
		if minWork >= 0 {
			s.bt.minWork = minWork
		}
		t.Cleanup(s.Close)
		return s
	}
	want := stepper(flat, 1, -1)
	if _, err := want.Run(3 * n); err != nil {
		t.Fatal(err)
	}
	for _, threads := range []int{1, 2, 3} {
		for _, minWork := range []int{0, -1} {
			for _, chunk := range []int{7, 3 * n, 1} {
				s := stepper(packed, threads, minWork)
				for s.Pos().Steps < 3*n {
					var err error
					if chunk == 1 {
						err = s.Step(BySample)
					} else {
						_, err = s.Run(min(chunk, 3*n-s.Pos().Steps))
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				what := fmt.Sprintf("%d threads, minWork %d, chunks of %d", threads, minWork, chunk)
				sameWeights(t, what, want.Net(), s.Net())
				if fmt.Sprint(want.GradNorms()) != fmt.Sprint(s.GradNorms()) {
					t.Fatalf("%s: gradient norms %v, want %v", what, s.GradNorms(), want.GradNorms())
				}
			}
		}
	}
}

// TestLastUpdateRecord: after a plain SGD update (which leaves the record's
// new values to be written when read) Trace shows the weights before and
// after the update, also after a later edit and its undo, and in a twin.
func TestLastUpdateRecord(t *testing.T) {
	c := configs[0] // sigmoid, quadratic, SGD
	s := newConfig(t, c, 23)
	m := s.Hyper().Batch
	if _, err := s.Run(2*m - 1); err != nil {
		t.Fatal(err)
	}
	before := s.Net().Clone()
	if _, err := s.Run(1); err != nil { // the batch's last sample and its update
		t.Fatal(err)
	}
	after := s.Net().Clone()
	check := func(what string, last []Update) {
		t.Helper()
		for l := range last {
			if fmt.Sprint(last[l].OldW, last[l].OldB) != fmt.Sprint(before.Layers[l].W, before.Layers[l].B) ||
				fmt.Sprint(last[l].NewW, last[l].NewB) != fmt.Sprint(after.Layers[l].W, after.Layers[l].B) {
				t.Fatalf("%s: layer %d's record is not the update's old and new weights", what, l)
			}
		}
	}
	twin := s.Fork()
	defer twin.Close()
	check("twin", twin.Trace().Last)
	if err := s.SetWeight(0, 0, 0, 42); err != nil {
		t.Fatal(err)
	}
	check("after an edit", s.Trace().Last)
	if !s.Undo() {
		t.Fatal("no undo")
	}
	check("after undo", s.Trace().Last)
}
