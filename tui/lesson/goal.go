package lesson

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"backprop/internal/numfmt"
)

// Goal is a measurable goal of a step, written in its check block as
// "goal: test_loss <= 0.177", "goal: params <= 13" or "goal: accuracy >=
// 0.95 within 500 epochs". The app checks it live and ticks it when it
// holds; the step's checkpoint needs every goal (and every condition) to
// hold at once. Its first success is saved in the lesson's progress.
type Goal struct {
	Src    string // as written after "goal:"
	Cond   *Check
	Within int // > 0: it must hold by this epoch (the trainer's epoch count)
}

// goalStartRE tells a measurable goal ("test_loss <= …", "w(1) > 0")
// from a goal in words ("train 5 epochs with η = 0.01").
var goalStartRE = regexp.MustCompile(`^[a-z_][a-z_0-9.]*(\([^)]*\))?\s*(<=|>=|==|!=|<|>)`)

// withinRE matches the "within N epochs" that ends a goal.
var withinRE = regexp.MustCompile(`\s+within\s+(\S*)\s*(\S*)\s*$`)

// isGoalCondition reports whether a goal line's text is a measurable goal.
func isGoalCondition(text string) bool { return goalStartRE.MatchString(text) }

// ParseGoal parses a measurable goal: a condition (ParseCheck), optionally
// followed by "within N epochs". Errors give the column in src.
func ParseGoal(src string) (*Goal, error) {
	cond, within := src, 0
	if i := strings.LastIndex(src, " within"); i >= 0 {
		m := withinRE.FindStringSubmatchIndex(src[i:])
		if m == nil {
			return nil, fmt.Errorf("col %d: expected \"within N epochs\" to end the goal", col(src, i+1))
		}
		num, unit := src[i+m[2]:i+m[3]], src[i+m[4]:i+m[5]]
		n, err := strconv.Atoi(num)
		if err != nil || n < 1 || n > 1e9 {
			return nil, fmt.Errorf("col %d: expected a whole number of epochs ≥ 1 after within, found %q", col(src, i+m[2]), num)
		}
		if unit != "epochs" && unit != "epoch" {
			return nil, fmt.Errorf("col %d: expected \"epochs\" after within %d, found %q", col(src, i+m[4]), n, unit)
		}
		cond, within = src[:i], n
	}
	c, err := ParseCheck(strings.TrimSpace(cond))
	if err != nil {
		return nil, err
	}
	return &Goal{Src: src, Cond: c, Within: within}, nil
}

// col is the 1-based column (in runes) of byte offset i of s.
func col(s string, i int) int { return utf8.RuneCountInString(s[:min(i, len(s))]) + 1 }

// goalState is how a goal stands against the live state.
type goalState struct {
	met    bool   // it holds now (and within its epochs)
	missed bool   // its epochs passed without it
	now    string // the value it measures, "0.169", or ""
}

// eval judges g against st (base: the numbers at the step's start).
func (g *Goal) eval(st State, base map[string]float64) goalState {
	var gs goalState
	ok, _ := g.Cond.Eval(st, base)
	epoch := 0.0
	if v, has := st.Var("epoch"); has && !v.IsStr {
		epoch = v.Num
	}
	late := g.Within > 0 && epoch > float64(g.Within)
	gs.met = ok && !late
	gs.missed = !ok && late
	if name := goalStartRE.FindString(g.Src); name != "" {
		name = strings.TrimRight(strings.TrimRight(name, "<>=!"), " ")
		if v, has := st.Var(name); has && !v.IsStr {
			gs.now = numfmt.G(v.Num, 4)
		}
	}
	return gs
}
