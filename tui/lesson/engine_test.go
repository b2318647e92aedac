package lesson

import (
	"math/rand/v2"
	"testing"

	tea "charm.land/bubbletea/v2"

	"backprop/datasets"
	"backprop/internal/testkit"
	"backprop/network"
)

// The trainer lessons' checkpoints are reachable with the real engine:
// stepping as each goal says reaches it, read through Live.
func TestTrainerLessonsRealEngine(t *testing.T) {
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	newStepper := func(t *testing.T, s Scene) *network.Stepper {
		d, err := datasets.Load(datasets.Spec{Name: s.Preset, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		spec := s.ApplySpec(network.Spec{Sizes: []int{2, 4, 1}, Acts: []network.Activation{network.Sigmoid, network.Sigmoid}, Cost: network.Quadratic, Init: network.InitXavier})
		h := network.DefaultHyper()
		h.Eta, h.Batch = 2, 1
		h = s.ApplyHyper(h)
		net, err := network.New(spec, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		st, err := network.NewStepper(net, h, network.Set{X: d.Train.X, Y: d.Train.Y}, network.Set{X: d.Test.X, Y: d.Test.Y})
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	// how the learner advances in each lesson: by phase until the goal, or
	// whole epochs
	tests := []struct {
		id string
		g  []network.Granularity
	}{
		{"backprop", []network.Granularity{network.ByPhase, network.ByPhase, network.ByPhase, network.ByPhase}},
		{"cost", []network.Granularity{network.ByPhase, network.ByEpoch, network.ByEpoch}},
		{"sgd", []network.Granularity{network.ByBatch, network.ByEpoch, network.ByEpoch, network.ByEpoch, network.ByEpoch}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			m, err := New(ls, Options{NoSave: true, Start: tt.id})
			if err != nil {
				t.Fatal(err)
			}
			var st *network.Stepper
			var run func(tea.Cmd)
			run = func(cmd tea.Cmd) {
				if cmd == nil {
					return
				}
				switch msg := cmd().(type) {
				case tea.BatchMsg:
					for _, c := range msg {
						run(c)
					}
				case SceneMsg:
					if msg.Lesson != tt.id {
						return // pgdn after the last step opens the next lesson
					}
					switch sc := msg.Scene; {
					case sc.Preset != "":
						st = newStepper(t, sc)
					case st != nil:
						if err := st.SetHyper(sc.ApplyHyper(st.Hyper())); err != nil {
							t.Fatal(err)
						}
						if sc.Reset {
							st.Reset()
						}
					}
					m, _ = m.Update(msg)
				}
			}
			sync := func() {
				var cmd tea.Cmd
				m, cmd = m.Sync(Live{Screen: "trainer", Stepper: st})
				run(cmd)
			}
			run(m.Init())
			l, _ := m.Lesson()
			for si, step := range l.Steps {
				for range step.Questions {
					m, _ = m.Update(testkit.Key("a"))
				}
				sync()
				n := 0
				for ; n < 20000 && !m.StepDone(); n++ {
					if err := st.Step(tt.g[si]); err != nil {
						t.Fatalf("step %d: %v", si, err)
					}
					sync()
				}
				if !m.StepDone() {
					t.Fatalf("%s/%d %q: not reached after %d steps (%s); pos %+v", tt.id, si, step.Title, n, m.why, st.Pos())
				}
				t.Logf("%s/%d %q: %d × %v", tt.id, si, step.Title, n, tt.g[si])
				var cmd tea.Cmd
				m, cmd = m.Update(testkit.Key("pgdown"))
				run(cmd)
			}
		})
	}
}
