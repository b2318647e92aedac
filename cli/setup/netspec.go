package setup

import (
	"fmt"
	"strconv"
	"strings"

	"backprop/datasets"
	"backprop/network"
)

// Resolve validates the setup flags (not --model), loads the data and builds
// the network spec and hyper-parameters. It returns the data set it loaded.
// Flag errors are *FlagError.
func (f *Flags) Resolve() (Setup, *datasets.Dataset, error) {
	spec, err := f.DataSpec(nil)
	if err != nil {
		return Setup{}, nil, err
	}
	h, err := f.Hyper(nil)
	if err != nil {
		return Setup{}, nil, err
	}
	ds, err := f.loadData(Limits{}, spec)
	if err != nil {
		return Setup{}, nil, err
	}
	ns, err := f.NetSpec(ds, nil)
	if err != nil {
		return Setup{}, nil, err
	}
	if ds.Kind == datasets.Regression && !f.Given("lr") {
		h.Eta = regressionLR
		if ds.Train.Seq > 0 {
			h.Eta = sequenceRegressionLR
		}
	}
	if !f.Given("batch") && ds.Train.Seq == 0 && ds.Train.Len() < h.Batch {
		h.Batch = smallSetBatch
		if !f.Given("lr") && ds.Kind != datasets.Regression && h.Rule == network.Backprop && h.Opt == network.SGD {
			h.Eta = smallSetLR
		}
	}
	if h.Rule == network.Perceptron && (len(ns.Sizes) != 2 || ns.Acts[0] != network.Step) {
		return Setup{}, nil, Errorf("rule", "perceptron needs a single layer of step units (--layers _,_ --act step), got %s with %s", SizesString(ns.Sizes), actNames(ns.Acts))
	}
	return Setup{Data: spec, Net: ns, Hyper: h}, ds, nil
}

// Over applies the flags given to base (a preset's setup): data flags
// change its data, hyper-parameter flags its training, and the network spec
// is rebuilt from base's so that its ends follow the data and the choices
// not given stay the preset's.
func (f *Flags) Over(base Setup) (Setup, error) {
	s := base
	var err error
	if s.Data, err = f.DataSpec(&base.Data); err != nil {
		return s, err
	}
	if s.Hyper, err = f.Hyper(&base.Hyper); err != nil {
		return s, err
	}
	ds, err := f.loadData(Limits{}, s.Data)
	if err != nil {
		return s, err
	}
	if s.Net, err = f.NetSpec(ds, &base.Net); err != nil {
		return s, err
	}
	return s, nil
}

// NetSpec builds the network spec from --layers, --act, --out-act, --cost
// and --init for data with the given shape. base, when not nil, is a spec to
// start from (a preset's network): flags not given keep its hidden layers,
// activations, cost and init, and its ends follow the data.
func (f *Flags) NetSpec(ds *datasets.Dataset, base *network.Spec) (network.Spec, error) {
	var spec network.Spec
	in, out := len(ds.Features), len(ds.Targets)
	features, err := f.features(ds, base)
	if err != nil {
		return spec, err
	}
	if features != nil {
		in = len(features)
	}
	spec.Features = features
	var sizes []int
	if base != nil && !f.Given("layers") && len(base.Sizes) >= 2 {
		sizes = append([]int(nil), base.Sizes...)
		sizes[0], sizes[len(sizes)-1] = in, out
	} else if sizes, err = parseLayers(f.Layers, in, out); err != nil {
		return spec, err
	}
	if err := network.CheckParams(sizes); err != nil {
		return spec, Errorf("layers", "%s", strings.TrimPrefix(err.Error(), "network: "))
	}
	spec.Sizes = sizes
	L := len(sizes) - 1
	shape := SizesString(sizes)

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
			return spec, Errorf("act", "%d names for %d layers (%s); give %s", len(names), L, shape, want)
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
				return spec, Errorf("act", "unknown activation %q; want one of %s", strings.TrimSpace(name), strings.Join(network.ActivationNames(), ", "))
			}
			acts[i] = a
		}
	}
	if f.OutAct != "" {
		a, err := network.ParseActivation(f.OutAct)
		if err != nil {
			return spec, Errorf("out-act", "unknown activation %q; want one of %s", f.OutAct, strings.Join(network.ActivationNames(), ", "))
		}
		acts[L-1] = a
	}
	for i, a := range acts[:L-1] {
		if a == network.Softmax {
			return spec, Errorf("act", "softmax is for the output layer only (layer %d of %s); use --out-act softmax", i+1, shape)
		}
	}
	if acts[L-1] == network.Softmax && sizes[L] == 1 {
		name := "act"
		if f.OutAct != "" {
			name = "out-act"
		}
		return spec, Errorf(name, "softmax over a single output is always 1 and learns nothing (%s); use sigmoid for one output", shape)
	}
	spec.Acts = acts
	if base != nil && !f.Given("cost") {
		spec.Cost = base.Cost
	} else if spec.Cost, err = network.ParseCost(f.Cost); err != nil {
		return spec, Errorf("cost", "must be one of %s, got %q", strings.Join(network.CostNames(), ", "), f.Cost)
	}
	if base != nil && !f.Given("init") {
		spec.Init = base.Init
	} else if spec.Init, err = network.ParseInit(f.Init); err != nil {
		return spec, Errorf("init", "must be one of %s, got %q", strings.Join(network.InitNames(), ", "), f.Init)
	}
	if err := f.recurrent(&spec, ds, base, shape); err != nil {
		return spec, err
	}
	// Cross-entropy takes ln a and ln(1 − a): outputs outside (0, 1) make it
	// NaN or ±Inf on the first sample, which would read as divergence.
	if out := acts[L-1]; spec.Cost == network.CrossEntropy && out != network.Sigmoid && out != network.Softmax {
		return spec, Errorf("cost", "cross-entropy needs outputs in (0, 1), from a sigmoid or softmax output layer, but the output layer is %s; use --out-act sigmoid (or softmax), or --cost quadratic", out)
	}
	return spec, nil
}

// features reads --features for ds (base's features when not given and
// ds is 2-D). Data that is not 2-D refuses it.
func (f *Flags) features(ds *datasets.Dataset, base *network.Spec) (network.Features, error) {
	if !f.Given("features") {
		if base != nil && base.Features != nil && len(ds.Features) == network.FeatureInputs {
			return append(network.Features(nil), base.Features...), nil
		}
		return nil, nil
	}
	if n := len(ds.Features); n != network.FeatureInputs {
		return nil, Errorf("features", "input features are computed from points of the plane (x₁, x₂), but %s has %d inputs; leave --features out for it", ds.Name, n)
	}
	fs, err := network.ParseFeatures(f.Features)
	if err != nil {
		return nil, Errorf("features", "%s", err)
	}
	return fs, nil
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
			return 0, Errorf("layers", "%q is not a layer size (1..%d) in %q", p, network.MaxNeurons, s)
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
		return nil, Errorf("layers", "use _ at both ends (_,30,_) or at neither (%d,30,%d), got %q", in, out, s)
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
		return nil, Errorf("layers", "%s does not fit the data, which has %d inputs and %d outputs; use %d,…,%d or hidden sizes only (_,30,_)", s, in, out, in, out)
	}
	return sizes, nil
}

// recurrent sets spec.Recurrent from --recurrent (every hidden layer), or
// keeps the base's when the flag is not given and the depth is the same.
func (f *Flags) recurrent(spec *network.Spec, ds *datasets.Dataset, base *network.Spec, shape string) error {
	L := len(spec.Acts)
	switch {
	case f.Given("recurrent") && f.Recurrent:
		if L < 2 {
			return Errorf("recurrent", "makes the hidden layers recurrent, and %s has none; give --layers _,8,_ say", shape)
		}
		if ds.Train.Seq == 0 {
			return Errorf("recurrent", "needs sequence data (echo, parity, sine-next, text, text:FILE or seq:FILE); %q is not", ds.Name)
		}
		spec.Recurrent = make([]bool, L)
		for i := range L - 1 {
			if a := spec.Acts[i]; a == network.Step || a == network.Softmax {
				return Errorf("recurrent", "a recurrent layer needs a differentiable activation, and layer %d is %s", i+1, a)
			}
			spec.Recurrent[i] = true
		}
	case !f.Given("recurrent") && base != nil && len(base.Recurrent) == L && ds.Train.Seq > 0:
		spec.Recurrent = append([]bool(nil), base.Recurrent...)
	}
	return nil
}
