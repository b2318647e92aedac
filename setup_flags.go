package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"backprop/datasets"
	"backprop/network"
)

// SetupFlags are the flags that describe a training setup: data, network
// shape and hyper-parameters. train and the trainer register them with
// AddSetupFlags and turn them into a Setup with Resolve.
type SetupFlags struct {
	fs *flag.FlagSet

	Data, Target, TargetKind, DataDir string
	Split, Noise                      float64
	Samples                           int
	Normalize                         bool

	Layers, Act, OutAct, Cost, Init string
	Rule, Opt                       string
	LR, L1, L2, Momentum            float64
	Batch, Epochs                   int
	Seed                            uint64

	Model string
}

// Default values of the setup flags.
const (
	defaultHidden = 30
	defaultEpochs = 10
	// regressionLR is the default η for regression data: with a linear
	// output, η = 0.5 overshoots on sine and plane (their weights explode in
	// the first epoch); 0.1 trains them on every seed tried.
	regressionLR = 0.1
)

// AddSetupFlags registers all the setup flags on fs: the data flags, the
// network and training flags, and --model.
func AddSetupFlags(fs *flag.FlagSet) *SetupFlags {
	f := AddDataFlags(fs)
	h := network.DefaultHyper()
	fs.StringVar(&f.Layers, "layers", "", "layer sizes: all of them (64,30,10), or hidden only with _ for the data's ends (_,30,20,_), or one hidden size (30); _,_ is no hidden layer (default 30)")
	fs.StringVar(&f.Act, "act", "", "activation, one for every layer or a comma list, one per layer: "+strings.Join(network.ActivationNames(), ", ")+" (default: sigmoid, linear output for regression)")
	fs.StringVar(&f.OutAct, "out-act", "", "activation of the output layer alone (overrides --act there)")
	fs.StringVar(&f.Cost, "cost", "quadratic", "cost function: "+strings.Join(network.CostNames(), ", "))
	fs.StringVar(&f.Init, "init", "xavier", "weight initialisation: "+strings.Join(network.InitNames(), ", "))
	fs.StringVar(&f.Rule, "rule", "backprop", "learning rule: backprop, or perceptron (one step layer: w ← w + η(y − ŷ)x)")
	fs.StringVar(&f.Opt, "opt", "sgd", "optimizer: "+strings.Join(network.OptimizerNames(), ", "))
	fs.Float64Var(&f.LR, "lr", h.Eta, fmt.Sprintf("learning rate η > 0 (default %g, or %g for regression data)", h.Eta, regressionLR))
	fs.Float64Var(&f.Momentum, "momentum", h.Mu, "momentum coefficient μ in [0,1) for --opt momentum")
	fs.IntVar(&f.Batch, "batch", h.Batch, "mini-batch size m ≥ 1")
	fs.IntVar(&f.Epochs, "epochs", defaultEpochs, "number of epochs to train")
	fs.Float64Var(&f.L1, "l1", 0, "L1 regularisation λ ≥ 0 (w ← w − ηλ/n·sgn w)")
	fs.Float64Var(&f.L2, "l2", 0, "L2 regularisation λ ≥ 0 (w ← (1 − ηλ/n)·w)")
	fs.StringVar(&f.Model, "model", "", "start from this model file (its layers, weights, optimizer state and data)")
	return f
}

// AddDataFlags registers only the data flags (--data, --target, --target-kind,
// --data-dir, --split, --noise, --samples, --normalize, --seed) on fs.
func AddDataFlags(fs *flag.FlagSet) *SetupFlags {
	f := &SetupFlags{fs: fs}
	fs.StringVar(&f.Data, "data", "", "data set: a built-in name ("+builtinNames()+"), a CSV path, or idx:DIR for MNIST-format files")
	fs.StringVar(&f.Target, "target", "", "CSV target columns, by header name or 0-based index, comma-separated (default: the last column)")
	fs.StringVar(&f.TargetKind, "target-kind", "", "CSV targets: class or real (default: auto; text, or at most 10 distinct integers, are classes)")
	fs.StringVar(&f.DataDir, "data-dir", "", "folder holding mnist/ and fashion-mnist/ idx files (default: $BACKPROP_DATA)")
	fs.Float64Var(&f.Split, "split", 0, "fraction of the data used for training, in (0,1]; 1 means no test set (default: 0.5 generated, 0.75 real data, 1 gates)")
	fs.Float64Var(&f.Noise, "noise", 0, "noise of the 2-D and regression generators, 0..0.5 as in TF Playground")
	fs.IntVar(&f.Samples, "samples", 0, "number of generated points (default 200); for idx data, keep only the first N images")
	fs.BoolVar(&f.Normalize, "normalize", false, "standardise features to zero mean and unit variance (iris, wine and breast-cancer are normalised unless --normalize=false)")
	fs.Uint64Var(&f.Seed, "seed", 1, "seed for generated data, the split, the initial weights and the shuffles")
	return f
}

// Flag groups, for help texts.
func dataFlagNames() []string {
	return []string{"data", "target", "target-kind", "data-dir", "split", "noise", "samples", "normalize", "seed"}
}
func netFlagNames() []string { return []string{"layers", "act", "out-act", "cost", "init"} }
func trainFlagNames() []string {
	return []string{"rule", "opt", "lr", "momentum", "batch", "epochs", "l1", "l2", "model"}
}

// builtinNames lists the built-in data set names for help texts.
func builtinNames() string {
	var names []string
	for _, in := range datasets.Names() {
		names = append(names, in.Name)
	}
	return strings.Join(names, ", ")
}

// FlagError is a bad flag value; commands exit with status 2 for it.
type FlagError struct {
	Flag, Msg string
}

func (e *FlagError) Error() string { return "--" + e.Flag + ": " + e.Msg }

func flagErr(name, format string, args ...any) error {
	return &FlagError{Flag: name, Msg: fmt.Sprintf(format, args...)}
}

// ExitCode is 2 for a FlagError and 1 for anything else.
func ExitCode(err error) int {
	var fe *FlagError
	if errors.As(err, &fe) {
		return 2
	}
	return 1
}

// Given reports whether flag name was set on the command line.
func (f *SetupFlags) Given(name string) bool {
	given := false
	f.fs.Visit(func(fl *flag.Flag) {
		if fl.Name == name {
			given = true
		}
	})
	return given
}

// DataSpec builds the data set spec from the data flags. base, when not nil,
// is a spec to start from (a model file's data); flags given override it.
func (f *SetupFlags) DataSpec(base *datasets.Spec) (datasets.Spec, error) {
	var s datasets.Spec
	if base != nil && f.Given("data") && savedDataSpec(datasets.Spec{Name: strings.TrimSpace(f.Data)}).Name != base.Name &&
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
		return s, flagErr("data", "required: a built-in name (%s), a CSV path, or idx:DIR", builtinNames())
	}
	if over("target") {
		s.Target = nil
		if strings.TrimSpace(f.Target) != "" {
			for _, t := range strings.Split(f.Target, ",") {
				if t = strings.TrimSpace(t); t == "" {
					return s, flagErr("target", "empty column name in %q", f.Target)
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
			return s, flagErr("target-kind", "must be class or real, got %q", f.TargetKind)
		}
	}
	if over("split") {
		if math.IsNaN(f.Split) || f.Split < 0 || f.Split > 1 || (f.Given("split") && f.Split == 0) {
			return s, flagErr("split", "must be in (0, 1], got %g", f.Split)
		}
		s.Split = f.Split
	}
	if over("noise") {
		if math.IsNaN(f.Noise) || f.Noise < 0 || f.Noise > 10 {
			return s, flagErr("noise", "must be in [0, 10], got %g", f.Noise)
		}
		s.Noise = f.Noise
	}
	if over("samples") {
		if f.Samples < 0 || f.Samples > datasets.MaxSamples {
			return s, flagErr("samples", "must be in [0, %d], got %d", datasets.MaxSamples, f.Samples)
		}
		s.Samples = f.Samples
	}
	if over("normalize") {
		s.Normalize = f.Normalize
		s.Raw = f.Given("normalize") && !f.Normalize
	}
	if over("seed") {
		s.Seed = f.Seed
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
// a stepper's current hyper-parameters; flags given override them.
func (f *SetupFlags) Hyper(base *network.Hyper) (network.Hyper, error) {
	h := network.DefaultHyper()
	if base != nil {
		h = *base
	}
	over := func(name string) bool { return base == nil || f.Given(name) }
	var err error
	if over("rule") {
		if h.Rule, err = network.ParseRule(f.Rule); err != nil {
			return h, flagErr("rule", "must be backprop or perceptron, got %q", f.Rule)
		}
	}
	if over("opt") {
		if h.Opt, err = network.ParseOptimizer(f.Opt); err != nil {
			return h, flagErr("opt", "must be one of %s, got %q", strings.Join(network.OptimizerNames(), ", "), f.Opt)
		}
	}
	if over("lr") {
		if !(f.LR > 0) || math.IsInf(f.LR, 0) {
			return h, flagErr("lr", "must be a finite number > 0, got %g", f.LR)
		}
		h.Eta = f.LR
	}
	if over("momentum") {
		if !(f.Momentum >= 0 && f.Momentum < 1) {
			return h, flagErr("momentum", "must be in [0, 1), got %g", f.Momentum)
		}
		h.Mu = f.Momentum
	}
	if over("batch") {
		if f.Batch < 1 || f.Batch > network.MaxBatch {
			return h, flagErr("batch", "must be ≥ 1, got %d", f.Batch)
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
				return h, flagErr(l.name, "must be a finite number ≥ 0, got %g", l.v)
			}
			*l.dst = l.v
		}
	}
	if over("seed") {
		h.Seed = f.Seed
	}
	if f.Epochs < 1 {
		return h, flagErr("epochs", "must be ≥ 1, got %d", f.Epochs)
	}
	if err := h.Validate(); err != nil {
		return h, err
	}
	return h, nil
}

// NetSpec builds the network spec from --layers, --act, --out-act, --cost
// and --init for data with the given shape. base, when not nil, is a spec to
// start from (a preset's network): flags not given keep its hidden layers,
// activations, cost and init, and its ends follow the data.
func (f *SetupFlags) NetSpec(ds *datasets.Dataset, base *network.Spec) (network.Spec, error) {
	var spec network.Spec
	in, out := len(ds.Features), len(ds.Targets)
	var sizes []int
	var err error
	if base != nil && !f.Given("layers") && len(base.Sizes) >= 2 {
		sizes = append([]int(nil), base.Sizes...)
		sizes[0], sizes[len(sizes)-1] = in, out
	} else if sizes, err = parseLayers(f.Layers, in, out); err != nil {
		return spec, err
	}
	spec.Sizes = sizes
	L := len(sizes) - 1
	shape := sizesString(sizes)

	// Activations: one name for all layers, or one per layer (or per hidden
	// layer when --out-act is given). Without --act: the base's, else
	// sigmoid, with a linear output for regression.
	acts := make([]network.Activation, L)
	for i := range acts {
		acts[i] = network.Sigmoid
	}
	if ds.Kind == datasets.Regression {
		acts[L-1] = network.Linear
	}
	if base != nil && len(base.Acts) == L {
		copy(acts, base.Acts)
	} else if base != nil && len(base.Acts) > 0 {
		// Other depth: hidden layers take the base's first activation, the
		// output keeps the base's output activation.
		for i := range acts[:L-1] {
			acts[i] = base.Acts[0]
		}
		acts[L-1] = base.Acts[len(base.Acts)-1]
	}
	if strings.TrimSpace(f.Act) != "" {
		names := strings.Split(f.Act, ",")
		switch {
		case len(names) == 1:
		case len(names) == L:
		case len(names) == L-1 && f.OutAct != "":
		default:
			want := fmt.Sprintf("1 or %d", L)
			if L > 1 {
				want += fmt.Sprintf(" (or %d with --out-act)", L-1)
			}
			return spec, flagErr("act", "%d names for %d layers (%s); give %s", len(names), L, shape, want)
		}
		for i := range acts {
			var name string
			switch {
			case len(names) == 1:
				name = names[0]
			case i < len(names):
				name = names[i]
			default:
				continue // the output layer's comes from --out-act
			}
			a, err := network.ParseActivation(name)
			if err != nil {
				return spec, flagErr("act", "unknown activation %q; want one of %s", strings.TrimSpace(name), strings.Join(network.ActivationNames(), ", "))
			}
			acts[i] = a
		}
	}
	if f.OutAct != "" {
		a, err := network.ParseActivation(f.OutAct)
		if err != nil {
			return spec, flagErr("out-act", "unknown activation %q; want one of %s", f.OutAct, strings.Join(network.ActivationNames(), ", "))
		}
		acts[L-1] = a
	}
	for i, a := range acts[:L-1] {
		if a == network.Softmax {
			return spec, flagErr("act", "softmax is for the output layer only (layer %d of %s); use --out-act softmax", i+1, shape)
		}
	}
	if acts[L-1] == network.Softmax && sizes[L] == 1 {
		name := "act"
		if f.OutAct != "" {
			name = "out-act"
		}
		return spec, flagErr(name, "softmax over a single output is always 1 and learns nothing (%s); use sigmoid for one output", shape)
	}
	spec.Acts = acts
	if base != nil && !f.Given("cost") {
		spec.Cost = base.Cost
	} else if spec.Cost, err = network.ParseCost(f.Cost); err != nil {
		return spec, flagErr("cost", "must be one of %s, got %q", strings.Join(network.CostNames(), ", "), f.Cost)
	}
	if base != nil && !f.Given("init") {
		spec.Init = base.Init
	} else if spec.Init, err = network.ParseInit(f.Init); err != nil {
		return spec, flagErr("init", "must be one of %s, got %q", strings.Join(network.InitNames(), ", "), f.Init)
	}
	// Cross-entropy takes ln a and ln(1 − a): outputs outside (0, 1) make it
	// NaN or ±Inf on the first sample, which would read as divergence.
	if out := acts[L-1]; spec.Cost == network.CrossEntropy && out != network.Sigmoid && out != network.Softmax {
		return spec, flagErr("cost", "cross-entropy needs outputs in (0, 1), from a sigmoid or softmax output layer, but the output layer is %s; use --out-act sigmoid (or softmax), or --cost quadratic", out)
	}
	return spec, nil
}

// parseLayers reads --layers for data with in inputs and out outputs:
//
//	""          one hidden layer of 30: in,30,out
//	"30"        one hidden layer: in,30,out
//	"_,30,20,_" hidden layers only; _ stands for the data's ends
//	"_,_"       no hidden layer: in,out
//	"64,30,10"  all sizes; the ends must match the data
func parseLayers(s string, in, out int) ([]int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return []int{in, defaultHidden, out}, nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	num := func(p string) (int, error) {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > network.MaxNeurons {
			return 0, flagErr("layers", "%q is not a layer size (1..%d) in %q", p, network.MaxNeurons, s)
		}
		return n, nil
	}
	if len(parts) == 1 {
		n, err := num(parts[0])
		if err != nil {
			return nil, err
		}
		return []int{in, n, out}, nil
	}
	inferred := parts[0] == "_"
	if inferred != (parts[len(parts)-1] == "_") {
		return nil, flagErr("layers", "use _ at both ends (_,30,_) or at neither (%d,30,%d), got %q", in, out, s)
	}
	sizes := make([]int, len(parts))
	for i, p := range parts {
		if inferred && (i == 0 || i == len(parts)-1) {
			continue
		}
		n, err := num(p)
		if err != nil {
			return nil, err
		}
		sizes[i] = n
	}
	if inferred {
		sizes[0], sizes[len(sizes)-1] = in, out
		return sizes, nil
	}
	if sizes[0] != in || sizes[len(sizes)-1] != out {
		return nil, flagErr("layers", "%s does not fit the data, which has %d inputs and %d outputs; use %d,…,%d or hidden sizes only (_,30,_)", s, in, out, in, out)
	}
	return sizes, nil
}

// actNames lists activations as "sigmoid/relu".
func actNames(acts []network.Activation) string {
	parts := make([]string, len(acts))
	for i, a := range acts {
		parts[i] = a.String()
	}
	return strings.Join(parts, "/")
}

func sizesString(sizes []int) string {
	parts := make([]string, len(sizes))
	for i, n := range sizes {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, "→")
}

// Setup is a resolved training setup: the data set as loaded, its spec, the
// network spec and the hyper-parameters. It converts to tui.Setup field by
// field.
type Setup struct {
	Data    datasets.Spec
	Net     network.Spec
	Hyper   network.Hyper
	Dataset *datasets.Dataset
}

// Resolve validates the setup flags (not --model), loads the data and builds
// the network spec and hyper-parameters. Flag errors are *FlagError.
func (f *SetupFlags) Resolve() (*Setup, error) {
	spec, err := f.DataSpec(nil)
	if err != nil {
		return nil, err
	}
	h, err := f.Hyper(nil)
	if err != nil {
		return nil, err
	}
	ds, err := datasets.Load(spec)
	if err != nil {
		return nil, err
	}
	ns, err := f.NetSpec(ds, nil)
	if err != nil {
		return nil, err
	}
	if ds.Kind == datasets.Regression && !f.Given("lr") {
		h.Eta = regressionLR
	}
	if h.Rule == network.Perceptron && (len(ns.Sizes) != 2 || ns.Acts[0] != network.Step) {
		return nil, flagErr("rule", "perceptron needs a single layer of step units (--layers _,_ --act step), got %s with %s", sizesString(ns.Sizes), actNames(ns.Acts))
	}
	return &Setup{Data: spec, Net: ns, Hyper: h, Dataset: ds}, nil
}

// NewNet builds the network of s with the seeded initial weights
// (network.NewRand(seed), the generator Stepper.Reseed uses).
func (s *Setup) NewNet() (*network.Network, error) {
	net, err := network.New(s.Net, network.NewRand(s.Hyper.Seed))
	if err != nil {
		return nil, flagErr("layers", "%v", err)
	}
	return net, nil
}

// netSet converts a datasets.Set to a network.Set (same fields).
func netSet(s datasets.Set) network.Set { return network.Set{X: s.X, Y: s.Y} }

// shapeConflicts lists the given flags that a model file fixes.
func (f *SetupFlags) shapeConflicts() []string {
	var out []string
	for _, n := range []string{"layers", "act", "out-act", "cost", "init"} {
		if f.Given(n) {
			out = append(out, "--"+n)
		}
	}
	return out
}
