package network

import (
	"fmt"
	"strings"
)

// Activation names a layer's activation function σ.
type Activation uint8

const (
	Step      Activation = iota // Heaviside: 1 if z > 0 else 0 (the perceptron); no useful derivative
	Linear                      // σ(z) = z
	Sigmoid                     // σ(z) = 1/(1+e^{−z})
	Tanh                        // σ(z) = tanh z
	ReLU                        // σ(z) = max(0, z)
	LeakyReLU                   // σ(z) = z if z > 0 else 0.01·z
	Softmax                     // a_j = e^{z_j} / Σ_k e^{z_k}; output layer only
)

// Cost names the cost function C.
type Cost uint8

const (
	Quadratic    Cost = iota // C = 1/2n Σ_x ‖y(x) − a‖²
	CrossEntropy             // binary: −1/n Σ [y ln a + (1−y) ln(1−a)]; with Softmax: −1/n Σ y ln a
)

// Optimizer names the update rule.
type Optimizer uint8

const (
	SGD      Optimizer = iota // w ← w − η·g
	Momentum                  // v ← μv − η·g; w ← w + v
	Adam                      // Kingma & Ba 2015, bias-corrected
)

// Init names a weight initialisation scheme. Biases start at 0 except for
// Uniform, Normal and LeCun, which draw them as the comments say.
type Init uint8

const (
	InitXavier  Init = iota // U(±√(6/(in+out)))
	InitHe                  // N(0, 2/in)
	InitUniform             // U(−1, 1), biases too
	InitZero                // all 0 (the perceptron's classic start)
	InitNormal              // N(0, 1), biases too: Nielsen's chapter 1 (network.py)
	InitLeCun               // N(0, 1/in), biases N(0, 1): Nielsen's chapter 3 fix for saturated sigmoids
)

// Rule says how a Stepper learns.
type Rule uint8

const (
	Backprop   Rule = iota // gradient descent with backpropagation
	Perceptron             // w ← w + η(y − ŷ)x, online, single Step layer only
)

// Granularity is how far one call to Stepper.Step advances.
type Granularity uint8

const (
	ByNeuron Granularity = iota // one neuron of a forward/backward layer (other phases: one phase)
	ByPhase                     // one phase (a whole layer for forward/backward)
	BySample                    // to the end of the current sample
	ByBatch                     // to the end of the current mini-batch (after Update)
	ByEpoch                     // to the end of the current epoch (after EpochEnd)
	ByTime                      // to the end of the current time step of a sequence (other phases: one phase)
)

// Phase is one stage of learning from one sample. Order within a sample:
// Load → Forward(l=0..L−1) → Cost → OutputDelta → Backward(l=L−2..0) →
// Accumulate; after the batch's last sample, Update; after the epoch's last
// batch, EpochEnd (shuffle and evaluate). The Perceptron rule uses
// Load → Forward → Update (per sample) → EpochEnd.
type Phase uint8

const (
	PhaseIdle        Phase = iota // nothing done yet in this sample
	PhaseLoad                     // a^0 = x set, y set
	PhaseForward                  // z, a of Pos.Layer computed (Pos.Neuron+1 neurons revealed)
	PhaseCost                     // C_x computed
	PhaseOutputDelta              // δ^L computed
	PhaseBackward                 // δ of Pos.Layer computed (Pos.Neuron+1 revealed, counting down from the top)
	PhaseAccumulate               // ∂C/∂w, ∂C/∂b of this sample added to the batch sums
	PhaseUpdate                   // weights updated from the batch sums
	PhaseEpochEnd                 // epoch finished: metrics appended to History, data reshuffled
)

// Status summarises whether training can go on.
type Status uint8

const (
	Training      Status = iota
	Converged            // Perceptron: a whole epoch without a mistake
	NotConverging        // Perceptron: weights revisited a previous state or the epoch limit passed (e.g. XOR)
	Diverged             // NaN/Inf in a cost or weight; see Stepper.Divergence
)

var (
	activationNames  = []string{"step", "linear", "sigmoid", "tanh", "relu", "leaky-relu", "softmax"}
	costNames        = []string{"quadratic", "cross-entropy"}
	optimizerNames   = []string{"sgd", "momentum", "adam"}
	initNames        = []string{"xavier", "he", "uniform", "zero", "normal", "lecun"}
	ruleNames        = []string{"backprop", "perceptron"}
	granularityNames = []string{"neuron", "phase", "sample", "batch", "epoch", "time"}
	phaseNames       = []string{"idle", "load", "forward", "cost", "output-delta", "backward", "accumulate", "update", "epoch-end"}
	statusNames      = []string{"training", "converged", "not-converging", "diverged"}
)

func name(names []string, i int) string {
	if i >= 0 && i < len(names) {
		return names[i]
	}
	return fmt.Sprintf("invalid(%d)", i)
}

func parse(kind string, names []string, s string) (int, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for i, n := range names {
		if t == n {
			return i, nil
		}
	}
	return 0, fmt.Errorf("network: unknown %s %q (want one of %s)", kind, s, strings.Join(names, ", "))
}

// ParseActivation maps a name ("step", "linear", "sigmoid", "tanh", "relu",
// "leaky-relu", "softmax") to its Activation.
func ParseActivation(s string) (Activation, error) {
	i, err := parse("activation", activationNames, s)
	return Activation(i), err
}

// ParseCost maps "quadratic" or "cross-entropy" to its Cost.
func ParseCost(s string) (Cost, error) {
	i, err := parse("cost", costNames, s)
	return Cost(i), err
}

// ParseOptimizer maps "sgd", "momentum" or "adam" to its Optimizer.
func ParseOptimizer(s string) (Optimizer, error) {
	i, err := parse("optimizer", optimizerNames, s)
	return Optimizer(i), err
}

// ParseInit maps "xavier", "he", "uniform", "zero", "normal" or "lecun" to
// its Init.
func ParseInit(s string) (Init, error) {
	i, err := parse("init", initNames, s)
	return Init(i), err
}

// ParseRule maps "backprop" or "perceptron" to its Rule.
func ParseRule(s string) (Rule, error) {
	i, err := parse("rule", ruleNames, s)
	return Rule(i), err
}

// ActivationNames and friends list the valid names in order (for flags and menus).
func ActivationNames() []string { return append([]string(nil), activationNames...) }
func CostNames() []string       { return append([]string(nil), costNames...) }
func OptimizerNames() []string  { return append([]string(nil), optimizerNames...) }
func InitNames() []string       { return append([]string(nil), initNames...) }

// PhaseNames, StatusNames and GranularityNames list the String values of
// every Phase, Status and Granularity in order (for lesson checks and menus).
func PhaseNames() []string       { return append([]string(nil), phaseNames...) }
func StatusNames() []string      { return append([]string(nil), statusNames...) }
func GranularityNames() []string { return append([]string(nil), granularityNames...) }

func (a Activation) String() string  { return name(activationNames, int(a)) }
func (c Cost) String() string        { return name(costNames, int(c)) }
func (o Optimizer) String() string   { return name(optimizerNames, int(o)) }
func (i Init) String() string        { return name(initNames, int(i)) }
func (r Rule) String() string        { return name(ruleNames, int(r)) }
func (p Phase) String() string       { return name(phaseNames, int(p)) }
func (s Status) String() string      { return name(statusNames, int(s)) }
func (g Granularity) String() string { return name(granularityNames, int(g)) }

func (a Activation) valid() bool { return int(a) < len(activationNames) }
func (c Cost) valid() bool       { return int(c) < len(costNames) }
func (o Optimizer) valid() bool  { return int(o) < len(optimizerNames) }
func (i Init) valid() bool       { return int(i) < len(initNames) }
func (r Rule) valid() bool       { return int(r) < len(ruleNames) }
