package network

// CONTRACT: this file fixes the engine's public API so that tui/, main.go and
// server/ can be written against it in parallel. The engine work replaces the
// TODO bodies (and may move declarations to other files) but keeps these names
// and signatures; additions are fine, removals/renames need everyone's consent.

import (
	"encoding/json"
	"errors"
	"io"
	"math/rand/v2"
	"time"
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
// Uniform, which draws them like the weights.
type Init uint8

const (
	InitXavier  Init = iota // U(±√(6/(in+out)))
	InitHe                  // N(0, 2/in)
	InitUniform             // U(−1, 1)
	InitZero                // all 0 (the perceptron's classic start)
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

// Sentinel errors, prefixed with the package name.
var (
	ErrStepBackprop = errors.New("network: step activation has no useful derivative; backprop needs sigmoid, tanh, relu, ... (use the perceptron rule for a single step layer)")
	ErrDiverged     = errors.New("network: training diverged")
)

// Layer is a dense layer: z = W·a_prev + B, a = σ(z).
type Layer struct {
	In, Out int
	Act     Activation
	W       []float64 // Out×In, row-major: W[j*In+k]
	B       []float64 // Out
}

// Network is a multilayer perceptron: Sizes[0] inputs, Layers[i] maps
// Sizes[i] to Sizes[i+1].
type Network struct {
	Sizes  []int
	Layers []*Layer
	Cost   Cost
}

// Spec describes a network to build. Acts has one entry per layer
// (len(Sizes)−1).
type Spec struct {
	Sizes []int
	Acts  []Activation
	Cost  Cost
	Init  Init
}

// Hyper holds the training hyper-parameters.
type Hyper struct {
	Rule    Rule
	Eta     float64 // learning rate η > 0
	Batch   int     // mini-batch size m ≥ 1
	Opt     Optimizer
	Mu      float64 // momentum coefficient, default 0.9
	Beta1   float64 // Adam, default 0.9
	Beta2   float64 // Adam, default 0.999
	Epsilon float64 // Adam, default 1e-8
	L1, L2  float64 // λ for L1/L2 regularisation, scaled by 1/n (Nielsen): w ← w − ηλ/n·sgn(w), w ← (1 − ηλ/n)w
	Seed    uint64  // seeds the per-epoch shuffles
	// MaxEpochs bounds the Perceptron rule (NotConverging after it); 0 means 100.
	MaxEpochs int
}

// Set is a data set: X[i] is an input vector, Y[i] its target vector.
type Set struct {
	X, Y [][]float64
}

// Pos says where the Stepper is: the last completed step.
type Pos struct {
	Epoch  int   // epochs completed
	Batch  int   // mini-batch index within the epoch
	Sample int   // sample index within the mini-batch
	Index  int   // index of the current sample in the training Set
	Phase  Phase // last completed phase
	Layer  int   // for Forward/Backward: index into Network.Layers
	Neuron int   // for Forward/Backward: last neuron revealed
	Steps  int   // samples processed since the start (monotonic)
}

// Update records the weight update just applied to one layer.
type Update struct {
	OldW, NewW []float64
	OldB, NewB []float64
}

// Trace holds every intermediate of the current sample and mini-batch. The
// UI shows these numbers; it never recomputes them. Slices are owned by the
// Stepper and are overwritten by the next step: copy what you keep.
type Trace struct {
	X, Y  []float64   // current sample's input and target
	Z     [][]float64 // Z[l]: weighted inputs of Layers[l]
	A     [][]float64 // A[0] = x; A[l+1]: activations of Layers[l]
	Delta [][]float64 // Delta[l] = ∂C/∂z of Layers[l]
	Cost  float64     // C_x of the current sample (valid from PhaseCost)
	GradW [][]float64 // GradW[l]: Σ over the batch so far of ∂C_x/∂w (row-major like W), not divided by m
	GradB [][]float64
	Count int      // samples accumulated in GradW/GradB
	Loss  float64  // Σ of C_x over the batch so far
	Last  []Update // the last Update phase, one per layer; nil before the first
	// Perceptron rule: the prediction ŷ and the error y − ŷ of the current sample.
	YHat, Err []float64
}

// EpochStats are the metrics logged at the end of an epoch. TestLoss and
// TestAcc are NaN when there is no test set.
type EpochStats struct {
	Epoch               int
	TrainLoss, TrainAcc float64
	TestLoss, TestAcc   float64
}

// Metrics are the result of Evaluate. Accuracy compares argmax for several
// outputs, and a 0.5 threshold for one output. Confusion[actual][predicted]
// is nil for regression targets.
type Metrics struct {
	Loss, Accuracy float64
	Confusion      [][]int
}

// Divergence says where training blew up.
type Divergence struct {
	Layer int    // index into Network.Layers, or −1 for the cost
	What  string // e.g. "weights", "z", "cost"
	Pos   Pos
}

func (d *Divergence) Error() string { return "TODO" }

// Workspace holds the buffers for allocation-free forward passes.
type Workspace struct{}

// Model is the JSON model file: everything needed to resume exactly. Data is
// the caller's own description of the data set (name, noise, split, seed),
// stored verbatim under "data" so a trainer can rebuild the same Set.
type Model struct {
	Data json.RawMessage `json:"data,omitempty"`
}

// Stepper is the caller-driven training state machine.
type Stepper struct{}

// New builds a network from spec, drawing initial weights from rng.
func New(spec Spec, rng *rand.Rand) (*Network, error) { return nil, errors.New("TODO") }

// ParseActivation and friends map names (as in model files and flags) to values.
func ParseActivation(s string) (Activation, error) { return 0, errors.New("TODO") }
func ParseCost(s string) (Cost, error)             { return 0, errors.New("TODO") }
func ParseOptimizer(s string) (Optimizer, error)   { return 0, errors.New("TODO") }
func ParseInit(s string) (Init, error)             { return 0, errors.New("TODO") }

func (a Activation) String() string  { return "TODO" }
func (c Cost) String() string        { return "TODO" }
func (o Optimizer) String() string   { return "TODO" }
func (i Init) String() string        { return "TODO" }
func (p Phase) String() string       { return "TODO" }
func (s Status) String() string      { return "TODO" }
func (g Granularity) String() string { return "TODO" }

// Clone returns a deep copy.
func (n *Network) Clone() *Network { return nil }

// NumParams is the number of weights and biases.
func (n *Network) NumParams() int { return 0 }

// NewWorkspace allocates buffers for Forward.
func (n *Network) NewWorkspace() *Workspace { return nil }

// Forward computes the output for x using ws's buffers; the result is owned by ws.
func (n *Network) Forward(ws *Workspace, x []float64) []float64 { return nil }

// Predict is Forward with fresh buffers.
func (n *Network) Predict(x []float64) []float64 { return nil }

// Evaluate computes loss, accuracy and confusion matrix of n on set.
func (n *Network) Evaluate(set Set) Metrics { return Metrics{} }

// DefaultHyper returns η=0.5, m=10, SGD, μ=0.9, β1=0.9, β2=0.999, ε=1e-8, seed 1.
func DefaultHyper() Hyper { return Hyper{} }

// NewStepper validates net, h and the data shapes and returns a Stepper at
// the start of epoch 0. Backprop with a Step layer returns ErrStepBackprop.
func NewStepper(net *Network, h Hyper, train, test Set) (*Stepper, error) {
	return nil, errors.New("TODO")
}

// Step advances by one unit of g and records an undo snapshot first. After
// divergence it returns a *Divergence and does nothing.
func (s *Stepper) Step(g Granularity) error { return errors.New("TODO") }

// Run processes up to n whole samples (finishing the current one first) on
// the fast path and returns how many it did. One undo snapshot covers the run.
func (s *Stepper) Run(n int) (int, error) { return 0, errors.New("TODO") }

// RunFor runs whole samples until budget has elapsed; it checks the clock
// every few samples. One undo snapshot covers the run.
func (s *Stepper) RunFor(budget time.Duration) (int, error) { return 0, errors.New("TODO") }

// Undo restores the state before the last Step, Run, RunFor or Set* call.
func (s *Stepper) Undo() bool { return false }

// UndoDepth is how many undo snapshots are kept (bounded by a memory budget).
func (s *Stepper) UndoDepth() int { return 0 }

// Reset returns to the initial weights and epoch 0, with the same seed.
func (s *Stepper) Reset() {}

// Reseed draws new initial weights (and shuffles) from seed and resets.
func (s *Stepper) Reseed(seed uint64) {}

func (s *Stepper) Net() *Network                          { return nil }
func (s *Stepper) Hyper() Hyper                           { return Hyper{} }
func (s *Stepper) Pos() Pos                               { return Pos{} }
func (s *Stepper) Trace() *Trace                          { return nil }
func (s *Stepper) Status() Status                         { return Training }
func (s *Stepper) Divergence() *Divergence                { return nil }
func (s *Stepper) History() []EpochStats                  { return nil }
func (s *Stepper) BatchLosses() []float64                 { return nil } // mean cost of each finished mini-batch
func (s *Stepper) Train() Set                             { return Set{} }
func (s *Stepper) Test() Set                              { return Set{} }
func (s *Stepper) SetHyper(h Hyper) error                 { return errors.New("TODO") } // validated; undoable
func (s *Stepper) SetWeight(l, j, k int, v float64) error { return errors.New("TODO") } // undoable
func (s *Stepper) SetBias(l, j int, v float64) error      { return errors.New("TODO") } // undoable

// GradCheck compares backprop's ∂C/∂w and ∂C/∂b for one sample with centred
// finite differences and returns the largest relative error
// |g − ĝ| / max(|g|, |ĝ|, tiny).
func GradCheck(net *Network, x, y []float64, h float64) (maxRelErr float64, err error) {
	return 0, errors.New("TODO")
}

// Model files.
func (s *Stepper) Model() *Model                           { return nil }
func LoadModel(path string) (*Model, error)                { return nil, errors.New("TODO") }
func ParseModel(data []byte) (*Model, error)               { return nil, errors.New("TODO") } // errors name the JSON path
func (m *Model) Save(path string) error                    { return errors.New("TODO") }      // atomic: temp file + rename
func (m *Model) Write(w io.Writer) error                   { return errors.New("TODO") }
func (m *Model) Network() (*Network, error)                { return nil, errors.New("TODO") }
func (m *Model) Stepper(train, test Set) (*Stepper, error) { return nil, errors.New("TODO") } // resumes exactly
