package lesson

import (
	"strconv"
	"strings"

	"backprop/network"
	"backprop/tui/bench"
)

// Live is the State of a running app: the bench (when it is on screen) and
// the trainer's Stepper (when a trainer session is open). The app builds one
// after each update and passes it to Model.Sync.
type Live struct {
	Screen  string           // "bench" or "trainer"
	Preset  string           // bench problem or trainer preset
	Bench   *bench.Model     // nil: no bench
	Funcs   *bench.Funcs     // nil: not on the functions bench
	Stepper *network.Stepper // nil: no trainer
}

var _ State = Live{}

func (l Live) onBench() bool { return l.Bench != nil && (l.Screen == "bench" || l.Stepper == nil) }

// Var implements State.
func (l Live) Var(name string) (Value, bool) {
	switch name {
	case "screen":
		return Str(l.Screen), l.Screen != ""
	case "preset":
		if l.Preset == "" && l.Bench != nil {
			return Str(l.Bench.Problem().Name), true
		}
		return Str(l.Preset), l.Preset != ""
	}
	switch {
	case name == "mse" && l.Funcs != nil:
		return Num(l.Funcs.MSE()), true
	case name == "hand_steps" && l.Funcs != nil:
		return Num(float64(len(l.Funcs.Steps()))), true
	case name == "mse" || name == "hand_steps":
		return Value{}, false
	}
	if l.Bench != nil {
		if v, ok, known := l.benchVar(name); known {
			return v, ok
		}
	}
	if l.onBench() {
		return l.benchProgress(name)
	}
	if l.Stepper == nil {
		return Value{}, false
	}
	return trainerVar(l.Stepper, name)
}

// benchVar reads the bench's inputs, unit and wrong rows; known is false
// for any other name.
func (l Live) benchVar(name string) (v Value, ok, known bool) {
	if id, isInput := strings.CutPrefix(name, "input."); isInput {
		for k, in := range l.Bench.Problem().Inputs {
			if in.ID == id {
				return Num(l.Bench.Inputs()[k]), true, true
			}
		}
		return Value{}, false, true
	}
	switch name {
	case "unit":
		return Str(l.Bench.Unit().String()), true, true
	case "wrong":
		return Num(float64(l.Bench.Wrong())), true, true
	}
	return Value{}, false, false
}

// benchProgress reads the bench's status, epoch and steps.
func (l Live) benchProgress(name string) (Value, bool) {
	switch name {
	case "status":
		return Str(l.Bench.Status().String()), true
	case "epoch":
		return Num(float64(l.Bench.Epoch())), true
	case "steps":
		return Num(float64(l.Bench.Steps())), true
	}
	return Value{}, false
}

// trainerVar reads the trainer's position, hyperparameters and the last
// epoch's metrics from its Stepper.
func trainerVar(s *network.Stepper, name string) (Value, bool) {
	pos := s.Pos()
	h := s.Hyper()
	switch name {
	case "phase":
		return Str(pos.Phase.String()), true
	case "status":
		return Str(s.Status().String()), true
	case "epoch":
		return Num(float64(pos.Epoch)), true
	case "steps":
		return Num(float64(pos.Steps)), true
	case "layer":
		return Num(float64(pos.Layer)), true
	case "neuron":
		return Num(float64(pos.Neuron)), true
	case "time":
		return Num(float64(pos.Time)), true
	case "eta":
		return Num(h.Eta), true
	case "batch":
		return Num(float64(h.Batch)), true
	case "batches":
		return Num(float64(s.BatchCount())), true
	case "params":
		return Num(float64(s.Net().NumParams())), true
	case "loss", "accuracy", "test_loss", "test_accuracy":
		return epochVar(s.History(), name)
	case "grad_ratio":
		g := lastGradNorm(s)
		if len(g) == 0 || g[len(g)-1] == 0 {
			return Value{}, false
		}
		return Num(g[0] / g[len(g)-1]), true
	case "init":
		if s.Net() == nil {
			return Value{}, false
		}
		return Str(s.Net().Init.String()), true
	}
	return layerVar(s, name)
}

// layerVar reads "grad_norm.l" (the last epoch's mean ‖∂C/∂W‖ of layer l,
// as train --json's grad_norm) and "act.l" (its activation), l 0-based.
func layerVar(s *network.Stepper, name string) (Value, bool) {
	what, ls, ok := strings.Cut(name, ".")
	l, err := strconv.Atoi(ls)
	net := s.Net()
	if !ok || err != nil || net == nil || l < 0 || l >= len(net.Layers) {
		return Value{}, false
	}
	switch what {
	case "grad_norm":
		if g := lastGradNorm(s); l < len(g) {
			return Num(g[l]), true
		}
	case "act":
		return Str(net.Layers[l].Act.String()), true
	}
	return Value{}, false
}

// lastGradNorm is the last epoch's gradient norms, one per layer (nil
// before the first epoch ends).
func lastGradNorm(s *network.Stepper) []float64 {
	g := s.GradNorms()
	if len(g) == 0 {
		return nil
	}
	return g[len(g)-1]
}

// epochVar is a metric of the last epoch in hist (none before the first
// epoch ends, or without a test set).
func epochVar(hist []network.EpochStats, name string) (Value, bool) {
	if len(hist) == 0 {
		return Value{}, false
	}
	e := hist[len(hist)-1]
	v := map[string]float64{"loss": e.TrainLoss, "accuracy": e.TrainAcc, "test_loss": e.TestLoss, "test_accuracy": e.TestAcc}[name]
	if v != v { // NaN: no test set
		return Value{}, false
	}
	return Num(v), true
}

// Inputs implements State.
func (l Live) Inputs() []string {
	if l.Bench == nil {
		return nil
	}
	var ids []string
	for _, in := range l.Bench.Problem().Inputs {
		ids = append(ids, in.ID)
	}
	return ids
}

// Z implements State.
func (l Live) Z(x map[string]float64) (float64, bool) {
	if l.Bench == nil {
		return 0, false
	}
	ins := l.Bench.Problem().Inputs
	v := make([]float64, len(ins))
	for k, in := range ins {
		v[k] = x[in.ID]
	}
	return l.Bench.Z(v), true
}

// Target implements State.
func (l Live) Target(x map[string]float64) (float64, bool) {
	if l.Bench == nil {
		return 0, false
	}
	ins := l.Bench.Problem().Inputs
	v := make([]float64, len(ins))
	for k, in := range ins {
		v[k] = x[in.ID]
	}
	return l.Bench.Problem().Target(v), true
}

// Weight implements State.
func (l Live) Weight(layer, j, k int) (float64, bool) {
	if l.onBench() {
		if layer != 0 || j != 0 {
			return 0, false
		}
		if k < 0 {
			return -l.Bench.Threshold(), true
		}
		w := l.Bench.Weights()
		if k >= len(w) {
			return 0, false
		}
		return w[k], true
	}
	if l.Stepper == nil {
		return 0, false
	}
	net := l.Stepper.Net()
	if net == nil || layer < 0 || layer >= len(net.Layers) {
		return 0, false
	}
	ly := net.Layers[layer]
	if j < 0 || j >= ly.Out || k >= ly.In {
		return 0, false
	}
	if k < 0 {
		return ly.B[j], true
	}
	return ly.W[j*ly.In+k], true
}
