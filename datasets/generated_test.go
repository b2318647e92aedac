package datasets

import "testing"

// TestGenerated: exactly the sets Generated names draw Spec.Samples points
// and change with Spec.Noise.
func TestGenerated(t *testing.T) {
	for _, in := range Names() {
		if in.Name == "mnist" || in.Name == "fashion-mnist" {
			continue // idx files; Samples keeps the first N
		}
		if IsSequence(in.Name) {
			continue // sequences: TestSequenceSets
		}
		small, err := Load(Spec{Name: in.Name, Samples: 10, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
		takesSamples := small.Train.Len()+small.Test.Len() == 10
		// Enough points that noise flips some labels of xor-quadrants.
		a, err := Load(Spec{Name: in.Name, Samples: 400, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
		b, err := Load(Spec{Name: in.Name, Samples: 400, Noise: MaxNoise, Seed: 1})
		if err != nil {
			t.Fatalf("%s: %v", in.Name, err)
		}
		takesNoise := false
		for i := range a.Train.X {
			for j := range a.Train.X[i] {
				takesNoise = takesNoise || a.Train.X[i][j] != b.Train.X[i][j]
			}
			for j := range a.Train.Y[i] {
				takesNoise = takesNoise || a.Train.Y[i][j] != b.Train.Y[i][j]
			}
		}
		if g := Generated(in.Name); g != takesSamples || g != takesNoise {
			t.Errorf("%s: Generated %v, but takes samples %v, noise %v", in.Name, g, takesSamples, takesNoise)
		}
	}
	if _, err := Load(Spec{Name: "circle", Noise: MaxNoise + 0.01, Seed: 1}); err == nil {
		t.Errorf("noise %g: no error", MaxNoise+0.01)
	}
}
