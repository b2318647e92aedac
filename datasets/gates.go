package datasets

const vacationAbout = "the perceptron's vacation: go (1) iff the weather is nice AND you got leave; cheap tickets don't matter (8 rows)"

// vacation is the perceptron's classic example: three binary inputs
// (tickets cheap, got leave, weather nice), all 8 combinations in binary
// counting order, and one output
//
//	go = got leave ∧ weather nice
//
// so "tickets cheap" is a distractor the perceptron learns to ignore (its
// weight need not be zero, only too small to matter). Classes stay (0), go (1).
func vacation() *raw {
	r := &raw{
		about:    vacationAbout,
		features: []string{"tickets cheap", "got leave", "weather nice"},
		targets:  []string{"go"},
		classes:  []string{"stay", "go"},
		kind:     Classification,
		split:    1,
	}
	for i := range 8 {
		cheap, leave, nice := float64(i>>2&1), float64(i>>1&1), float64(i&1)
		r.x = append(r.x, []float64{cheap, leave, nice})
		r.y = append(r.y, []float64{leave * nice})
	}
	return r
}

// gateBuilder returns the builder of a two-input logic gate: inputs
// (0,0), (0,1), (1,0), (1,1) in that order, one 0/1 output, no test set.
func gateBuilder(name string) func(Spec) (*raw, error) {
	return func(Spec) (*raw, error) {
		r := &raw{
			about:    "logic gate " + name,
			features: []string{"x₁", "x₂"},
			targets:  []string{name},
			classes:  []string{"0", "1"},
			kind:     Classification,
			split:    1,
		}
		for _, in := range [4][2]bool{{false, false}, {false, true}, {true, false}, {true, true}} {
			a, b := in[0], in[1]
			var out bool
			switch name {
			case "and":
				out = a && b
			case "or":
				out = a || b
			case "nand":
				out = !(a && b)
			case "xor":
				out = a != b
			}
			r.x = append(r.x, []float64{b2f(a), b2f(b)})
			r.y = append(r.y, []float64{b2f(out)})
		}
		return r, nil
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
