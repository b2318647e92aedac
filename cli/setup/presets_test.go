package setup

import (
	"errors"
	"testing"

	"backprop/datasets"
	"backprop/network"
)

// TestPresetsLearn checks that every preset learns what its launcher line
// promises within a budget of epochs a person would wait for in run mode.
func TestPresetsLearn(t *testing.T) {
	tests := []struct {
		name     string
		epochs   int
		trainAcc float64
		testAcc  float64 // 0: no test set
		status   network.Status
	}{
		{"vacation", 20, 1, 0, network.Converged},
		{"and", 100, 1, 0, network.Training},
		{"or", 100, 1, 0, network.Training},
		{"nand", 100, 1, 0, network.Training},
		{"xor", 1000, 1, 0, network.Training},
		{"circle", 100, 0.95, 0.95, network.Training},
		{"spiral", 300, 0.9, 0, network.Training},
		{"iris", 100, 0.95, 0.9, network.Training},
		{"digits", 10, 0.95, 0.95, network.Training},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := FindPreset(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := New(p.Name, p.Setup, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			for e := 0; e < tc.epochs && s.Stepper.Status() == network.Training; e++ {
				if err := s.Stepper.Step(network.ByEpoch); err != nil {
					t.Fatalf("epoch %d: %v", e+1, err)
				}
			}
			h := s.Stepper.History()
			if len(h) == 0 {
				t.Fatal("no history")
			}
			last := h[len(h)-1]
			if last.TrainAcc < tc.trainAcc {
				t.Errorf("after %d epochs train accuracy %.3f, want ≥ %.2f", len(h), last.TrainAcc, tc.trainAcc)
			}
			if tc.testAcc > 0 && last.TestAcc < tc.testAcc {
				t.Errorf("after %d epochs test accuracy %.3f, want ≥ %.2f", len(h), last.TestAcc, tc.testAcc)
			}
			if s.Stepper.Status() != tc.status {
				t.Errorf("status %s, want %s", s.Stepper.Status(), tc.status)
			}
		})
	}
}

func TestPresetsWithoutData(t *testing.T) {
	for _, name := range []string{"mnist", "fashion-mnist"} {
		p, err := FindPreset(name)
		if err != nil {
			t.Fatal(err)
		}
		p.Setup.Data.DataDir = t.TempDir()
		if _, err := New(p.Name, p.Setup, Limits{}); err == nil {
			t.Logf("%s: data found on this machine", name)
		} else if !errors.Is(err, datasets.ErrNoIDX) {
			t.Errorf("%s: %v, want datasets.ErrNoIDX with instructions", name, err)
		}
	}
}

func TestFindPreset(t *testing.T) {
	if p, err := FindPreset("XOR"); err != nil || p.Name != "xor" {
		t.Errorf("FindPreset(XOR) = %q, %v", p.Name, err)
	}
	if _, err := FindPreset("nope"); err == nil {
		t.Error("FindPreset(nope): no error")
	}
}

func TestLimits(t *testing.T) {
	p, _ := FindPreset("digits")
	for _, lim := range []Limits{{MaxNeurons: 50}, {MaxWeights: 1000}, {MaxSamples: 100}} {
		if _, err := New(p.Name, p.Setup, lim); err == nil {
			t.Errorf("limits %+v: digits accepted", lim)
		}
	}
	if _, err := New(p.Name, p.Setup, Limits{MaxNeurons: 200, MaxWeights: 5000, MaxSamples: 2000}); err != nil {
		t.Errorf("generous limits: %v", err)
	}
}
