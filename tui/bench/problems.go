package bench

import "fmt"

// Input is one binary input of the bench.
type Input struct {
	ID   string // short identifier used in lesson checks, e.g. "weather"
	Name string // what the learner reads, e.g. "weather nice"
}

// Problem is a truth table the single perceptron tries to reproduce.
type Problem struct {
	Name     string // "vacation", "and", "or", "nand", "xor"
	Title    string // one line shown in the header
	Data     string // the datasets name of the same table
	Inputs   []Input
	Positive string // what output 1 means ("go", "1")
	Negative string // what output 0 means ("stay", "0")
	// target is the rule the table follows.
	target func(x []float64) float64
}

// Target returns the rule's output for x: 1 or 0.
func (p Problem) Target(x []float64) float64 { return p.target(x) }

// Rows returns all 2ⁿ input rows in counting order: the first input is the
// most significant bit, so row r has x_k = bit (n−1−k) of r.
func (p Problem) Rows() [][]float64 {
	n := len(p.Inputs)
	rows := make([][]float64, 1<<n)
	for r := range rows {
		x := make([]float64, n)
		for k := range x {
			x[k] = float64(r >> (n - 1 - k) & 1)
		}
		rows[r] = x
	}
	return rows
}

// Word names an output: Positive for 1, Negative for 0.
func (p Problem) Word(y float64) string {
	if y > 0.5 {
		return p.Positive
	}
	return p.Negative
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func gate(name, title string, rule func(a, b bool) bool) Problem {
	return Problem{
		Name:     name,
		Title:    title,
		Data:     name,
		Inputs:   []Input{{"x1", "x₁"}, {"x2", "x₂"}},
		Positive: "1",
		Negative: "0",
		target:   func(x []float64) float64 { return b2f(rule(x[0] > 0.5, x[1] > 0.5)) },
	}
}

// Problems returns the bench's problems in menu order. The vacation rule is
// "go iff the weather is nice AND I got leave"; cheap tickets don't matter.
func Problems() []Problem {
	return []Problem{
		{
			Name:     "vacation",
			Title:    "go on vacation?",
			Data:     "vacation",
			Inputs:   []Input{{"tickets", "tickets cheap"}, {"leave", "got leave"}, {"weather", "weather nice"}},
			Positive: "go",
			Negative: "stay",
			target:   func(x []float64) float64 { return b2f(x[1] > 0.5 && x[2] > 0.5) },
		},
		gate("and", "logic gate AND", func(a, b bool) bool { return a && b }),
		gate("or", "logic gate OR", func(a, b bool) bool { return a || b }),
		gate("nand", "logic gate NAND", func(a, b bool) bool { return !(a && b) }),
		gate("xor", "logic gate XOR", func(a, b bool) bool { return a != b }),
	}
}

// ProblemByName finds a problem of Problems.
func ProblemByName(name string) (Problem, error) {
	for _, p := range Problems() {
		if p.Name == name {
			return p, nil
		}
	}
	return Problem{}, fmt.Errorf("bench: unknown problem %q (want vacation, and, or, nand or xor)", name)
}
