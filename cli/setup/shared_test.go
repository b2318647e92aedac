package setup

import (
	"runtime"
	"testing"

	"backprop/datasets"
	"backprop/internal/testkit"
	"backprop/network"
)

// TestSharedMNISTSessionMemory: sessions built under one Shared (as serve
// builds them) hold one copy of MNIST, and each session training the full
// mnist preset (50,000 images; hand steps that fill its 4 MiB undo budget,
// then two thousand mini-batches in run mode and an epoch's evaluation)
// costs at most 20 MB of heap beyond it; the server's --max-samples
// default does not refuse the shared preset. Heap is measured with
// runtime.MemStats after a GC, so it counts what the sessions keep.
func TestSharedMNISTSessionMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: trains MNIST")
	}
	p, err := FindPreset("mnist")
	if err != nil {
		t.Fatal(err)
	}
	su := p.Setup
	su.Data.DataDir = testkit.MNISTDir(t)
	lim := Limits{Shared: datasets.NewShared(), MaxSamples: 2000, UndoBudget: 4 << 20, MaxDataBytes: 256 << 20}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	base := heap()
	first := train(t, su, lim)
	afterOne := heap()
	const more = 4
	sessions := []*Session{first}
	for range more {
		sessions = append(sessions, train(t, su, lim))
	}
	afterAll := heap()
	per := (int64(afterAll) - int64(afterOne)) / more
	shared := first.Dataset.Train.U8.Size() + first.Dataset.Test.U8.Size()
	t.Logf("heap: %.1f MB with one session (the shared copy is %.1f MB), %.2f MB a further session; %d loads",
		float64(afterOne-base)/1e6, float64(shared)/1e6, float64(per)/1e6, lim.Shared.Loads())
	if lim.Shared.Loads() != 1 {
		t.Errorf("%d sessions made %d loads, want 1", len(sessions), lim.Shared.Loads())
	}
	for _, s := range sessions[1:] {
		if &s.Dataset.Train.U8.Bytes(0)[0] != &first.Dataset.Train.U8.Bytes(0)[0] {
			t.Fatal("two sessions hold different copies of MNIST")
		}
	}
	if per > 20e6 {
		t.Errorf("a session costs %.1f MB beyond the shared copy, want ≤ 20 MB", float64(per)/1e6)
	}
	runtime.KeepAlive(sessions)
}

// train builds a session of su under lim and trains it: 200 hand-stepped
// mini-batches (each an undo step), 2000 in run mode, and the test set's
// evaluation.
func train(t *testing.T, su Setup, lim Limits) *Session {
	t.Helper()
	s, err := New("mnist", su, lim)
	if err != nil {
		t.Fatal(err)
	}
	if n := s.Dataset.Train.Len(); n != datasets.IDXTrain {
		t.Fatalf("the session sees %d training images, want %d", n, datasets.IDXTrain)
	}
	for range 200 {
		if err := s.Stepper.Step(network.ByBatch); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Stepper.Run(2000 * su.Hyper.Batch); err != nil {
		t.Fatal(err)
	}
	if m := s.Stepper.Net().Evaluate(NetSet(s.Dataset.Test)); !(m.Accuracy > 0.5) {
		t.Fatalf("accuracy %v after 2200 mini-batches", m.Accuracy)
	}
	return s
}
