package lesson

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

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
	// Var returns a named value (see Vars), the bench input "input.<id>"
	// (0 or 1), or a trainer layer's "grad_norm.<l>" (a number) or
	// "act.<l>" (a word), l 0-based from the first layer after the inputs;
	// ok is false when the current scene has no such value.
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
var varOrder = []string{"screen", "preset", "unit", "wrong", "threshold", "phase", "status", "epoch", "steps", "layer", "neuron", "time", "loss", "accuracy", "test_loss", "test_accuracy", "eta", "batch", "batches", "params", "grad_ratio", "init", "mse", "hand_steps"}

func knownVars() map[string]varKind {
	return map[string]varKind{
		"screen":        {words: []string{"bench", "trainer", "functions"}}, // bench, trainer or the functions bench
		"preset":        {},                                                 // the bench problem or trainer preset, e.g. vacation, xor
		"unit":          {words: []string{"step", "sigmoid"}},               // the bench unit: step or sigmoid
		"wrong":         {num: true},                                        // bench truth-table rows whose decision differs from the target
		"threshold":     {num: true},                                        // the bench threshold θ = −b
		"phase":         {words: network.PhaseNames()},                      // the last completed phase
		"status":        {words: network.StatusNames()},                     // the engine's status: training, converged, …
		"epoch":         {num: true},                                        // epochs completed
		"steps":         {num: true},                                        // samples processed since the start
		"layer":         {num: true},                                        // the layer of the last forward/backward step (0-based)
		"neuron":        {num: true},                                        // the last neuron revealed in that layer (0-based)
		"time":          {num: true},                                        // a sequence's time step of the last forward/backward step (0-based)
		"loss":          {num: true},                                        // training loss of the last epoch
		"accuracy":      {num: true},                                        // training accuracy of the last epoch, 0..1
		"test_loss":     {num: true},                                        // test loss of the last epoch
		"test_accuracy": {num: true},                                        // test accuracy of the last epoch, 0..1
		"eta":           {num: true},                                        // the learning rate η
		"batch":         {num: true},                                        // the mini-batch size m
		"batches":       {num: true},                                        // mini-batches (so updates) in this epoch
		"params":        {num: true},                                        // the trainer network's weights and biases
		"grad_ratio":    {num: true},                                        // last epoch's ‖∂C/∂W‖ of the first layer ÷ the output layer's
		"init":          {words: network.InitNames()},                       // the trainer's weight initialisation
		"mse":           {num: true},                                        // the functions bench's mean squared error
		"hand_steps":    {num: true},                                        // the steps placed on the functions bench
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
	case "grad_norm", "act":
		return o.layerVar(st)
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

// layerVar is grad_norm(l) or act(l) of trainer layer l (0-based, the
// first after the inputs), read as the State variable "grad_norm.l" or
// "act.l".
func (o operand) layerVar(st State) (Value, error) {
	v, ok := st.Var(o.fn + "." + strconv.Itoa(o.nums[0]))
	if !ok || v.IsStr == o.kind.num {
		return Value{}, fmt.Errorf("no %s in this scene", o.String())
	}
	return v, nil
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
