package bench

import (
	"fmt"
	"strings"
)

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
	// Rule says the target in words: "go when you got leave and the
	// weather is nice".
	Rule string
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

func gate(name, title, words string, rule func(a, b bool) bool) Problem {
	return Problem{
		Name:     name,
		Title:    title,
		Rule:     words,
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
			Rule:     "go when you got leave and the weather is nice",
			target:   func(x []float64) float64 { return b2f(x[1] > 0.5 && x[2] > 0.5) },
		},
		gate("and", "logic gate AND", "1 when x₁ and x₂ are both 1", func(a, b bool) bool { return a && b }),
		gate("or", "logic gate OR", "1 when x₁ or x₂ (or both) is 1", func(a, b bool) bool { return a || b }),
		gate("nand", "logic gate NAND", "0 only when x₁ and x₂ are both 1", func(a, b bool) bool { return !(a && b) }),
		gate("xor", "logic gate XOR", "1 when exactly one of x₁, x₂ is 1", func(a, b bool) bool { return a != b }),
	}
}

// WithTarget is p with the target "Positive when every one of the inputs
// ids is on" (ids by Input.ID): a lesson's own rule over the problem's
// inputs, e.g. the vacation inputs with "go when the weather is nice". It
// has no data set of datasets (Data is ""), so the trainer cannot open it.
func (p Problem) WithTarget(ids []string) (Problem, error) {
	if len(ids) == 0 {
		return p, fmt.Errorf("bench: a target needs at least one input")
	}
	var ks []int
	var words []string
	for _, id := range ids {
		k := -1
		for i, in := range p.Inputs {
			if in.ID == id {
				k = i
			}
		}
		if k < 0 {
			var have []string
			for _, in := range p.Inputs {
				have = append(have, in.ID)
			}
			return p, fmt.Errorf("bench: %s has no input %q (inputs: %s)", p.Name, id, strings.Join(have, ", "))
		}
		ks = append(ks, k)
		words = append(words, p.Inputs[k].Name)
	}
	p.Data = ""
	p.Rule = fmt.Sprintf("%s when %s", p.Positive, strings.Join(words, " and "))
	if len(ids) == 1 {
		p.Rule += ", whatever the rest"
	}
	p.target = func(x []float64) float64 {
		for _, k := range ks {
			if x[k] <= 0.5 {
				return 0
			}
		}
		return 1
	}
	return p, nil
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
