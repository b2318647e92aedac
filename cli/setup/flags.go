package setup

import (
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"backprop/datasets"
	"backprop/network"
)

// Flags are the command-line flags that describe a setup: the data, the
// network's shape and the hyper-parameters, and --model. train and the
// trainer register them all with AddFlags, eval only the data flags with
// AddDataFlags. Resolve turns them into a Setup; Session builds from them.
type Flags struct {
	fs *flag.FlagSet

	Data, Target, TargetKind, DataDir string
	Split, Noise                      float64
	Samples, Steps, Delay             int
	Normalize                         bool
	MaxDataMB                         float64

	Layers, Act, OutAct, Cost, Init string
	Features                        string
	Recurrent                       bool
	Rule, Opt                       string
	LR, L1, L2, Momentum, Clip      float64
	Batch, BPTT                     int
	Seed                            uint64

	Model string

	cache *DataCache // see ShareData; nil: load afresh
}

// Default values of the setup flags.
const (
	defaultHidden = 30
	// regressionLR is the default η for regression data: with a linear
	// output, η = 0.5 overshoots on sine and plane (their weights explode in
	// the first epoch); 0.1 trains them on every seed tried.
	regressionLR = 0.1
	// sequenceRegressionLR is the default η for regression sequences
	// (sine-next, seq:FILE with real targets): a sequence's cost sums its
	// steps' costs, so its gradient is about T steps' worth, and η = 0.1
	// blew sine-next up in the first epoch (recurrent or not, loss 1.5e4);
	// 0.01 trained it on seeds 1–5 (test loss 0.23–0.40 after 30 epochs).
	sequenceRegressionLR = 0.01
	// smallSetBatch and smallSetLR are the defaults for a training set of
	// fewer samples than the default m (xor, and, or, nand, vacation): the
	// gate and xor presets' settings, one sample at a time at η = 2. One
	// mini-batch of the whole set is one update an epoch: `--data xor` at
	// η = 0.5 sat at 50% accuracy after 1000 epochs; at m = 1 it reached
	// 100% within 775–1043 epochs (seeds 1–5), and at η = 2 within 214–274,
	// some 25 s at run mode's watching speed. (SGD with backprop on classes
	// only: η = 2 would throw Adam or a regression output off; and not for
	// sequence sets, where it was never measured.)
	smallSetBatch = 1
	smallSetLR    = 2
)

// Flag groups, for help texts.
func DataFlagNames() []string {
	return []string{"data", "target", "target-kind", "data-dir", "split", "noise", "samples", "steps", "delay", "normalize", "seed"}
}

// NetworkFlagNames are the flags that fix a network's shape.
func NetworkFlagNames() []string {
	return []string{"features", "layers", "act", "out-act", "cost", "init", "recurrent"}
}

// TrainingFlagNames are the hyper-parameter flags and --model.
func TrainingFlagNames() []string {
	return []string{"rule", "opt", "lr", "momentum", "batch", "l1", "l2", "clip", "bptt", "model"}
}

// NoiseRange is the range of --noise and the trainer's noise prompt, "0..0.5".
func NoiseRange() string { return "0.." + strconv.FormatFloat(datasets.MaxNoise, 'g', -1, 64) }

// AddFlags registers all the setup flags on fs: the data flags, the network
// and training flags, and --model.
func AddFlags(fs *flag.FlagSet) *Flags {
	f := AddDataFlags(fs)
	h := network.DefaultHyper()
	fs.StringVar(&f.Layers, "layers", "", "layer sizes: all of them (64,30,10), or hidden only with _ for the data's ends (_,30,20,_), or one hidden size (30); _,_ is no hidden layer (default 30)")
	fs.StringVar(&f.Act, "act", "", "activation, one for every layer or a comma list, one per layer: "+strings.Join(network.ActivationNames(), ", ")+" (default: sigmoid, linear output for regression)")
	fs.StringVar(&f.Features, "features", "", "input features of 2-D data, comma-separated, as in TF Playground: "+strings.Join(network.FeatureNames(), ", ")+" (x₁, x₂, x₁², x₂², x₁x₂, sin x₁, sin x₂; default: x1,x2 as they are)")
	fs.StringVar(&f.OutAct, "out-act", "", "activation of the output layer alone (overrides --act there)")
	fs.StringVar(&f.Cost, "cost", "quadratic", "cost function: "+strings.Join(network.CostNames(), ", "))
	fs.StringVar(&f.Init, "init", "xavier", "weight initialisation: "+strings.Join(network.InitNames(), ", "))
	fs.BoolVar(&f.Recurrent, "recurrent", false, "make the hidden layers recurrent (Elman: h_t = σ(W_x x_t + W_h h_{t−1} + b)); for sequence data (echo, parity, sine-next, text, text:FILE, seq:FILE)")
	fs.StringVar(&f.Rule, "rule", "backprop", "learning rule: backprop, or perceptron (one step layer: w ← w + η(y − ŷ)x)")
	fs.StringVar(&f.Opt, "opt", "sgd", "optimizer: "+strings.Join(network.OptimizerNames(), ", "))
	fs.Float64Var(&f.LR, "lr", h.Eta, fmt.Sprintf("learning rate η > 0 (default %g, or %g for regression data, %g for regression sequences, %g for a class set of fewer than %d samples trained by backprop with SGD)", h.Eta, regressionLR, sequenceRegressionLR, float64(smallSetLR), h.Batch))
	fs.Float64Var(&f.Momentum, "momentum", h.Mu, "momentum coefficient μ in [0,1) for --opt momentum")
	fs.IntVar(&f.Batch, "batch", h.Batch, fmt.Sprintf("mini-batch size m, 1..%d (default %d, or %d for a training set of fewer than %d samples)", network.MaxBatch, h.Batch, smallSetBatch, h.Batch))
	fs.Float64Var(&f.L1, "l1", 0, "L1 regularisation λ ≥ 0 (w ← w − ηλ/n·sgn w)")
	fs.Float64Var(&f.L2, "l2", 0, "L2 regularisation λ ≥ 0 (w ← (1 − ηλ/n)·w)")
	fs.Float64Var(&f.Clip, "clip", 0, "gradient-norm clipping: scale the mini-batch's gradient down to this norm when it is longer (0: off)")
	fs.IntVar(&f.BPTT, "bptt", 0, "truncate backpropagation through time to windows of K steps (0: the whole sequence)")
	fs.StringVar(&f.Model, "model", "", "start from this model `FILE` (its layers, weights, optimizer state and data)")
	return f
}

// AddDataFlags registers only the data flags (see DataFlagNames) on fs.
func AddDataFlags(fs *flag.FlagSet) *Flags {
	f := &Flags{fs: fs}
	fs.StringVar(&f.Data, "data", "", "data set: a built-in name ("+builtinNames()+"), a CSV path, or idx:DIR for MNIST-format files")
	fs.StringVar(&f.Target, "target", "", "CSV target columns, by header name or 0-based index, comma-separated (default: the last column)")
	fs.StringVar(&f.TargetKind, "target-kind", "", "CSV targets: class or real (default: auto; text, or at most 10 distinct integers, are classes)")
	fs.StringVar(&f.DataDir, "data-dir", "", "folder holding mnist/ and fashion-mnist/ idx files (default: $BACKPROP_DATA)")
	fs.Float64Var(&f.Split, "split", 0, "fraction of the data used for training, in (0,1]; 1 means no test set (default: 0.5 generated, 0.75 real data, 1 gates)")
	fs.Float64Var(&f.Noise, "noise", 0, "noise of the 2-D and regression generators, "+NoiseRange()+" as in TF Playground")
	fs.IntVar(&f.Samples, "samples", 0, fmt.Sprintf("number of generated points, 2..%d (default %d); for idx data, keep only the first N images", datasets.MaxSamples, datasets.DefaultSamples))
	fs.IntVar(&f.Steps, "steps", 0, fmt.Sprintf("time steps of each generated sequence (echo, parity, sine-next: default %d; text: 25)", datasets.DefaultSteps))
	fs.IntVar(&f.Delay, "delay", 0, fmt.Sprintf("echo: the target at t is the input at t − delay (default %d)", datasets.DefaultDelay))
	fs.BoolVar(&f.Normalize, "normalize", false, "standardise features to zero mean and unit variance (iris, wine and breast-cancer are normalised unless --normalize=false)")
	fs.Uint64Var(&f.Seed, "seed", 1, "seed for generated data, the split, the initial weights and the shuffles")
	fs.Float64Var(&f.MaxDataMB, MaxDataFlag, datasets.DefaultMaxBytes>>20, "refuse a data file that holds or claims more than this many MiB of decoded data (CSV text after gunzip, idx pixels, or the rows as loaded)")
	return f
}

// MaxDataFlag bounds a data file's decoded size. AddDataFlags registers it,
// but it is a limit, not a choice of data, so DataFlagNames leaves it out:
// it goes with --model, or alone.
const MaxDataFlag = "max-data-mb"

// MaxDataMB bounds --max-data-mb (and serve's).
const MaxDataMB = 1 << 30

// MaxDataBytes is --max-data-mb in bytes.
func (f *Flags) MaxDataBytes() (int64, error) {
	mb := f.MaxDataMB
	if !(mb >= 1) || mb > MaxDataMB {
		return 0, Errorf(MaxDataFlag, "must be a number of MiB in [1, %d], got %g", MaxDataMB, mb)
	}
	return int64(mb * (1 << 20)), nil
}

// NoFlags are data flags of which none was given: with them, Open and
// OpenModel still take the data folder from $BACKPROP_DATA, as for a
// command line without data flags.
func NoFlags() *Flags { return AddDataFlags(flag.NewFlagSet("", flag.ContinueOnError)) }

// builtinNames lists the built-in data set names for help texts.
func builtinNames() string {
	var names []string
	for _, in := range datasets.Names() {
		names = append(names, in.Name)
	}
	return strings.Join(names, ", ")
}

// generatorNames lists the generated data sets, "circle, …, plane".
func generatorNames() string {
	var names []string
	for _, in := range datasets.Names() {
		if datasets.Generated(in.Name) {
			names = append(names, in.Name)
		}
	}
	return strings.Join(names, ", ")
}

// Given reports whether flag name was set on the command line.
func (f *Flags) Given(name string) bool {
	given := false
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == name {
			given = true
		}
	})
	return given
}

// dataKind says what a data name is, for the flags that only some data
// sets take.
type dataKind int

const (
	csvData   dataKind = iota // a CSV path
	generated                 // a seeded generator: takes --noise and --samples
	fixedData                 // a built-in table: gates, vacation, iris, digits, …
	idxData                   // idx:DIR, mnist, fashion-mnist: --samples keeps the first N
	seqData                   // a sequence set: echo, parity, sine-next take --samples, --steps
)

func kindOf(name string) dataKind {
	switch {
	case datasets.IsSequence(name):
		return seqData
	case strings.HasPrefix(name, "idx:") || name == "mnist" || name == "fashion-mnist":
		return idxData
	case datasets.Generated(name):
		return generated
	}
	for _, in := range datasets.Names() {
		if in.Name == name {
			return fixedData
		}
	}
	return csvData
}

// CheckNoise checks a noise level for the data set called data: in
// NoiseRange, and data is generated. The trainer's noise prompt and --noise
// both use it.
func CheckNoise(data string, v float64) error {
	if math.IsNaN(v) || v < 0 || v > datasets.MaxNoise {
		return fmt.Errorf("noise must be in %s, got %g", NoiseRange(), v)
	}
	if kindOf(data) != generated && data != "sine-next" {
		return fmt.Errorf("%q is not generated data: it has no noise", data)
	}
	return nil
}

// DataSpec builds the data set spec from the data flags. base, when not nil,
// is a spec to start from (a model file's data or a preset's); flags given
// override it. Flags that mean nothing for the data set (--noise for iris,
// --target for a built-in set) are refused.
func (f *Flags) DataSpec(base *datasets.Spec) (datasets.Spec, error) {
	var s datasets.Spec
	if base != nil && f.Given("data") && SavedDataSpec(datasets.Spec{Name: strings.TrimSpace(f.Data)}).Name != base.Name &&
		strings.TrimSpace(f.Data) != base.Name {
		base = nil // another data set: nothing of the model's spec applies
	}
	if base != nil {
		s = *base
		s.Target = append([]string(nil), base.Target...)
	}
	over := func(name string) bool { return base == nil || f.Given(name) }
	if over("data") {
		s.Name = strings.TrimSpace(f.Data)
	}
	if s.Name == "" {
		return s, Errorf("data", "required: a built-in name (%s), a CSV path, or idx:DIR", builtinNames())
	}
	kind := kindOf(s.Name)
	csvOnly := func(name string) error {
		if f.Given(name) && kind != csvData {
			return Errorf(name, "is for CSV files, and %q is not one (drop --%s)", s.Name, name)
		}
		return nil
	}
	if over("target") {
		if err := csvOnly("target"); err != nil {
			return s, err
		}
		s.Target = nil
		if strings.TrimSpace(f.Target) != "" {
			for _, t := range strings.Split(f.Target, ",") {
				if t = strings.TrimSpace(t); t == "" {
					return s, Errorf("target", "empty column name in %q", f.Target)
				}
				s.Target = append(s.Target, t)
			}
		}
	}
	if over("target-kind") {
		switch f.TargetKind {
		case "", "class", "real":
			s.TargetKind = f.TargetKind
		default:
			return s, Errorf("target-kind", "must be class or real, got %q", f.TargetKind)
		}
		if err := csvOnly("target-kind"); err != nil {
			return s, err
		}
	}
	if over("split") {
		if math.IsNaN(f.Split) || f.Split < 0 || f.Split > 1 || (f.Given("split") && f.Split == 0) {
			return s, Errorf("split", "must be in (0, 1], got %g", f.Split)
		}
		s.Split = f.Split
	}
	if over("noise") {
		if f.Given("noise") {
			if kindOf(s.Name) != generated && s.Name != "sine-next" {
				return s, Errorf("noise", "%q is not generated: noise applies only to %s", s.Name, generatorNames())
			}
			if err := CheckNoise(s.Name, f.Noise); err != nil {
				return s, Errorf("noise", "%s", strings.TrimPrefix(err.Error(), "noise "))
			}
		}
		s.Noise = f.Noise
	}
	if over("samples") {
		if f.Given("samples") {
			switch kind {
			case generated:
				if f.Samples < 2 || f.Samples > datasets.MaxSamples {
					return s, Errorf("samples", "must be in [2, %d] for generated data, got %d", datasets.MaxSamples, f.Samples)
				}
			case seqData:
				if f.Samples < 2 || f.Samples > datasets.MaxSamples || strings.Contains(s.Name, ":") || s.Name == "text" {
					return s, Errorf("samples", "is the number of sequences of echo, parity and sine-next, 2..%d; got %d for %q", datasets.MaxSamples, f.Samples, s.Name)
				}
			case idxData:
				if f.Samples < 1 {
					return s, Errorf("samples", "must be ≥ 1 (the first N images), got %d", f.Samples)
				}
			default:
				return s, Errorf("samples", "%q has a fixed number of rows; --samples is for the generators (%s) and idx data", s.Name, generatorNames())
			}
		}
		s.Samples = f.Samples
	}
	if over("steps") {
		if f.Given("steps") && (kind != seqData || strings.HasPrefix(s.Name, "seq:") || f.Steps < 1 || f.Steps > datasets.MaxSteps) {
			return s, Errorf("steps", "is the length of the sequences of echo, parity, sine-next and text, 1..%d; got %d for %q", datasets.MaxSteps, f.Steps, s.Name)
		}
		s.Steps = f.Steps
	}
	if over("delay") {
		if f.Given("delay") && (s.Name != "echo" || f.Delay < 1) {
			return s, Errorf("delay", "is echo's delay, ≥ 1 (and below --steps); got %d for %q", f.Delay, s.Name)
		}
		s.Delay = f.Delay
	}
	if over("normalize") {
		s.Normalize = f.Normalize
		s.Raw = f.Given("normalize") && !f.Normalize
	}
	if over("seed") {
		s.Seed = f.Seed
	}
	if f.Given(MaxDataFlag) { // else 0: datasets.DefaultMaxBytes
		var err error
		if s.MaxBytes, err = f.MaxDataBytes(); err != nil {
			return s, err
		}
	}
	// --data-dir, then $BACKPROP_DATA, then what a model file stored.
	if f.DataDir != "" {
		s.DataDir = f.DataDir
	} else if env := os.Getenv("BACKPROP_DATA"); env != "" {
		s.DataDir = env
	}
	return s, nil
}

// Hyper builds the hyper-parameters from the flags. base, when not nil, is
// a stepper's current hyper-parameters (or a preset's); flags given
// override them. Flags the learning rule ignores are refused.
func (f *Flags) Hyper(base *network.Hyper) (network.Hyper, error) {
	h := network.DefaultHyper()
	if base != nil {
		h = *base
	}
	over := func(name string) bool { return base == nil || f.Given(name) }
	var err error
	if over("rule") {
		if h.Rule, err = network.ParseRule(f.Rule); err != nil {
			return h, Errorf("rule", "must be backprop or perceptron, got %q", f.Rule)
		}
	}
	if over("opt") {
		if h.Opt, err = network.ParseOptimizer(f.Opt); err != nil {
			return h, Errorf("opt", "must be one of %s, got %q", strings.Join(network.OptimizerNames(), ", "), f.Opt)
		}
	}
	if over("lr") {
		if !(f.LR > 0) || math.IsInf(f.LR, 0) {
			return h, Errorf("lr", "must be a finite number > 0, got %g", f.LR)
		}
		h.Eta = f.LR
	}
	if over("momentum") {
		if !(f.Momentum >= 0 && f.Momentum < 1) {
			return h, Errorf("momentum", "must be in [0, 1), got %g", f.Momentum)
		}
		h.Mu = f.Momentum
	}
	if over("batch") {
		if f.Batch < 1 || f.Batch > network.MaxBatch {
			return h, Errorf("batch", "must be in [1, %d], got %d", network.MaxBatch, f.Batch)
		}
		h.Batch = f.Batch
	}
	for _, l := range []struct {
		name string
		v    float64
		dst  *float64
	}{{"l1", f.L1, &h.L1}, {"l2", f.L2, &h.L2}} {
		if over(l.name) {
			if !(l.v >= 0) || math.IsInf(l.v, 0) {
				return h, Errorf(l.name, "must be a finite number ≥ 0, got %g", l.v)
			}
			*l.dst = l.v
		}
	}
	if over("seed") {
		h.Seed = f.Seed
	}
	if over("clip") {
		if !(f.Clip >= 0) || math.IsInf(f.Clip, 0) {
			return h, Errorf("clip", "must be a finite number ≥ 0 (0: off), got %g", f.Clip)
		}
		h.Clip = f.Clip
	}
	if over("bptt") {
		if f.BPTT < 0 || f.BPTT > network.MaxSteps {
			return h, Errorf("bptt", "must be in [0, %d] (0: the whole sequence), got %d", network.MaxSteps, f.BPTT)
		}
		h.BPTT = f.BPTT
	}
	if h.Rule == network.Perceptron {
		// w ← w + η(y − ŷ)x, after every sample: no optimizer, no
		// regularisation, no mini-batches.
		for _, name := range []string{"opt", "momentum", "l1", "l2", "batch"} {
			if f.Given(name) && !(name == "opt" && h.Opt == network.SGD) && !(name == "batch" && h.Batch == 1) {
				return h, Errorf(name, "the perceptron rule (w ← w + η(y − ŷ)x, after every sample) does not use it; drop --%s or use --rule backprop", name)
			}
		}
	}
	if err := h.Validate(); err != nil {
		return h, err
	}
	return h, nil
}
