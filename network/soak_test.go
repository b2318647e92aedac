package network

import (
	"bytes"
	"runtime"
	"testing"
)

// TestSoakBoundedStores runs a tiny network for 10⁶ epochs on the fast
// path (10⁵ with -short or the race detector) the way the trainer does —
// a run with one undo snapshot, continued without — and 10⁵ the way
// headless `train` does (undo off), and checks every store that grows with a run:
// history, mini-batch losses, undo snapshots, the model file, and the heap.
func TestSoakBoundedStores(t *testing.T) {
	epochs := 1_000_000
	if testing.Short() || raceEnabled {
		epochs = 100_000
	}
	const undoBudget = 4 << 20
	for _, mode := range []string{"trainer", "headless"} {
		t.Run(mode, func(t *testing.T) {
			epochs := epochs
			if mode == "headless" {
				epochs = min(epochs, 100_000)
			}
			s := xorStepper(t)
			if mode == "trainer" {
				s.SetUndoBudget(undoBudget)
			} else {
				s.SetUndoBudget(0)
			}
			var heap []uint64
			check := func() {
				if h := s.History(); len(h) > MaxHistory || cap(s.hist.v) > 2*MaxHistory || h[len(h)-1].Epoch != s.Pos().Epoch {
					t.Fatalf("epoch %d: history of %d entries (cap %d), last %d", s.Pos().Epoch, len(h), cap(s.hist.v), h[len(h)-1].Epoch)
				}
				if n := len(s.BatchLosses()); n > MaxBatchLosses || cap(s.batchLosses.v) > 2*MaxBatchLosses {
					t.Fatalf("epoch %d: %d batch losses", s.Pos().Epoch, n)
				}
				if s.UndoBytes() > undoBudget || mode == "headless" && s.UndoDepth() != 0 {
					t.Fatalf("epoch %d: %d snapshots, %d bytes", s.Pos().Epoch, s.UndoDepth(), s.UndoBytes())
				}
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				heap = append(heap, ms.HeapAlloc)
			}
			const chunk = 1000 // epochs per run: one snapshot each, as a trainer's run
			for e := 0; e < epochs; e += 10 * chunk {
				for k := range 10 {
					var err error
					if k%3 == 0 {
						_, err = s.Run(4 * chunk)
					} else {
						_, err = s.RunOn(4*chunk, 0)
					}
					if err != nil {
						t.Fatal(err)
					}
				}
				if e%(epochs/10) == 0 {
					check()
				}
			}
			check()
			if s.Pos().Epoch != epochs {
				t.Fatalf("ran %d epochs, want %d", s.Pos().Epoch, epochs)
			}
			var b bytes.Buffer
			if err := s.Model().Write(&b); err != nil {
				t.Fatal(err)
			}
			if b.Len() > 1<<20 {
				t.Errorf("model file after %d epochs: %d bytes", epochs, b.Len())
			}
			// Flat: the heap after the first tenth of the run is where it stays
			// (within the undo budget and a history array's worth).
			first, last := heap[1], heap[len(heap)-1]
			if last > first+undoBudget+1<<20 {
				t.Errorf("heap grew from %d to %d bytes between epoch %d and %d", first, last, epochs/10, epochs)
			}
			t.Logf("%s, %d epochs: %d history entries of %d epochs, %d batch losses, %d undo snapshots (%d bytes), model file %d bytes, heap %d → %d bytes",
				mode, epochs, len(s.History()), s.History()[0].span(), len(s.BatchLosses()), s.UndoDepth(), s.UndoBytes(), b.Len(), first, last)
		})
	}
}
