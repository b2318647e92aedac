// Package bench is the perceptron bench: one unit with a few binary inputs
// ("go on vacation?": tickets cheap, got leave, weather nice), weights the
// learner edits by hand, the weighted sum drawn against the threshold, the
// full truth table, and the perceptron learning rule w ← w + η(y − ŷ)x
// stepped one sample at a time by the engine (network.Perceptron).
//
// The unit computes z = Σ_k w_k x_k + b with bias b = −θ, so it says
// yes (1) exactly when the weighted sum Σ w·x exceeds the threshold θ.
// Step gives a hard 0/1; sigmoid gives the confidence σ(z) = 1/(1+e^{−z}).
//
// The bench is a component: the app owns it, sends it messages with Update
// and draws it with View(w, h). Keys with a meaning in the whole app (q, ?,
// esc, T, ctrl+c) are left alone, except while a value is typed (Editing).
package bench

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/datasets"
	"backprop/internal/numfmt"
	"backprop/network"
	"backprop/themes"
	"backprop/tui/widget"
)

// Unit is the activation of the bench's unit.
type Unit uint8

const (
	StepUnit    Unit = iota // hard 0/1: 1 if z > 0
	SigmoidUnit             // smooth: σ(z) = 1/(1+e^{−z})
)

func (u Unit) String() string {
	if u == SigmoidUnit {
		return "sigmoid"
	}
	return "step"
}

// Fine and Coarse are the edit steps of a weight or the threshold.
const (
	Fine   = 0.1
	Coarse = 1.0
)

// Options configures a bench. The zero value is the vacation problem, mono
// styles, η = 1, seed 1.
type Options struct {
	Problem string         // a name of Problems; "" = "vacation"
	Styles  *themes.Styles // nil: themes.Mono()
	Eta     float64        // learning rate of the perceptron rule; 0 = 1
	Seed    uint64         // the rule's per-epoch shuffles
}

// OpenTrainerMsg asks the app to open a trainer session on the bench's data
// with a hidden layer of sigmoid units, trained by backprop. Its fields are
// those of tui.Setup (bench cannot import tui).
type OpenTrainerMsg struct {
	Data  datasets.Spec
	Net   network.Spec
	Hyper network.Hyper
}

// Model is the bench's state. Copy it freely, but keep using only the copy
// Update returns: the learner (a *network.Stepper) is shared.
type Model struct {
	keys   KeyMap
	styles *themes.Styles
	eta    float64
	seed   uint64

	prob Problem
	rows [][]float64
	ys   []float64
	x    []float64 // the inputs as toggled
	w    []float64
	b    float64 // bias b = −θ
	unit Unit

	focus  int            // 0..n−1: weight k; n: the threshold
	prompt *widget.Prompt // a value being typed into the focused field, or nil
	note   string         // last message for the learner (engine error)

	st    *network.Stepper // the perceptron rule; nil if the engine refused
	stErr error
	last  *learnRecord

	// prior holds the benches R and d/D replaced, newest last (at most
	// maxPrior): u returns to them once the rule has nothing to undo.
	prior []benchState
}

// benchState is what R and d/D replace: the problem, the inputs, the
// weights and the learner with its own undo history.
type benchState struct {
	prob  Problem
	rows  [][]float64
	ys    []float64
	x, w  []float64
	b     float64
	focus int
	st    *network.Stepper
	stErr error
	last  *learnRecord
}

// maxPrior bounds the benches u can return to.
const maxPrior = 8

// keep pushes the bench as it is onto prior.
func (m *Model) keep() {
	m.prior = append(m.prior, benchState{m.prob, m.rows, m.ys, slices.Clone(m.x), slices.Clone(m.w), m.b, m.focus, m.st, m.stErr, m.last})
	if len(m.prior) > maxPrior {
		m.prior = slices.Delete(m.prior, 0, 1)
	}
}

// back returns to the last bench R or d/D replaced; false when none.
func (m *Model) back() bool {
	if len(m.prior) == 0 {
		return false
	}
	p := m.prior[len(m.prior)-1]
	m.prior = m.prior[:len(m.prior)-1]
	m.prob, m.rows, m.ys, m.x, m.w, m.b, m.focus, m.st, m.stErr, m.last = p.prob, p.rows, p.ys, p.x, p.w, p.b, p.focus, p.st, p.stErr, p.last
	return true
}

// learnRecord is one step of the perceptron rule as the engine traced it.
type learnRecord struct {
	X          []float64
	Y, YHat    float64
	Err        float64
	OldW, NewW []float64
	OldB, NewB float64
	Eta        float64
	Steps      int
}

// New builds a bench with all weights and the threshold at 0.
func New(opts Options) (Model, error) {
	m := Model{keys: DefaultKeyMap(), styles: opts.Styles, eta: opts.Eta, seed: opts.Seed}
	if m.styles == nil {
		m.styles = themes.Mono()
	}
	if m.eta <= 0 {
		m.eta = 1
	}
	if m.seed == 0 {
		m.seed = 1
	}
	name := opts.Problem
	if name == "" {
		name = "vacation"
	}
	p, err := ProblemByName(name)
	if err != nil {
		return Model{}, err
	}
	m.setProblem(p)
	return m, nil
}

func (m *Model) setProblem(p Problem) {
	m.prob = p
	m.rows = p.Rows()
	m.ys = make([]float64, len(m.rows))
	for i, x := range m.rows {
		m.ys[i] = p.Target(x)
	}
	n := len(p.Inputs)
	m.x = make([]float64, n)
	m.w = make([]float64, n)
	m.b = 0
	m.focus = 0
	m.prompt, m.note = nil, ""
	m.rebuildLearner()
}

// rebuildLearner starts the perceptron rule afresh from the current weights.
func (m *Model) rebuildLearner() {
	m.st, m.stErr, m.last = nil, nil, nil
	n := len(m.prob.Inputs)
	net, err := network.New(network.Spec{
		Sizes: []int{n, 1},
		Acts:  []network.Activation{network.Step},
		Cost:  network.Quadratic,
		Init:  network.InitZero,
	}, rand.New(rand.NewPCG(m.seed, m.seed)))
	if err != nil {
		m.stErr = err
		return
	}
	l := net.Layers[0]
	copy(l.W, m.w)
	l.B[0] = m.b
	ys := make([][]float64, len(m.ys))
	for i, y := range m.ys {
		ys[i] = []float64{y}
	}
	h := network.DefaultHyper()
	h.Rule, h.Eta, h.Batch, h.Seed = network.Perceptron, m.eta, 1, m.seed
	st, err := network.NewStepper(net, h, network.Set{X: m.rows, Y: ys}, network.Set{})
	if err != nil {
		m.stErr = err
		return
	}
	m.st = st
}

// pullWeights copies the learner's weights into the bench.
func (m *Model) pullWeights() {
	if m.st == nil {
		return
	}
	l := m.st.Net().Layers[0]
	copy(m.w, l.W)
	m.b = l.B[0]
}

// set puts v into field i (a weight, or the threshold when i == n).
func (m *Model) set(i int, v float64) {
	v = math.Round(v*1e6) / 1e6 // keep 0.1+0.2 printing as 0.3
	if v == 0 {
		v = 0 // no −0
	}
	n := len(m.w)
	var err error
	if i < n {
		m.w[i] = v
		if m.st != nil {
			err = m.st.SetWeight(0, 0, i, v)
		}
	} else {
		m.b = -v
		if m.st != nil {
			err = m.st.SetBias(0, 0, -v)
		}
	}
	if err != nil {
		m.note = err.Error()
	}
}

func (m *Model) field(i int) float64 {
	if i < len(m.w) {
		return m.w[i]
	}
	return -m.b
}

// Init does nothing; the bench needs no start-up command.
func (m Model) Init() tea.Cmd { return nil }

// Update handles keys. Every other message is ignored.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || m.styles == nil { // not a key, or a zero Model
		return m, nil
	}
	if m.prompt != nil {
		return m.updateTyping(k)
	}
	n := len(m.w)
	m.note = ""
	for i, b := range m.keys.Toggle {
		if i < n && key.Matches(k, b) {
			m.x[i] = 1 - m.x[i]
			return m, nil
		}
	}
	switch {
	case key.Matches(k, m.keys.Up, m.keys.Prev):
		m.focus = (m.focus + n) % (n + 1)
	case key.Matches(k, m.keys.Down, m.keys.Next):
		m.focus = (m.focus + 1) % (n + 1)
	case key.Matches(k, m.keys.Inc):
		m.set(m.focus, m.field(m.focus)+Fine)
	case key.Matches(k, m.keys.Dec):
		m.set(m.focus, m.field(m.focus)-Fine)
	case key.Matches(k, m.keys.IncBig):
		m.set(m.focus, m.field(m.focus)+Coarse)
	case key.Matches(k, m.keys.DecBig):
		m.set(m.focus, m.field(m.focus)-Coarse)
	case key.Matches(k, m.keys.Type):
		m.prompt = widget.NewPrompt(m.fieldName(m.focus), numfmt.G(m.field(m.focus), -1))
		m.prompt.SetLimit(12)
		m.prompt.Allow("0123456789.-+eE")
	case key.Matches(k, m.keys.Unit):
		m.unit = 1 - m.unit
	case key.Matches(k, m.keys.Learn):
		m.learn(network.BySample)
	case key.Matches(k, m.keys.Epoch):
		m.learn(network.ByEpoch)
	case key.Matches(k, m.keys.Undo):
		switch {
		case m.st != nil && m.st.Undo():
			m.pullWeights()
			m.last = nil
		case m.back():
			m.note = "undone: the " + m.prob.Name + " bench as it was"
		default:
			m.note = "nothing to undo"
		}
	case key.Matches(k, m.keys.Reset):
		m.keep()
		m.w = make([]float64, len(m.w))
		m.b = 0
		m.rebuildLearner()
		m.note = "weights and θ back to 0 (u undoes)"
	case key.Matches(k, m.keys.Problem, m.keys.PrevProblem):
		ps := Problems()
		i := 0
		for j, p := range ps {
			if p.Name == m.prob.Name {
				i = j
			}
		}
		if key.Matches(k, m.keys.Problem) {
			i = (i + 1) % len(ps)
		} else {
			i = (i + len(ps) - 1) % len(ps)
		}
		m.keep()
		m.setProblem(ps[i])
		m.note = ps[i].Title + " (u returns to " + m.prior[len(m.prior)-1].prob.Name + ")"
	case key.Matches(k, m.keys.Hidden, m.keys.Hidden2) && m.prob.Data == "":
		m.note = "this target (" + m.prob.Rule + ") has no data set for the trainer: d picks a built-in problem"
	case key.Matches(k, m.keys.Hidden):
		return m, m.openTrainer(3)
	case key.Matches(k, m.keys.Hidden2):
		return m, m.openTrainer(2)
	}
	return m, nil
}

// maxTyped bounds a typed weight or threshold.
const maxTyped = 1e6

func (m Model) updateTyping(k tea.KeyPressMsg) (Model, tea.Cmd) {
	ev, cmd := m.prompt.Update(k)
	switch ev {
	case widget.Cancel:
		m.prompt = nil
	case widget.Submit:
		if !m.prompt.Edited() { // enter on the value as it was: keep it
			m.prompt = nil
			break
		}
		text := strings.TrimSpace(m.prompt.Value())
		v, err := numfmt.Parse(text)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange) || math.IsNaN(v):
			m.prompt.Fail(fmt.Errorf("%q is not a number: type e.g. 0.5 or −1.5", text))
		case math.IsInf(v, 0) || math.Abs(v) > maxTyped:
			m.prompt.Fail(fmt.Errorf("%s is out of range: type a value from %s to %s", text, numfmt.G(-maxTyped, -1), numfmt.G(maxTyped, -1)))
		default:
			m.set(m.focus, v)
			m.prompt = nil
		}
	}
	return m, cmd
}

// learn advances the perceptron rule by g (BySample or ByEpoch) and keeps
// the engine's trace of the last sample.
func (m *Model) learn(g network.Granularity) {
	if m.st == nil {
		m.note = fmt.Sprintf("the learning rule is unavailable: %v", m.stErr)
		return
	}
	switch m.st.Status() {
	case network.Converged:
		m.note = "converged: every row is already right"
		return
	case network.NotConverging:
		m.note = "the rule gave up: no line separates the classes (press g for a hidden layer)"
		return
	}
	if err := m.st.Step(g); err != nil {
		m.note = err.Error()
		return
	}
	if p := m.st.Pos(); p.Phase == network.PhaseEpochEnd && g == network.BySample && m.st.Status() == network.Training {
		// the step only closed the epoch: take the next sample too
		if err := m.st.Step(g); err != nil {
			m.note = err.Error()
			return
		}
	}
	tr := m.st.Trace()
	rec := &learnRecord{Eta: m.eta, Steps: m.st.Pos().Steps}
	if tr != nil && len(tr.X) > 0 {
		rec.X = append([]float64(nil), tr.X...)
		if len(tr.Y) > 0 {
			rec.Y = tr.Y[0]
		}
		if len(tr.YHat) > 0 {
			rec.YHat = tr.YHat[0]
		}
		if len(tr.Err) > 0 {
			rec.Err = tr.Err[0]
		}
		if len(tr.Last) > 0 {
			u := tr.Last[0]
			rec.OldW = append([]float64(nil), u.OldW...)
			rec.NewW = append([]float64(nil), u.NewW...)
			if len(u.OldB) > 0 && len(u.NewB) > 0 {
				rec.OldB, rec.NewB = u.OldB[0], u.NewB[0]
			}
		}
		m.last = rec
	}
	m.pullWeights()
}

func (m Model) openTrainer(hidden int) tea.Cmd {
	if m.prob.Data == "" {
		return nil // a lesson's own target: the key says why (key)
	}
	n := len(m.prob.Inputs)
	msg := OpenTrainerMsg{
		Data: datasets.Spec{Name: m.prob.Data, Split: 1, Seed: m.seed},
		Net: network.Spec{
			Sizes: []int{n, hidden, 1},
			Acts:  []network.Activation{network.Sigmoid, network.Sigmoid},
			Cost:  network.Quadratic,
			Init:  network.InitXavier,
		},
		Hyper: network.DefaultHyper(),
	}
	// online SGD with η = 4 solves XOR in 100–700 epochs for seeds 1–6,
	// [2,3,1] and [2,2,1] alike (η = 2 with full batches: up to 1600, and
	// [2,2,1] then gets stuck for half the seeds)
	msg.Hyper.Rule, msg.Hyper.Eta, msg.Hyper.Batch, msg.Hyper.Seed = network.Backprop, 4, 1, m.seed
	return func() tea.Msg { return msg }
}

// Keys returns the bench's key map (for the app's help view).
func (m Model) Keys() KeyMap { return m.keys }

// Editing reports whether a value is being typed: then every key belongs to
// the bench, including q and esc.
func (m Model) Editing() bool { return m.prompt != nil }

// Problem is the current problem.
func (m Model) Problem() Problem { return m.prob }

// Inputs returns the toggled inputs x (a copy).
func (m Model) Inputs() []float64 { return append([]float64(nil), m.x...) }

// Weights returns w (a copy).
func (m Model) Weights() []float64 { return append([]float64(nil), m.w...) }

// Threshold is θ = −b.
func (m Model) Threshold() float64 { return -m.b }

// Unit is the current activation.
func (m Model) Unit() Unit { return m.unit }

// Focus is the focused field: 0..n−1 a weight, n the threshold.
func (m Model) Focus() int { return m.focus }

// Z is the weighted input z = w·x + b for x.
func (m Model) Z(x []float64) float64 {
	z := m.b
	for k, v := range x {
		if k < len(m.w) {
			z += m.w[k] * v
		}
	}
	return z
}

// Decision is the step output for x: 1 when Σ w·x > θ, else 0.
func (m Model) Decision(x []float64) float64 { return b2f(m.Z(x) > 0) }

// Output is the unit's output for x: the Decision for step, σ(z) for sigmoid.
func (m Model) Output(x []float64) float64 {
	if m.unit == SigmoidUnit {
		return sigmoid(m.Z(x))
	}
	return m.Decision(x)
}

// Wrong counts the truth-table rows whose decision differs from the target.
func (m Model) Wrong() int {
	c := 0
	for i, x := range m.rows {
		if m.Decision(x) != m.ys[i] {
			c++
		}
	}
	return c
}

// Status is the learning rule's status (Training before the first step or
// without an engine).
func (m Model) Status() network.Status {
	if m.st == nil {
		return network.Training
	}
	return m.st.Status()
}

// Epoch is the number of epochs the rule has completed.
func (m Model) Epoch() int {
	if m.st == nil {
		return 0
	}
	return m.st.Pos().Epoch
}

// Steps is the number of samples the rule has processed.
func (m Model) Steps() int {
	if m.st == nil {
		return 0
	}
	return m.st.Pos().Steps
}

// WithProblem switches to the named problem with weights at 0.
func (m Model) WithProblem(name string) (Model, error) {
	p, err := ProblemByName(name)
	if err != nil {
		return m, err
	}
	m.x, m.w = nil, nil // don't share slices with the old copy
	m.setProblem(p)
	return m, nil
}

// WithTarget keeps the problem's inputs and weights but makes its target
// "go when every one of the inputs ids is on" (Problem.WithTarget), and
// restarts the learning rule on it.
func (m Model) WithTarget(ids []string) (Model, error) {
	p, err := m.prob.WithTarget(ids)
	if err != nil {
		return m, err
	}
	m.prob = p
	m.ys = make([]float64, len(m.rows))
	for i, x := range m.rows {
		m.ys[i] = p.Target(x)
	}
	m.rebuildLearner()
	return m, nil
}

// WithUnit sets the activation.
func (m Model) WithUnit(u Unit) Model { m.unit = u; return m }

// WithFocus focuses field i (0..n−1 a weight, n the threshold); out of range
// is clamped.
func (m Model) WithFocus(i int) Model {
	m.focus = max(0, min(i, len(m.w)))
	return m
}

// WithWeights sets w and θ (len(w) must be the number of inputs) and restarts
// the learning rule from them.
func (m Model) WithWeights(w []float64, theta float64) (Model, error) {
	if len(w) != len(m.prob.Inputs) {
		return m, fmt.Errorf("bench: %d weights for %d inputs", len(w), len(m.prob.Inputs))
	}
	m.w = append([]float64(nil), w...)
	m.b = -theta
	m.rebuildLearner()
	return m, nil
}

// WithInputs sets the toggles x.
func (m Model) WithInputs(x []float64) Model {
	m.x = make([]float64, len(m.prob.Inputs))
	copy(m.x, x)
	return m
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// WithStyles switches the theme.
func (m Model) WithStyles(s *themes.Styles) Model {
	if s != nil {
		m.styles = s
	}
	return m
}

// WithEta sets the rule's learning rate η (> 0) and restarts the rule from
// the current weights.
func (m Model) WithEta(eta float64) (Model, error) {
	if !(eta > 0) || math.IsInf(eta, 0) {
		return m, fmt.Errorf("bench: learning rate %v, want > 0", eta)
	}
	m.eta = eta
	m.rebuildLearner()
	return m, nil
}
