package lesson

import (
	"strings"
	"testing"
)

// fakeState is a State from plain maps: a bench with inputs ids and unit
// z = Σ w·x + b, and variables.
type fakeState struct {
	vars map[string]Value
	ids  []string
	w    []float64
	b    float64
	x    map[string]float64 // toggles
}

func (f fakeState) Var(name string) (Value, bool) {
	if id, ok := strings.CutPrefix(name, "input."); ok && f.ids != nil {
		return Num(f.x[id]), true
	}
	v, ok := f.vars[name]
	return v, ok
}
func (f fakeState) Inputs() []string { return f.ids }
func (f fakeState) Z(x map[string]float64) (float64, bool) {
	if f.ids == nil {
		return 0, false
	}
	z := f.b
	for k, id := range f.ids {
		z += f.w[k] * x[id]
	}
	return z, true
}

// Target is "leave AND weather" over the fake's inputs (a vacation bench).
func (f fakeState) Target(x map[string]float64) (float64, bool) {
	if f.ids == nil {
		return 0, false
	}
	if x["leave"] == 1 && x["weather"] == 1 {
		return 1, true
	}
	return 0, true
}
func (f fakeState) Weight(l, j, k int) (float64, bool) {
	if f.ids == nil || l != 0 || j != 0 || k >= len(f.w) {
		return 0, false
	}
	if k < 0 {
		return f.b, true
	}
	return f.w[k], true
}

func vacation(w []float64, theta float64) fakeState {
	return fakeState{
		ids: []string{"tickets", "leave", "weather"}, w: w, b: -theta,
		x: map[string]float64{"weather": 1},
		vars: map[string]Value{
			"phase": Str("output-delta"), "status": Str("training"), "epoch": Num(3), "steps": Num(12),
			"loss": Num(0.04), "accuracy": Num(0.75), "screen": Str("bench"), "unit": Str("sigmoid"),
		},
	}
}

func TestEval(t *testing.T) {
	weather := vacation([]float64{0, 0, 1}, 0.5)
	and := vacation([]float64{0, 1, 1}, 1.5)
	deep := fakeState{vars: map[string]Value{
		"grad_ratio": Num(0.003), "init": Str("he"), "grad_norm.0": Num(0.0001), "grad_norm.4": Num(0.05),
		"act.0": Str("sigmoid"), "act.4": Str("sigmoid"),
	}}
	base := map[string]float64{"steps": 10, "epoch": 3}
	tests := []struct {
		src  string
		st   fakeState
		want bool
		err  string
	}{
		{"phase == output-delta", weather, true, ""},
		{"phase != output-delta", weather, false, ""},
		{"phase == update", weather, false, ""},
		{"status == training && epoch >= 3", weather, true, ""},
		{"epoch > 3 || loss < 0.05", weather, true, ""},
		{"epoch > 3 || loss < 0.01", weather, false, ""},
		{"!(epoch > 3)", weather, true, ""},
		{"accuracy >= 0.75 && accuracy <= 0.75 && accuracy == 0.75", weather, true, ""},
		{"steps == 12", weather, true, ""},
		{"since(steps) >= 2", weather, true, ""},
		{"since(steps) >= 3", weather, false, ""},
		{"since(epoch) >= 1", weather, false, ""},
		{"decision(weather=1) == go", weather, true, ""},
		{"decision(weather=1, leave=0, tickets=1) == 1", weather, true, ""},
		{"decision(weather=0, leave=1, tickets=1) == stay", weather, true, ""},
		{"decision(weather=0)", weather, false, ""},
		{"follows(weather)", weather, true, ""},
		{"follows(!weather)", weather, false, ""},
		{"follows(leave)", weather, false, ""},
		{"follows(weather)", and, false, ""},
		{"decision(weather=1, leave=1) == go && decision(weather=1) == stay", and, true, ""},
		{"input(weather) == 1 && input(leave) == 0", weather, true, ""},
		{"sigmoid(weather=1, leave=1) >= 0.6", and, true, ""},
		{"sigmoid(weather=1, leave=1) >= 0.7", and, false, ""},
		{"z(weather=1) == -0.5", and, true, ""},
		{"w(3) == 1 && threshold == 1.5", and, true, ""},
		{"weight(0, 0, 1) == 1 && bias(0, 0) == -1.5", and, true, ""},
		{"unit == sigmoid", weather, true, ""},
		{"target(leave=1, weather=1) == go && target(weather=1) == stay && target() == 0", weather, true, ""},
		{"target(weather=1) == go", weather, false, ""},
		{"target(weather=1) == 1", fakeState{}, false, "no bench"},
		{"target(wether=1) == go", weather, false, `no input "wether"`},
		{"screen == trainer", weather, false, ""},
		{"grad_ratio < 0.05 && init == he", deep, true, ""},
		{"grad_ratio >= 0.2", deep, false, ""},
		{"grad_norm(0) < 0.001 && grad_norm(4) > 0.01", deep, true, ""},
		{"act(0) == sigmoid && act(4) != relu", deep, true, ""},
		{"act(0) == relu", deep, false, ""},
		{"grad_norm(5) > 0", deep, false, "no grad_norm(5)"},
		{"act(7) == relu", deep, false, "no act(7)"},
		{"grad_ratio > 0", weather, false, "no grad_ratio"},
		// undecidable: says why
		{"batch == 10", weather, false, "no batch in this scene"},
		{"follows(weather)", fakeState{}, false, "no bench"},
		{"decision(nope=1)", weather, false, `no input "nope"`},
		{"w(5) > 0", weather, false, "no w(5)"},
		{"since(loss) < 0", weather, false, "waiting"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			c, err := ParseCheck(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Eval(tt.st, base)
			if got != tt.want {
				t.Errorf("= %v, want %v (err %v)", got, tt.want, err)
			}
			if tt.err == "" && err != nil || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func TestParseCheckErrors(t *testing.T) {
	tests := []struct{ src, err string }{
		{"", "col 1: empty condition"},
		{"phaze == update", `col 1: unknown variable "phaze"`},
		{"phase == updat", `col 10: phase is never "updat"`},
		{"phase < update", "col 7: phase is a word; only == and != compare"},
		{"phase", "col 1: compare phase with == or !="},
		{"epoch", "col 1: epoch needs a comparison"},
		{"epoch >= ", "col 10: expected a value after >="},
		{"epoch >= go", ""}, // go = 1 is a number
		{"epoch >= fast", `col 10: epoch is a number; expected a number`},
		{"epoch >= 1 epoch", `col 12: unexpected "epoch"`},
		{"epoch >= 1 &&", "col 14: expected a condition at the end"},
		{"(epoch >= 1", `col 12: expected ")" at the end`},
		{"epoch >= 1 & loss < 1", `col 12: unexpected character '&'`},
		{"decision(weather=2) == go", "col 18: expected 0 or 1"},
		{"decision(weather) == go", `col 17: expected "=", found ")"`},
		{"decision(weather=1", `expected an input, e.g. weather=1 at the end`},
		{"follows()", `col 9: expected a name, found ")"`},
		{"since(phase) > 1", "since needs a number variable"},
		{"w(0) > 1", "col 1: w(k) counts from 1"},
		{"weight(0, 1) > 1", `col 12: expected ",", found ")"`},
		{"bias(0, -1) > 1", "expected a whole number ≥ 0"},
		{"frobnicate(1) > 2", `unknown function "frobnicate"`},
		{`preset == "my set"`, ""},
		{`preset == "open`, "unterminated string"},
		{"loss < 1e-3", ""},
		{"loss < 1.2.3", `bad number "1.2.3"`},
		{"== 3", `col 1: expected a variable or function, found "=="`},
		{"grad_ratio < 1/20", `col 15: unexpected character '/'`},
		{"init == kaiming", `col 9: init is never "kaiming" (want one of xavier, he`},
		{"init > he", "col 6: init is a word"},
		{"act(0) == relux", `col 11: act(0) is never "relux" (want one of step, linear, sigmoid`},
		{"act(0) < 1", "col 8: act(0) is a word"},
		{"act(0)", "col 1: compare act(0) with == or !="},
		{"act() == relu", "col 5: expected a whole number ≥ 0"},
		{"grad_norm(0)", "col 1: grad_norm(0) needs a comparison"},
		{"grad_norm(0, 1) > 0", `col 12: expected ")", found ","`},
		{"grad_norm(0) > relu", "col 16: grad_norm(0) is a number"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			_, err := ParseCheck(tt.src)
			if tt.err == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v, want %q", err, tt.err)
			}
		})
	}
}

func FuzzParseCheck(f *testing.F) {
	for _, s := range []string{"phase == update", "follows(!weather) && w(1) > 0.5", "decision(a=1,b=0) == go || !(epoch < 3)", `preset == "x y"`, "since(steps) >= 1e2"} {
		f.Add(s)
	}
	st := vacation([]float64{1, -1, 0.5}, 0.2)
	f.Fuzz(func(t *testing.T, src string) {
		c, err := ParseCheck(src)
		if err != nil {
			if c != nil {
				t.Fatal("check and error")
			}
			return
		}
		_, _ = c.Eval(st, map[string]float64{"steps": 1})
		_, _ = c.Eval(fakeState{}, nil)
	})
}
