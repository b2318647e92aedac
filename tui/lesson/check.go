package lesson

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"backprop/internal/numfmt"
	"backprop/network"
)

// Value is a number or a word, as State returns it.
type Value struct {
	Num   float64
	Str   string
	IsStr bool
}

// Num wraps a number.
func Num(v float64) Value { return Value{Num: v} }

// Str wraps a word.
func Str(s string) Value { return Value{Str: s, IsStr: true} }

func (v Value) String() string {
	if v.IsStr {
		return v.Str
	}
	return numfmt.G(v.Num, 6)
}

// State is the live state that checkpoints read. The app implements it over
// the bench and the trainer's Stepper (Live does); tests use fakes.
type State interface {
	// Var returns a named value (see Vars), or the bench input "input.<id>"
	// (0 or 1); ok is false when the current scene has no such value.
	Var(name string) (v Value, ok bool)
	// Inputs names the bench's inputs by ID in order, e.g. tickets, leave,
	// weather; nil when there is no bench.
	Inputs() []string
	// Z is the bench unit's weighted input z = Σ w·x + b for the inputs given
	// by ID (missing inputs are 0); ok is false when there is no bench. The
	// decision is z > 0, the confidence σ(z).
	Z(x map[string]float64) (z float64, ok bool)
	// Weight is weight k of neuron j in layer l (engine order, 0-based), or
	// its bias when k < 0. The bench is layer 0, neuron 0.
	Weight(l, j, k int) (w float64, ok bool)
	// Target is the bench's target (1 or 0) for the inputs given by ID
	// (missing inputs are 0); ok is false when there is no bench.
	Target(x map[string]float64) (y float64, ok bool)
}

// varKind says what a variable holds and, for words, which words are valid.
type varKind struct {
	num   bool
	words []string // nil: any word
}

// varOrder is the known variables in the README's order (for errors).
var varOrder = []string{"screen", "preset", "unit", "wrong", "threshold", "phase", "status", "epoch", "steps", "layer", "neuron", "loss", "accuracy", "test_loss", "test_accuracy", "eta", "batch", "batches", "params"}

func knownVars() map[string]varKind {
	return map[string]varKind{
		"screen":        {words: []string{"bench", "trainer"}}, // bench or trainer
		"preset":        {},                                    // the bench problem or trainer preset, e.g. vacation, xor
		"unit":          {words: []string{"step", "sigmoid"}},  // the bench unit: step or sigmoid
		"wrong":         {num: true},                           // bench truth-table rows whose decision differs from the target
		"threshold":     {num: true},                           // the bench threshold θ = −b
		"phase":         {words: network.PhaseNames()},         // the last completed phase
		"status":        {words: network.StatusNames()},        // the engine's status: training, converged, …
		"epoch":         {num: true},                           // epochs completed
		"steps":         {num: true},                           // samples processed since the start
		"layer":         {num: true},                           // the layer of the last forward/backward step (0-based)
		"neuron":        {num: true},                           // the last neuron revealed in that layer (0-based)
		"loss":          {num: true},                           // training loss of the last epoch
		"accuracy":      {num: true},                           // training accuracy of the last epoch, 0..1
		"test_loss":     {num: true},                           // test loss of the last epoch
		"test_accuracy": {num: true},                           // test accuracy of the last epoch, 0..1
		"eta":           {num: true},                           // the learning rate η
		"batch":         {num: true},                           // the mini-batch size m
		"batches":       {num: true},                           // mini-batches (so updates) in this epoch
		"params":        {num: true},                           // the trainer network's weights and biases
	}
}

// Check is a parsed checkpoint condition.
type Check struct {
	Src  string
	root node
}

// Eval reports whether the condition holds. base holds the number variables
// at the start of the step (for since); err says why it could not be decided.
func (c *Check) Eval(st State, base map[string]float64) (bool, error) {
	if c == nil || c.root == nil {
		return true, nil
	}
	return c.root.eval(st, base)
}

// sinceVars lists the variables whose values since() needs at step start.
func (c *Check) sinceVars() []string {
	var out []string
	if c != nil && c.root != nil {
		eachCmp(c.root, func(n *cmp) {
			if n.lhs.fn == "since" {
				out = append(out, n.lhs.name)
			}
		})
	}
	return out
}

// eachCmp calls f on every comparison in the tree under n, left to right.
func eachCmp(n node, f func(*cmp)) {
	switch n := n.(type) {
	case *logic:
		for _, k := range n.kids {
			eachCmp(k, f)
		}
	case *not:
		eachCmp(n.kid, f)
	case *cmp:
		f(n)
	}
}

type node interface {
	eval(st State, base map[string]float64) (bool, error)
}

type logic struct {
	and  bool
	kids []node
}

func (l *logic) eval(st State, base map[string]float64) (bool, error) {
	for _, k := range l.kids {
		v, err := k.eval(st, base)
		if err != nil {
			return false, err
		}
		if v != l.and { // and: stop at false; or: stop at true
			return v, nil
		}
	}
	return l.and, nil
}

type not struct{ kid node }

func (n *not) eval(st State, base map[string]float64) (bool, error) {
	v, err := n.kid.eval(st, base)
	return !v && err == nil, err
}

// operand is a variable or a call.
type operand struct {
	name string  // variable, or argument of follows/since
	fn   string  // "" for a variable
	neg  bool    // follows(!id)
	args []arg   // decision
	nums []int   // weight, bias, w
	kind varKind // what it yields
}

type arg struct {
	id string
	v  float64
}

type cmp struct {
	lhs operand
	op  string // "" means truthy
	lit Value
}

func (c *cmp) eval(st State, base map[string]float64) (bool, error) {
	v, err := c.lhs.value(st, base)
	if err != nil {
		return false, err
	}
	if c.op == "" {
		if v.IsStr {
			return false, fmt.Errorf("%s is a word, compare it with == or !=", c.lhs.name)
		}
		return v.Num != 0, nil
	}
	if v.IsStr {
		eq := v.Str == c.lit.Str
		return eq == (c.op == "=="), nil
	}
	a, b := v.Num, c.lit.Num
	switch c.op {
	case "==":
		return math.Abs(a-b) <= 1e-9*math.Max(1, math.Abs(b)), nil
	case "!=":
		return math.Abs(a-b) > 1e-9*math.Max(1, math.Abs(b)), nil
	case "<":
		return a < b, nil
	case "<=":
		return a <= b, nil
	case ">":
		return a > b, nil
	case ">=":
		return a >= b, nil
	}
	return false, fmt.Errorf("unknown operator %q", c.op)
}

var errNoBench = errors.New("no bench in this scene")

// value evaluates the operand against st (base: the number variables at
// the start of the step, for since).
func (o operand) value(st State, base map[string]float64) (Value, error) {
	switch o.fn {
	case "":
		return o.variable(st)
	case "since":
		return o.since(st, base)
	case "input":
		return o.input(st)
	case "decision", "sigmoid", "z":
		return o.unit(st)
	case "target":
		return o.target(st)
	case "follows":
		return o.follows(st)
	case "w", "weight", "bias":
		return o.weight(st)
	}
	return Value{}, fmt.Errorf("unknown function %s", o.fn)
}

// variable is a named variable of the right kind; threshold is θ = −b of
// the bench.
func (o operand) variable(st State) (Value, error) {
	if o.name == "threshold" {
		b, ok := st.Weight(0, 0, -1)
		if !ok {
			return Value{}, errNoBench
		}
		return Num(-b), nil
	}
	v, ok := st.Var(o.name)
	if !ok {
		return Value{}, fmt.Errorf("no %s in this scene", o.name)
	}
	if v.IsStr == o.kind.num {
		return Value{}, fmt.Errorf("%s is %q, not a %s", o.name, v, map[bool]string{true: "number", false: "word"}[o.kind.num])
	}
	return v, nil
}

// since(x) is how much number variable x grew since the step's scene.
func (o operand) since(st State, base map[string]float64) (Value, error) {
	v, ok := st.Var(o.name)
	if !ok || v.IsStr {
		return Value{}, fmt.Errorf("no %s in this scene", o.name)
	}
	b, ok := base[o.name]
	if !ok {
		return Value{}, fmt.Errorf("waiting for the scene to start")
	}
	return Num(v.Num - b), nil
}

// input(id) is the bench toggle of input id, 0 or 1.
func (o operand) input(st State) (Value, error) {
	if _, err := benchInputs(st, o.name); err != nil {
		return Value{}, err
	}
	v, ok := st.Var("input." + o.name)
	if !ok || v.IsStr {
		return Value{}, errNoBench
	}
	return v, nil
}

// unit is the bench unit for the given inputs: decision (z > 0), sigmoid
// σ(z), or z itself.
func (o operand) unit(st State) (Value, error) {
	names := make([]string, len(o.args))
	for i, a := range o.args {
		names[i] = a.id
	}
	if _, err := benchInputs(st, names...); err != nil {
		return Value{}, err
	}
	x := map[string]float64{}
	for _, a := range o.args {
		x[a.id] = a.v
	}
	z, ok := st.Z(x)
	if !ok {
		return Value{}, errNoBench
	}
	switch o.fn {
	case "decision":
		return Num(step(z)), nil
	case "sigmoid":
		return Num(1 / (1 + math.Exp(-z))), nil
	}
	return Num(z), nil
}

// target(…) is the bench's target rule for the given inputs (the rest 0):
// 1 (go) or 0 (stay).
func (o operand) target(st State) (Value, error) {
	names := make([]string, len(o.args))
	x := map[string]float64{}
	for i, a := range o.args {
		names[i] = a.id
		x[a.id] = a.v
	}
	if _, err := benchInputs(st, names...); err != nil {
		return Value{}, err
	}
	y, ok := st.Target(x)
	if !ok {
		return Value{}, errNoBench
	}
	return Num(y), nil
}

// follows(id) is 1 when the bench's decision equals input id (follows(!id):
// its negation) on every row of the truth table, else 0.
func (o operand) follows(st State) (Value, error) {
	ids, err := benchInputs(st, o.name)
	if err != nil {
		return Value{}, err
	}
	for r := 0; r < 1<<len(ids); r++ {
		x := map[string]float64{}
		for k, id := range ids {
			x[id] = float64(r >> (len(ids) - 1 - k) & 1)
		}
		want := x[o.name]
		if o.neg {
			want = 1 - want
		}
		z, ok := st.Z(x)
		if !ok {
			return Value{}, errNoBench
		}
		if step(z) != want {
			return Num(0), nil
		}
	}
	return Num(1), nil
}

// weight is w(k) of the bench, weight(l, j, k) or bias(l, j).
func (o operand) weight(st State) (Value, error) {
	l, j, k := 0, 0, 0
	switch o.fn {
	case "w":
		k = o.nums[0] - 1
	case "weight":
		l, j, k = o.nums[0], o.nums[1], o.nums[2]
	case "bias":
		l, j, k = o.nums[0], o.nums[1], -1
	}
	v, ok := st.Weight(l, j, k)
	if !ok {
		return Value{}, fmt.Errorf("no %s in this scene", o.String())
	}
	return Num(v), nil
}

// benchInputs are the bench's input IDs; errNoBench without a bench, or an
// error naming the first of names that is not among them.
func benchInputs(st State, names ...string) ([]string, error) {
	ids := st.Inputs()
	if ids == nil {
		return nil, errNoBench
	}
	for _, n := range names {
		if !slices.Contains(ids, n) {
			return nil, fmt.Errorf("no input %q (the bench has %s)", n, strings.Join(ids, ", "))
		}
	}
	return ids, nil
}

func step(z float64) float64 {
	if z > 0 {
		return 1
	}
	return 0
}

func (o operand) String() string {
	if o.fn == "" {
		return o.name
	}
	var parts []string
	for _, n := range o.nums {
		parts = append(parts, strconv.Itoa(n))
	}
	return o.fn + "(" + strings.Join(parts, ", ") + ")"
}

// ---- parsing ----

// ParseCheck parses one condition. Errors carry the 1-based column.
func ParseCheck(src string) (*Check, error) {
	p := &parser{src: src}
	if err := p.lex(); err != nil {
		return nil, err
	}
	if len(p.toks) == 0 {
		return nil, errors.New("col 1: empty condition")
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		t := p.toks[p.i]
		return nil, fmt.Errorf("col %d: unexpected %q; join conditions with && or ||", t.col, t.s)
	}
	return &Check{Src: src, root: n}, nil
}

type tok struct {
	s    string
	kind byte // 'i' ident/word, 'n' number, 'q' quoted, 'o' operator/punct
	col  int
}

type parser struct {
	src  string
	toks []tok
	i    int
}

func isIdentStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func isIdent(r rune) bool {
	return r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

func (p *parser) lex() error {
	rs := []rune(p.src)
	for i := 0; i < len(rs); {
		r := rs[i]
		col := i + 1
		switch {
		case unicode.IsSpace(r):
			i++
		case isIdentStart(r):
			j := i
			for j < len(rs) && isIdent(rs[j]) {
				j++
			}
			p.toks = append(p.toks, tok{string(rs[i:j]), 'i', col})
			i = j
		case unicode.IsDigit(r) || ((r == '-' || r == '+' || r == '.') && i+1 < len(rs) && (unicode.IsDigit(rs[i+1]) || rs[i+1] == '.')):
			j := i + 1
			for j < len(rs) && (unicode.IsDigit(rs[j]) || rs[j] == '.' || rs[j] == 'e' || rs[j] == 'E' ||
				((rs[j] == '-' || rs[j] == '+') && (rs[j-1] == 'e' || rs[j-1] == 'E'))) {
				j++
			}
			s := string(rs[i:j])
			if _, err := strconv.ParseFloat(s, 64); err != nil {
				return fmt.Errorf("col %d: bad number %q", col, s)
			}
			p.toks = append(p.toks, tok{s, 'n', col})
			i = j
		case r == '"':
			j := i + 1
			for j < len(rs) && rs[j] != '"' {
				j++
			}
			if j == len(rs) {
				return fmt.Errorf("col %d: unterminated string", col)
			}
			p.toks = append(p.toks, tok{string(rs[i+1 : j]), 'q', col})
			i = j + 1
		default:
			two := ""
			if i+1 < len(rs) {
				two = string(rs[i : i+2])
			}
			switch two {
			case "==", "!=", "<=", ">=", "&&", "||":
				p.toks = append(p.toks, tok{two, 'o', col})
				i += 2
				continue
			}
			if strings.ContainsRune("<>!(),=", r) {
				p.toks = append(p.toks, tok{string(r), 'o', col})
				i++
				continue
			}
			return fmt.Errorf("col %d: unexpected character %q", col, r)
		}
	}
	return nil
}

func (p *parser) peek() (tok, bool) {
	if p.i < len(p.toks) {
		return p.toks[p.i], true
	}
	return tok{}, false
}

func (p *parser) endCol() int { return len([]rune(p.src)) + 1 }

func (p *parser) expect(s string) error {
	t, ok := p.peek()
	if !ok {
		return fmt.Errorf("col %d: expected %q at the end", p.endCol(), s)
	}
	if t.kind != 'o' || t.s != s {
		return fmt.Errorf("col %d: expected %q, found %q", t.col, s, t.s)
	}
	p.i++
	return nil
}

func (p *parser) or() (node, error) {
	return p.chain("||", false, p.and)
}

func (p *parser) and() (node, error) {
	return p.chain("&&", true, p.unary)
}

func (p *parser) chain(op string, and bool, next func() (node, error)) (node, error) {
	first, err := next()
	if err != nil {
		return nil, err
	}
	kids := []node{first}
	for {
		t, ok := p.peek()
		if !ok || t.kind != 'o' || t.s != op {
			break
		}
		p.i++
		n, err := next()
		if err != nil {
			return nil, err
		}
		kids = append(kids, n)
	}
	if len(kids) == 1 {
		return first, nil
	}
	return &logic{and: and, kids: kids}, nil
}

func (p *parser) unary() (node, error) {
	t, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("col %d: expected a condition at the end", p.endCol())
	}
	if t.kind == 'o' && t.s == "!" {
		p.i++
		n, err := p.unary()
		if err != nil {
			return nil, err
		}
		return &not{n}, nil
	}
	if t.kind == 'o' && t.s == "(" {
		p.i++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if err := p.expect(")"); err != nil {
			return nil, err
		}
		return n, nil
	}
	return p.comparison()
}

var funcArity = map[string]int{"w": 1, "weight": 3, "bias": 2}

func (p *parser) comparison() (node, error) {
	t, _ := p.peek()
	if t.kind != 'i' {
		return nil, fmt.Errorf("col %d: expected a variable or function, found %q", t.col, t.s)
	}
	p.i++
	c := &cmp{}
	var err error
	if nt, ok := p.peek(); ok && nt.kind == 'o' && nt.s == "(" {
		p.i++
		c.lhs, err = p.call(t)
		if err != nil {
			return nil, err
		}
	} else {
		k, ok := knownVars()[t.s]
		if !ok {
			return nil, fmt.Errorf("col %d: unknown variable %q (known: %s)", t.col, t.s, strings.Join(varOrder, ", "))
		}
		c.lhs = operand{name: t.s, kind: k}
	}
	ot, ok := p.peek()
	if !ok || ot.kind != 'o' || !slices.Contains([]string{"==", "!=", "<", "<=", ">", ">="}, ot.s) {
		if !c.lhs.kind.num {
			return nil, fmt.Errorf("col %d: compare %s with == or != and a word", t.col, c.lhs.name)
		}
		if c.lhs.fn != "follows" && c.lhs.fn != "decision" && c.lhs.fn != "input" {
			return nil, fmt.Errorf("col %d: %s needs a comparison, e.g. %s >= 1", t.col, c.lhs, c.lhs)
		}
		return c, nil
	}
	p.i++
	c.op = ot.s
	lt, ok := p.peek()
	if !ok {
		return nil, fmt.Errorf("col %d: expected a value after %s", p.endCol(), ot.s)
	}
	if lt.kind == 'o' {
		return nil, fmt.Errorf("col %d: expected a value after %s, found %q", lt.col, ot.s, lt.s)
	}
	p.i++
	if c.lhs.kind.num {
		switch {
		case lt.kind == 'n':
			c.lit = Num(must(strconv.ParseFloat(lt.s, 64)))
		case truthWord(lt.s) >= 0:
			c.lit = Num(float64(truthWord(lt.s)))
		default:
			return nil, fmt.Errorf("col %d: %s is a number; expected a number (or go/stay, yes/no, true/false), found %q", lt.col, c.lhs, lt.s)
		}
		return c, nil
	}
	if c.op != "==" && c.op != "!=" {
		return nil, fmt.Errorf("col %d: %s is a word; only == and != compare words", ot.col, c.lhs)
	}
	c.lit = Str(lt.s)
	if ws := c.lhs.kind.words; ws != nil && !slices.Contains(ws, lt.s) {
		return nil, fmt.Errorf("col %d: %s is never %q (want one of %s)", lt.col, c.lhs, lt.s, strings.Join(ws, ", "))
	}
	return c, nil
}

func must(v float64, _ error) float64 { return v }

// truthWord maps go/yes/true/on to 1 and stay/no/false/off to 0, else −1.
func truthWord(s string) int {
	switch strings.ToLower(s) {
	case "go", "yes", "true", "on":
		return 1
	case "stay", "no", "false", "off":
		return 0
	}
	return -1
}

// call parses the arguments of fn after its "(" up to ")".
func (p *parser) call(fn tok) (operand, error) {
	o := operand{fn: fn.s, kind: varKind{num: true}}
	switch fn.s {
	case "decision", "sigmoid", "z", "target":
		return p.inputArgs(o)
	case "follows", "since", "input":
		return p.nameArg(o, fn)
	case "w", "weight", "bias":
		return p.intArgs(o, fn)
	}
	return o, fmt.Errorf("col %d: unknown function %q (known: decision, sigmoid, z, target, input, follows, w, weight, bias, since)", fn.col, fn.s)
}

// inputArgs parses "weather=1, leave=0)".
func (p *parser) inputArgs(o operand) (operand, error) {
	for {
		t, ok := p.peek()
		if ok && t.kind == 'o' && t.s == ")" {
			p.i++
			return o, nil
		}
		if !ok || t.kind != 'i' {
			return o, p.errAt(t, ok, "an input, e.g. weather=1")
		}
		p.i++
		if err := p.expect("="); err != nil {
			return o, err
		}
		v, ok := p.peek()
		if !ok || v.kind != 'n' || (v.s != "0" && v.s != "1") {
			return o, p.errAt(v, ok, "0 or 1")
		}
		p.i++
		o.args = append(o.args, arg{t.s, must(strconv.ParseFloat(v.s, 64))})
		if n, ok := p.peek(); ok && n.kind == 'o' && n.s == "," {
			p.i++
		}
	}
}

// nameArg parses "name)" (follows also "!name)"; since a number variable).
func (p *parser) nameArg(o operand, fn tok) (operand, error) {
	if fn.s == "follows" {
		if t, ok := p.peek(); ok && t.kind == 'o' && t.s == "!" {
			p.i++
			o.neg = true
		}
	}
	t, ok := p.peek()
	if !ok || t.kind != 'i' {
		return o, p.errAt(t, ok, "a name")
	}
	p.i++
	o.name = t.s
	if fn.s == "since" {
		k, known := knownVars()[t.s]
		if !known || !k.num {
			return o, fmt.Errorf("col %d: since needs a number variable (epoch, steps, …), found %q", t.col, t.s)
		}
	}
	return o, p.expect(")")
}

// intArgs parses fn's whole-number arguments "1, 0, 2)" (w counts from 1).
func (p *parser) intArgs(o operand, fn tok) (operand, error) {
	for i := range funcArity[fn.s] {
		if i > 0 {
			if err := p.expect(","); err != nil {
				return o, err
			}
		}
		t, ok := p.peek()
		n, err := strconv.Atoi(t.s)
		if !ok || t.kind != 'n' || err != nil || n < 0 || n > 1e6 {
			return o, p.errAt(t, ok, "a whole number ≥ 0")
		}
		p.i++
		o.nums = append(o.nums, n)
	}
	if fn.s == "w" && o.nums[0] < 1 {
		return o, fmt.Errorf("col %d: w(k) counts from 1", fn.col)
	}
	return o, p.expect(")")
}

func (p *parser) errAt(t tok, ok bool, want string) error {
	if !ok {
		return fmt.Errorf("col %d: expected %s at the end", p.endCol(), want)
	}
	return fmt.Errorf("col %d: expected %s, found %q", t.col, want, t.s)
}
