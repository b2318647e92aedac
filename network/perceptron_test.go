package network

import "testing"

func gate(rows [][3]float64) Set {
	var s Set
	for _, r := range rows {
		s.X = append(s.X, []float64{r[0], r[1]})
		s.Y = append(s.Y, []float64{r[2]})
	}
	return s
}

// vacation is the perceptron example: inputs (tickets cheap, got leave,
// weather nice); go iff the weather is nice and leave was granted.
func vacation() Set {
	var s Set
	for i := range 8 {
		cheap, leave, nice := float64(i>>2&1), float64(i>>1&1), float64(i&1)
		s.X = append(s.X, []float64{cheap, leave, nice})
		s.Y = append(s.Y, []float64{leave * nice})
	}
	return s
}

func TestPerceptron(t *testing.T) {
	cases := []struct {
		name string
		set  Set
		want Status
	}{
		{"and", gate([][3]float64{{0, 0, 0}, {0, 1, 0}, {1, 0, 0}, {1, 1, 1}}), Converged},
		{"or", gate([][3]float64{{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 1}}), Converged},
		{"nand", gate([][3]float64{{0, 0, 1}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}}), Converged},
		{"vacation", vacation(), Converged},
		{"xor", gate([][3]float64{{0, 0, 0}, {0, 1, 1}, {1, 0, 1}, {1, 1, 0}}), NotConverging},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := len(c.set.X[0])
			net, err := New(Spec{Sizes: []int{in, 1}, Acts: []Activation{Step}, Init: InitZero}, NewRand(1))
			if err != nil {
				t.Fatal(err)
			}
			h := DefaultHyper()
			h.Rule, h.Eta = Perceptron, 1
			s := mustStepper(t, net, h, c.set, Set{})
			for s.Status() == Training {
				if err := s.Step(ByEpoch); err != nil {
					t.Fatal(err)
				}
			}
			if s.Status() != c.want {
				t.Fatalf("status %v after %d epochs, want %v", s.Status(), s.Pos().Epoch, c.want)
			}
			if c.want == NotConverging && s.Pos().Epoch > 20 {
				t.Fatalf("took %d epochs to notice the cycle", s.Pos().Epoch)
			}
			if c.want == Converged {
				for i, x := range c.set.X {
					if got := s.Net().Predict(x)[0]; got != c.set.Y[i][0] {
						t.Fatalf("row %v: predicts %v, want %v", x, got, c.set.Y[i][0])
					}
				}
				if acc := s.History()[len(s.History())-1].TrainAcc; acc != 1 {
					t.Fatalf("final accuracy %v", acc)
				}
			}
		})
	}
}

func TestPerceptronPhases(t *testing.T) {
	net, _ := New(Spec{Sizes: []int{3, 1}, Acts: []Activation{Step}, Init: InitZero}, NewRand(1))
	h := DefaultHyper()
	h.Rule, h.Eta = Perceptron, 1
	s := mustStepper(t, net, h, vacation(), Set{})
	want := []Phase{PhaseLoad, PhaseForward, PhaseUpdate}
	for i := range 8 * 3 {
		if err := s.Step(ByNeuron); err != nil {
			t.Fatal(err)
		}
		p := s.Pos().Phase
		if i == 8*3-1 {
			if p != PhaseUpdate {
				t.Fatalf("step %d: %v", i, p)
			}
			s.Step(ByPhase)
			p = s.Pos().Phase
			if p != PhaseEpochEnd {
				t.Fatalf("after the last update: %v, want epoch-end", p)
			}
			break
		}
		if p != want[i%3] {
			t.Fatalf("step %d: phase %v, want %v", i, p, want[i%3])
		}
		if p == PhaseForward {
			tr := s.Trace()
			if tr.Err[0] != tr.Y[0]-tr.YHat[0] {
				t.Fatalf("trace err %v, y %v, ŷ %v", tr.Err, tr.Y, tr.YHat)
			}
		}
	}
	if _, err := NewStepper(mustNet(t, []int{3, 2, 1}, []Activation{Step, Step}, Quadratic, 1), h, vacation(), Set{}); err == nil {
		t.Fatal("two-layer perceptron accepted")
	}
}

func TestUpdateEvery(t *testing.T) {
	for _, tc := range []struct {
		rule  Rule
		batch int
		want  int
	}{
		{Backprop, 1, 1},
		{Backprop, 10, 10},
		{Perceptron, 1, 1},
		{Perceptron, 10, 1},
	} {
		if got := (Hyper{Rule: tc.rule, Batch: tc.batch}).UpdateEvery(); got != tc.want {
			t.Errorf("%v batch %d: UpdateEvery() = %d, want %d", tc.rule, tc.batch, got, tc.want)
		}
	}
}
