package bench

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/datasets"
	"backprop/internal/numfmt"
	"backprop/internal/safetext"
	"backprop/network"
	"backprop/themes"
	"backprop/tui/widget"
)

// The functions bench: any function, by hand, out of steps (Nielsen,
// "Neural Networks and Deep Learning", chapter 4). One input x, one hidden
// layer of steep sigmoids and a linear output:
//
//	f(x) = b + Σ_k h_k σ(w (x − s_k)),  i.e. hidden neuron k has weight w
//	       and bias b_k = −w s_k, and output weight h_k
//
// With w large each σ is a step at s_k = −b_k/w of height h_k; two opposite
// steps make a bump, and bumps side by side follow any curve. The learner
// places the steps and their heights with keys and watches the mean
// squared error against a target fall; g hands the network to the trainer,
// whose gradient descent then fine-tunes it.

// FuncStep is one hidden neuron: a step at S of height H.
type FuncStep struct{ S, H float64 }

// FuncsOptions configures a functions bench.
type FuncsOptions struct {
	Styles *themes.Styles // nil: themes.Mono()
	// NoFiles turns off reading CSV targets (a sandboxed SSH session).
	NoFiles bool
}

// Steepnesses are the w the bench steps through (W and w): from a soft
// ramp to Nielsen's near-vertical step.
var steepnesses = [...]float64{1, 3, 10, 30, 100, 300}

// Funcs is the functions bench's state.
type Funcs struct {
	keys    FuncsKeys
	styles  *themes.Styles
	noFiles bool

	targets []Target
	ti      int

	steps []FuncStep
	focus int     // the step the keys move (−1: none)
	wi    int     // index into steepnesses
	b     float64 // the output bias
	best  float64 // the lowest MSE so far on this target (NaN: none)

	prompt *widget.Prompt // a CSV path being typed
	note   string
	undo   []funcsState
}

// funcsState is what u restores.
type funcsState struct {
	steps []FuncStep
	focus int
	wi    int
	b     float64
}

// NewFuncs returns a bench on the sine target with no steps.
func NewFuncs(o FuncsOptions) (Funcs, error) {
	ts, err := builtinTargets()
	if err != nil {
		return Funcs{}, err
	}
	st := o.Styles
	if st == nil {
		st = themes.Mono()
	}
	return Funcs{keys: DefaultFuncsKeys(), styles: st, noFiles: o.NoFiles, targets: ts,
		focus: -1, wi: 4, best: math.NaN()}, nil
}

// FuncsTrainerMsg asks the app to open the trainer on the bench's network
// and target, to fine-tune it by gradient descent.
type FuncsTrainerMsg struct {
	Data  datasets.Spec
	Net   *network.Network
	Hyper network.Hyper
}

// Init does nothing.
func (f Funcs) Init() tea.Cmd { return nil }

// WithStyles switches the theme.
func (f Funcs) WithStyles(s *themes.Styles) Funcs {
	if s != nil {
		f.styles = s
	}
	return f
}

// WithTarget switches to the target called name (sine, bump, or a CSV
// loaded before).
func (f Funcs) WithTarget(name string) (Funcs, error) {
	var names []string
	for i, t := range f.targets {
		if t.Name == name {
			if i != f.ti {
				f.ti, f.best = i, math.NaN()
				f.record()
			}
			return f, nil
		}
		names = append(names, t.Name)
	}
	return f, fmt.Errorf("the functions bench has no target %q (want %s)", name, strings.Join(names, ", "))
}

// Keys returns the bench's keys.
func (f Funcs) Keys() FuncsKeys { return f.keys }

// Editing reports whether a path is being typed (every key is the bench's).
func (f Funcs) Editing() bool { return f.prompt != nil }

// Target is the curve approximated.
func (f Funcs) Target() Target { return f.targets[f.ti] }

// Steps returns the steps placed (a copy).
func (f Funcs) Steps() []FuncStep { return slices.Clone(f.steps) }

// W is the hidden neurons' weight (the steepness).
func (f Funcs) W() float64 { return steepnesses[f.wi] }

// Value is f(x) = b + Σ h_k σ(w(x − s_k)), computed as the network does.
func (f Funcs) Value(x float64) float64 {
	v := f.b
	w := f.W()
	for _, s := range f.steps {
		v += s.H * sigmoid(w*x-w*s.S)
	}
	return v
}

// MSE is the mean of (f(x) − y)² over the target's points.
func (f Funcs) MSE() float64 {
	t := f.Target()
	sum := 0.0
	for i, x := range t.X {
		d := f.Value(x) - t.Y[i]
		sum += d * d
	}
	return sum / float64(len(t.X))
}

// Network is the bench's function as a [1, n, 1] network (sigmoid hidden
// layer, linear output, quadratic cost); nil with no steps.
func (f Funcs) Network() *network.Network {
	n := len(f.steps)
	if n == 0 {
		return nil
	}
	w := f.W()
	hid := &network.Layer{In: 1, Out: n, Act: network.Sigmoid, W: make([]float64, n), B: make([]float64, n)}
	out := &network.Layer{In: n, Out: 1, Act: network.Linear, W: make([]float64, n), B: []float64{f.b}}
	for k, s := range f.steps {
		hid.W[k], hid.B[k] = w, -w*s.S
		out.W[k] = s.H
	}
	return &network.Network{Sizes: []int{1, n, 1}, Layers: []*network.Layer{hid, out},
		Cost: network.Quadratic, Init: network.InitXavier}
}

// maxSteps bounds the hidden neurons placed by hand.
const maxSteps = 64

// save pushes the state for u (at most 100 back).
func (f *Funcs) save() {
	f.undo = append(f.undo, funcsState{slices.Clone(f.steps), f.focus, f.wi, f.b})
	if len(f.undo) > 100 {
		f.undo = f.undo[1:]
	}
}

// Update handles keys.
func (f Funcs) Update(msg tea.Msg) (Funcs, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok || f.styles == nil {
		return f, nil
	}
	if f.prompt != nil {
		return f.updateTyping(k)
	}
	f.note = ""
	t := f.Target()
	span := t.Hi - t.Lo
	km := f.keys
	switch {
	case key.Matches(k, km.Next):
		f.cycle(1)
	case key.Matches(k, km.Prev):
		f.cycle(-1)
	case key.Matches(k, km.Left):
		f.move(-span / 50)
	case key.Matches(k, km.Right):
		f.move(span / 50)
	case key.Matches(k, km.LeftBig):
		f.move(-span / 10)
	case key.Matches(k, km.RightBig):
		f.move(span / 10)
	case key.Matches(k, km.Up):
		f.raise(0.1)
	case key.Matches(k, km.Down):
		f.raise(-0.1)
	case key.Matches(k, km.UpBig):
		f.raise(0.5)
	case key.Matches(k, km.DownBig):
		f.raise(-0.5)
	case key.Matches(k, km.Add):
		f.add(FuncStep{S: f.nextSpot(), H: 0.5})
	case key.Matches(k, km.Bump):
		s := f.nextSpot()
		f.add(FuncStep{S: s, H: 0.5}, FuncStep{S: math.Min(s+span/8, t.Hi), H: -0.5})
	case key.Matches(k, km.Delete):
		f.remove()
	case key.Matches(k, km.BiasUp):
		f.save()
		f.b += 0.1
	case key.Matches(k, km.BiasDown):
		f.save()
		f.b -= 0.1
	case key.Matches(k, km.Steeper):
		f.steep(1)
	case key.Matches(k, km.Softer):
		f.steep(-1)
	case key.Matches(k, km.Target):
		f.ti = (f.ti + 1) % len(f.targets)
		f.best = math.NaN()
		f.note = "target: " + f.Target().Title
	case key.Matches(k, km.Open):
		if f.noFiles {
			f.note = "this session reads no files: d picks sine or bump"
			break
		}
		f.prompt = widget.NewPrompt("CSV target (columns x, y)", "")
	case key.Matches(k, km.Undo):
		f.back()
	case key.Matches(k, km.Clear):
		f.save()
		f.steps, f.focus, f.b = nil, -1, 0
		f.note = "all steps removed (u undoes)"
	case key.Matches(k, km.Train):
		return f, f.openTrainer()
	}
	f.record()
	return f, nil
}

// record keeps the best MSE reached.
func (f *Funcs) record() {
	if m := f.MSE(); !(m >= f.best) {
		f.best = m
	}
}

func (f *Funcs) cycle(d int) {
	if n := len(f.steps); n > 0 {
		f.focus = ((f.focus+d)%n + n) % n
	}
}

// move moves the focused step by dx, within the target's range.
func (f *Funcs) move(dx float64) {
	if f.focus < 0 {
		f.note = "no step yet: n adds one, b a bump"
		return
	}
	f.save()
	t := f.Target()
	s := &f.steps[f.focus]
	s.S = math.Max(t.Lo, math.Min(t.Hi, s.S+dx))
}

func (f *Funcs) raise(dh float64) {
	if f.focus < 0 {
		f.note = "no step yet: n adds one, b a bump"
		return
	}
	f.save()
	h := &f.steps[f.focus].H
	*h = math.Round((*h+dh)*1000) / 1000
}

// nextSpot is where a new step goes: just right of the focused one, or the
// middle of the range.
func (f Funcs) nextSpot() float64 {
	t := f.Target()
	if f.focus < 0 {
		return (t.Lo + t.Hi) / 2
	}
	return math.Min(f.steps[f.focus].S+(t.Hi-t.Lo)/10, t.Hi)
}

func (f *Funcs) add(ss ...FuncStep) {
	if len(f.steps)+len(ss) > maxSteps {
		f.note = fmt.Sprintf("at most %d steps", maxSteps)
		return
	}
	f.save()
	f.steps = append(f.steps, ss...)
	f.focus = len(f.steps) - len(ss)
	if len(ss) == 2 {
		f.note = "a bump: two opposite steps; tab moves to its second step"
	}
}

func (f *Funcs) remove() {
	if f.focus < 0 {
		f.note = "no step to remove"
		return
	}
	f.save()
	f.steps = slices.Delete(f.steps, f.focus, f.focus+1)
	f.focus = min(f.focus, len(f.steps)-1)
}

func (f *Funcs) steep(d int) {
	i := max(0, min(f.wi+d, len(steepnesses)-1))
	if i == f.wi {
		return
	}
	f.save()
	f.wi = i
	f.note = "w = " + numfmt.G(f.W(), -1) + ": each σ(w(x − s)) rises over about " + numfmt.G(8/f.W(), 2) + " in x"
}

func (f *Funcs) back() {
	if len(f.undo) == 0 {
		f.note = "nothing to undo"
		return
	}
	s := f.undo[len(f.undo)-1]
	f.undo = f.undo[:len(f.undo)-1]
	f.steps, f.focus, f.wi, f.b = s.steps, s.focus, s.wi, s.b
}

// openTrainer hands the network and the target to the trainer: SGD on the
// quadratic cost, η = 0.3, mini-batches of 10.
func (f *Funcs) openTrainer() tea.Cmd {
	net := f.Network()
	if net == nil {
		f.note = "no steps yet: n adds one, b a bump"
		return nil
	}
	h := network.DefaultHyper()
	h.Rule, h.Opt, h.Eta, h.Batch, h.Seed = network.Backprop, network.SGD, 0.3, 10, 1
	msg := FuncsTrainerMsg{Data: f.Target().Data, Net: net, Hyper: h}
	return func() tea.Msg { return msg }
}

func (f Funcs) updateTyping(k tea.KeyPressMsg) (Funcs, tea.Cmd) {
	ev, cmd := f.prompt.Update(k)
	switch ev {
	case widget.Cancel:
		f.prompt = nil
	case widget.Submit:
		path := strings.TrimSpace(f.prompt.Value())
		if strings.HasPrefix(path, "~/") {
			if home, err := os.UserHomeDir(); err == nil {
				path = filepath.Join(home, path[2:])
			}
		}
		t, err := LoadCurve(path)
		if err != nil {
			f.prompt.Fail(err)
			break
		}
		t.Name = safetext.Line(filepath.Base(path))
		t.Title = t.Name + fmt.Sprintf(" (%d points)", len(t.X))
		f.targets = append(f.targets[:min(len(f.targets), 2)], t)
		f.ti = len(f.targets) - 1
		f.best = math.NaN()
		f.prompt = nil
		f.note = "target: " + t.Title
		f.record()
	}
	return f, cmd
}
