package tui

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
			s, err := newSession(p.Name, p.Setup, Limits{})
			if err != nil {
				t.Fatal(err)
			}
			for e := 0; e < tc.epochs && s.st.Status() == network.Training; e++ {
				if err := s.st.Step(network.ByEpoch); err != nil {
					t.Fatalf("epoch %d: %v", e+1, err)
				}
			}
			h := s.st.History()
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
			if s.st.Status() != tc.status {
				t.Errorf("status %s, want %s", s.st.Status(), tc.status)
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
		if _, err := newSession(p.Name, p.Setup, Limits{}); err == nil {
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
		if _, err := newSession(p.Name, p.Setup, lim); err == nil {
			t.Errorf("limits %+v: digits accepted", lim)
		}
	}
	if _, err := newSession(p.Name, p.Setup, Limits{MaxNeurons: 200, MaxWeights: 5000, MaxSamples: 2000}); err != nil {
		t.Errorf("generous limits: %v", err)
	}
}

func TestLRStep(t *testing.T) {
	tests := []struct {
		eta  float64
		up   bool
		want float64
	}{
		{0.5, true, 1}, {1, true, 2}, {2, true, 5}, {5, true, 10}, {3, true, 5},
		{0.5, false, 0.2}, {1, false, 0.5}, {2, false, 1}, {3, false, 2}, {0.01, false, 0.005},
		{0, true, 0.1}, {-1, false, 0.1},
	}
	for _, tc := range tests {
		if got := lrStep(tc.eta, tc.up); got < tc.want*(1-1e-9) || got > tc.want*(1+1e-9) {
			t.Errorf("lrStep(%g, %v) = %g, want %g", tc.eta, tc.up, got, tc.want)
		}
	}
}

func TestResolvePath(t *testing.T) {
	tests := []struct {
		typed   string
		sandbox bool
		want    string
		wantErr bool
	}{
		{"m.json", false, "m.json", false},
		{"/tmp/x/m.json", false, "/tmp/x/m.json", false},
		{"", false, "", true},
		{"m.json", true, "/save/m.json", false},
		{"../m.json", true, "", true},
		{"/etc/passwd", true, "", true},
		{"a/b.json", true, "", true},
		{".hidden", true, "", true},
		{"..", true, "", true},
	}
	for _, tc := range tests {
		got, err := resolvePath(tc.typed, tc.sandbox, "/save")
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("resolvePath(%q, %v) = %q, %v; want %q, err %v", tc.typed, tc.sandbox, got, err, tc.want, tc.wantErr)
		}
	}
	if _, err := resolvePath("m.json", true, ""); err == nil {
		t.Error("sandbox without a save dir: no error")
	}
}
