package network

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

func checkFloats(path string, v []jfloat, want int) error {
	if len(v) != want {
		return fmt.Errorf("%s: expected %d values, got %d", path, want, len(v))
	}
	for i, x := range v {
		if f := float64(x); !finite(f) {
			return fmt.Errorf("%s[%d]: %v", path, i, f)
		}
	}
	return nil
}

func checkMatrix(path string, rows [][]jfloat, out, in int) error {
	if len(rows) != out {
		return fmt.Errorf("%s: expected %d rows, got %d", path, out, len(rows))
	}
	for j, r := range rows {
		if err := checkFloats(fmt.Sprintf("%s[%d]", path, j), r, in); err != nil {
			return err
		}
	}
	return nil
}

func (f *modelFile) validate() error {
	if f.Format != ModelFormat {
		return fmt.Errorf("format: got %q, want %q", f.Format, ModelFormat)
	}
	if f.Version != ModelVersion {
		return fmt.Errorf("version: %d is not supported (this program reads version %d)", f.Version, ModelVersion)
	}
	if f.Inputs < 1 || f.Inputs > MaxNeurons {
		return fmt.Errorf("inputs: %d, want 1..%d", f.Inputs, MaxNeurons)
	}
	if err := f.checkFeatures(); err != nil {
		return err
	}
	if len(f.Layers) == 0 {
		return errors.New("layers: at least one layer is needed")
	}
	if err := CheckParams(f.sizes()); err != nil {
		return fmt.Errorf("layers: %w", err)
	}
	if err := f.validateRecurrent(); err != nil {
		return err
	}
	in := f.Inputs
	for i, l := range f.Layers {
		p := fmt.Sprintf("layers[%d]", i)
		act, err := ParseActivation(l.Activation)
		if err != nil {
			return fmt.Errorf("%s.activation: unknown %q (want one of %s)", p, l.Activation, strings.Join(activationNames, ", "))
		}
		if act == Softmax && i != len(f.Layers)-1 {
			return fmt.Errorf("%s.activation: softmax is only allowed on the output layer", p)
		}
		out := len(l.Weights)
		if out < 1 || out > MaxNeurons {
			return fmt.Errorf("%s.weights: %d rows (one per neuron), want 1..%d", p, out, MaxNeurons)
		}
		if act == Softmax && out < 2 {
			return fmt.Errorf("%s.activation: softmax needs at least 2 neurons (on one a = 1 always); use sigmoid", p)
		}
		if err := checkMatrix(p+".weights", l.Weights, out, in); err != nil {
			return err
		}
		if err := checkFloats(p+".biases", l.Biases, out); err != nil {
			return err
		}
		in = out
	}
	if _, err := ParseCost(f.Cost); err != nil {
		return fmt.Errorf("cost: unknown %q (want one of %s)", f.Cost, strings.Join(costNames, ", "))
	}
	if f.Init != "" {
		if _, err := ParseInit(f.Init); err != nil {
			return fmt.Errorf("init: unknown %q (want one of %s)", f.Init, strings.Join(initNames, ", "))
		}
	}
	if f.Training != nil {
		if _, err := f.hyper(); err != nil {
			return err
		}
	}
	if f.State != nil {
		return f.validateState()
	}
	return nil
}

// checkFeatures checks the optional "features": known names, each once,
// one per input.
func (f *modelFile) checkFeatures() error {
	if f.Features == nil {
		return nil
	}
	if len(f.Features) != f.Inputs {
		return fmt.Errorf("features: %d names for %d inputs (want one feature per input)", len(f.Features), f.Inputs)
	}
	first := map[Feature]int{}
	for i, name := range f.Features {
		ft, err := ParseFeature(name)
		if err != nil {
			return fmt.Errorf("features[%d]: %w", i, err)
		}
		if j, dup := first[ft]; dup {
			return fmt.Errorf("features[%d]: %q is already features[%d]", i, name, j)
		}
		first[ft] = i
	}
	return nil
}

// features is the validated "features" list (nil when absent).
func (f *modelFile) features() Features {
	if f.Features == nil {
		return nil
	}
	fs := make(Features, len(f.Features))
	for i, name := range f.Features {
		fs[i], _ = ParseFeature(name)
	}
	return fs
}

// hyper returns the training section over DefaultHyper.
func (f *modelFile) hyper() (Hyper, error) {
	h := DefaultHyper()
	t := f.Training
	if t == nil {
		return h, nil
	}
	var err error
	if t.Rule != "" {
		if h.Rule, err = ParseRule(t.Rule); err != nil {
			return h, fmt.Errorf("training.rule: unknown %q (want one of %s)", t.Rule, strings.Join(ruleNames, ", "))
		}
	}
	if t.Optimizer != "" {
		if h.Opt, err = ParseOptimizer(t.Optimizer); err != nil {
			return h, fmt.Errorf("training.optimizer: unknown %q (want one of %s)", t.Optimizer, strings.Join(optimizerNames, ", "))
		}
	}
	h.Eta, h.Batch, h.Mu, h.Beta1, h.Beta2, h.Epsilon = t.Eta, t.Batch, t.Mu, t.Beta1, t.Beta2, t.Epsilon
	h.L1, h.L2, h.Seed, h.MaxEpochs = t.L1, t.L2, t.Seed, t.MaxEpochs
	h.Clip, h.BPTT = t.Clip, t.BPTT
	checks := []struct {
		key string
		ok  bool
		v   any
		msg string
	}{
		{"eta", h.Eta > 0 && finite(h.Eta), h.Eta, "want a finite number > 0"},
		{"batch", h.Batch >= 1 && h.Batch <= MaxBatch, h.Batch, fmt.Sprintf("want 1..%d", MaxBatch)},
		{"mu", h.Mu >= 0 && h.Mu < 1, h.Mu, "want 0 ≤ mu < 1"},
		{"beta1", h.Beta1 >= 0 && h.Beta1 < 1, h.Beta1, "want 0 ≤ beta1 < 1"},
		{"beta2", h.Beta2 >= 0 && h.Beta2 < 1, h.Beta2, "want 0 ≤ beta2 < 1"},
		{"epsilon", h.Epsilon > 0 && finite(h.Epsilon), h.Epsilon, "want a finite number > 0"},
		{"l1", h.L1 >= 0 && finite(h.L1), h.L1, "want a finite number ≥ 0"},
		{"l2", h.L2 >= 0 && finite(h.L2), h.L2, "want a finite number ≥ 0"},
		{"max_epochs", h.MaxEpochs >= 0, h.MaxEpochs, "want ≥ 0"},
		{"clip", h.Clip >= 0 && finite(h.Clip), h.Clip, "want a finite number ≥ 0 (0: off)"},
		{"bptt", h.BPTT >= 0 && h.BPTT <= MaxSteps, h.BPTT, fmt.Sprintf("want 0..%d (0: the whole sequence)", MaxSteps)},
	}
	for _, c := range checks {
		if !c.ok {
			return h, fmt.Errorf("training.%s: %v, %s", c.key, c.v, c.msg)
		}
	}
	return h, h.Validate()
}

func (f *modelFile) sizes() []int {
	s := []int{f.Inputs}
	for _, l := range f.Layers {
		s = append(s, len(l.Weights))
	}
	return s
}

func checkLayered(path string, v [][][]jfloat, f *modelFile, optional bool) error {
	if v == nil && optional {
		return nil
	}
	if len(v) != len(f.Layers) {
		return fmt.Errorf("%s: expected %d layers, got %d", path, len(f.Layers), len(v))
	}
	sz := f.sizes()
	for l := range v {
		if err := checkMatrix(fmt.Sprintf("%s[%d]", path, l), v[l], sz[l+1], sz[l]); err != nil {
			return err
		}
	}
	return nil
}

func checkLayeredB(path string, v [][]jfloat, f *modelFile, optional bool) error {
	if v == nil && optional {
		return nil
	}
	if len(v) != len(f.Layers) {
		return fmt.Errorf("%s: expected %d layers, got %d", path, len(f.Layers), len(v))
	}
	sz := f.sizes()
	for l := range v {
		if err := checkFloats(fmt.Sprintf("%s[%d]", path, l), v[l], sz[l+1]); err != nil {
			return err
		}
	}
	return nil
}

func (f *modelFile) validateState() error {
	st := f.State
	h, _ := f.hyper()
	bad := func(key string, v any, msg string) error { return fmt.Errorf("state.%s: %v, %s", key, v, msg) }
	switch {
	case st.Samples < 1:
		return bad("samples", st.Samples, "want ≥ 1")
	case st.Epoch < 0:
		return bad("epoch", st.Epoch, "want ≥ 0")
	case st.Start < 0 || st.Start >= st.Samples:
		return bad("start", st.Start, fmt.Sprintf("want 0..%d", st.Samples-1))
	case st.Size < 1 || st.Start+st.Size > st.Samples:
		return bad("size", st.Size, fmt.Sprintf("want 1..%d", st.Samples-st.Start))
	case st.Batch < 0 || st.Batch > st.Start:
		return bad("batch", st.Batch, fmt.Sprintf("want 0..%d", st.Start))
	case st.Sample < 0 || st.Sample >= st.Size:
		return bad("sample", st.Sample, fmt.Sprintf("want 0..%d", st.Size-1))
	case st.Index < 0 || st.Index >= st.Samples:
		return bad("index", st.Index, fmt.Sprintf("want 0..%d", st.Samples-1))
	case st.Steps < 0:
		return bad("steps", st.Steps, "want ≥ 0")
	case st.Count < 0 || st.Count > st.Size:
		return bad("count", st.Count, fmt.Sprintf("want 0..%d", st.Size))
	case !finite(float64(st.Loss)):
		return bad("loss", float64(st.Loss), "want a finite number")
	case st.AdamT < 0:
		return bad("adam_t", st.AdamT, "want ≥ 0")
	case st.Mistakes < 0:
		return bad("mistakes", st.Mistakes, "want ≥ 0")
	}
	switch st.Phase {
	case "idle", "accumulate", "update", "epoch-end":
	default:
		return bad("phase", strconv.Quote(st.Phase), `want "idle", "accumulate", "update" or "epoch-end"`)
	}
	if i := slices.Index(statusNames, st.Status); i < 0 || Status(i) == Diverged {
		return bad("status", strconv.Quote(st.Status), `want "training", "converged" or "not-converging"`)
	}
	if err := checkLayered("state.grad_w", st.GradW, f, false); err != nil {
		return err
	}
	if err := checkLayeredB("state.grad_b", st.GradB, f, false); err != nil {
		return err
	}
	for _, c := range []struct {
		key  string
		w    [][][]jfloat
		b    [][]jfloat
		used bool
	}{{"m", st.MW, st.MB, h.Opt != SGD}, {"v", st.VW, st.VB, h.Opt == Adam}} {
		if !c.used && (c.w != nil || c.b != nil) {
			return fmt.Errorf("state.%s_w: optimizer %v keeps no such state", c.key, h.Opt)
		}
		if (c.w == nil) != (c.b == nil) {
			return fmt.Errorf("state.%s_w and state.%s_b: give both or neither", c.key, c.key)
		}
		if err := checkLayered("state."+c.key+"_w", c.w, f, true); err != nil {
			return err
		}
		if err := checkLayeredB("state."+c.key+"_b", c.b, f, true); err != nil {
			return err
		}
	}
	sz := f.sizes()
	for i, v := range st.Seen {
		if len(f.Layers) != 1 {
			return errors.New("state.seen: only the perceptron rule keeps epoch-end states")
		}
		if err := checkFloats(fmt.Sprintf("state.seen[%d]", i), v, sz[0]*sz[1]+sz[1]); err != nil {
			return err
		}
	}
	if st.StartMaxW != nil {
		if err := checkFloats("state.start_max_w", st.StartMaxW, len(f.Layers)); err != nil {
			return err
		}
	}
	if err := checkHistory(st.History, len(f.Layers)); err != nil {
		return err
	}
	if st.GradNormUpdates < 0 || st.GradNormUpdates > 0 && st.GradNormSum == nil {
		return fmt.Errorf("state.grad_norm_updates: %d, want ≥ 0 and grad_norm_sum beside it", st.GradNormUpdates)
	}
	if st.GradNormSum != nil {
		if err := checkFloats("state.grad_norm_sum", st.GradNormSum, len(f.Layers)); err != nil {
			return err
		}
	}
	for i, v := range st.BatchLosses {
		if !finite(float64(v)) {
			return bad(fmt.Sprintf("batch_losses[%d]", i), float64(v), "want a finite number")
		}
	}
	if err := checkSpans("state.batch_loss", len(st.BatchLosses), MaxBatchLosses, st.BatchLossSpan, st.BatchLossN); err != nil {
		return err
	}
	if len(st.Initial) != len(f.Layers) {
		return fmt.Errorf("state.initial: expected %d layers, got %d", len(f.Layers), len(st.Initial))
	}
	if err := f.validateRecurrentState(h); err != nil {
		return err
	}
	for l, w := range st.Initial {
		p := fmt.Sprintf("state.initial[%d]", l)
		if err := checkMatrix(p+".weights", w.Weights, sz[l+1], sz[l]); err != nil {
			return err
		}
		if err := checkFloats(p+".biases", w.Biases, sz[l+1]); err != nil {
			return err
		}
	}
	return nil
}

// checkHistory checks the history's epochs and, when entries are merged,
// the shape series needs: every entry stands for as many epochs as the
// first (a power of two), the last for at most that many.
func checkHistory(h []modelEpoch, layers int) error {
	merged := false
	for i, e := range h {
		p := fmt.Sprintf("state.history[%d]", i)
		if e.GradNorm != nil {
			if err := checkFloats(p+".grad_norm", e.GradNorm, layers); err != nil {
				return err
			}
		}
		switch {
		case e.Epoch < 1:
			return fmt.Errorf("%s.epoch: %d, want ≥ 1", p, e.Epoch)
		case e.Epochs < 0:
			return fmt.Errorf("%s.epochs: %d, want ≥ 1", p, e.Epochs)
		case e.Epochs > 1 && (e.Min == nil || e.Max == nil):
			return fmt.Errorf("%s: a merged entry (epochs %d) needs min and max", p, e.Epochs)
		case e.Epochs <= 1 && (e.Min != nil || e.Max != nil):
			return fmt.Errorf("%s: min and max belong to merged entries (epochs > 1)", p)
		}
		merged = merged || e.Epochs > 1
	}
	if !merged {
		return nil
	}
	span, last := h[0].Epochs, len(h)-1
	switch {
	case span&(span-1) != 0 || span < 2 || span > maxSpan:
		return fmt.Errorf("state.history[0].epochs: %d, want a power of two up to %d", span, maxSpan)
	case len(h) > MaxHistory:
		return fmt.Errorf("state.history: %d merged entries, want at most %d", len(h), MaxHistory)
	case h[last].Epochs > span:
		return fmt.Errorf("state.history[%d].epochs: %d, want at most %d", last, h[last].Epochs, span)
	}
	for i := range last {
		if h[i].Epochs != span {
			return fmt.Errorf("state.history[%d].epochs: %d, want %d (every entry but the last stands for as many epochs as the first)", i, h[i].Epochs, span)
		}
	}
	return nil
}

// maxSpan bounds a merged series' span in a file, far above any real run's
// (2^40 epochs), so that merging on can never overflow it.
const maxSpan = 1 << 40

// checkSpans checks a merged series' shape: at most limit entries of span
// items each (a power of two), the last holding n, 1 ≤ n ≤ span. span ≤ 1
// means not merged (it is merged on loading if need be).
func checkSpans(path string, entries, limit, span, n int) error {
	switch {
	case span <= 1 && n != 0:
		return fmt.Errorf("%s_n: %d without %s_span", path, n, path)
	case span <= 1:
		return nil
	case span&(span-1) != 0 || span > maxSpan:
		return fmt.Errorf("%s_span: %d, want a power of two up to %d", path, span, maxSpan)
	case entries > limit:
		return fmt.Errorf("%s: %d entries, want at most %d", path, entries, limit)
	case n < 1 || n > span:
		return fmt.Errorf("%s_n: %d, want 1..%d", path, n, span)
	case entries == 0:
		return fmt.Errorf("%s_span: %d without entries", path, span)
	}
	return nil
}

// validateRecurrent checks the layers' "recurrent" matrices (W_h, Out×Out)
// and that the parameters with them stay within MaxParams, before any of
// them is used.
func (f *modelFile) validateRecurrent() error {
	sz := f.sizes()
	total := NumParamsOf(sz)
	for i, l := range f.Layers {
		if l.Recurrent == nil {
			continue
		}
		p := fmt.Sprintf("layers[%d].recurrent", i)
		out := sz[i+1]
		if i == len(f.Layers)-1 {
			return fmt.Errorf("%s: the output layer cannot be recurrent", p)
		}
		if act, err := ParseActivation(l.Activation); err == nil && (act == Step || act == Softmax) {
			return fmt.Errorf("%s: a recurrent layer needs a differentiable elementwise activation, not %s", p, act)
		}
		if total += out * out; total > MaxParams {
			return fmt.Errorf("%s: the network would have more than %d weights and biases", p, MaxParams)
		}
		if err := checkMatrix(p, l.Recurrent, out, out); err != nil {
			return err
		}
	}
	return nil
}

// validateRecurrentState checks the state's W_h-shaped sections against the
// layers: present exactly for the recurrent ones.
func (f *modelFile) validateRecurrentState(h Hyper) error {
	st := f.State
	rec := false
	for _, l := range f.Layers {
		rec = rec || l.Recurrent != nil
	}
	sz := f.sizes()
	check := func(path string, v [][][]jfloat, used bool) error {
		if v == nil {
			return nil
		}
		if !rec || !used {
			return fmt.Errorf("%s: no recurrent layer or optimizer state to hold", path)
		}
		if len(v) != len(f.Layers) {
			return fmt.Errorf("%s: expected %d layers, got %d", path, len(f.Layers), len(v))
		}
		for l, m := range v {
			if (len(m) > 0) != (f.Layers[l].Recurrent != nil) {
				return fmt.Errorf("%s[%d]: present exactly for recurrent layers", path, l)
			}
			if len(m) > 0 {
				if err := checkMatrix(fmt.Sprintf("%s[%d]", path, l), m, sz[l+1], sz[l+1]); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, c := range []struct {
		path string
		v    [][][]jfloat
		used bool
	}{{"state.grad_wh", st.GradWH, true}, {"state.m_wh", st.MWH, h.Opt != SGD && st.MW != nil}, {"state.v_wh", st.VWH, h.Opt == Adam && st.VW != nil}} {
		if err := check(c.path, c.v, c.used); err != nil {
			return err
		}
	}
	for l, w := range st.Initial {
		p := fmt.Sprintf("state.initial[%d].recurrent", l)
		if (len(w.Recurrent) > 0) != (f.Layers[l].Recurrent != nil) {
			return fmt.Errorf("%s: present exactly for recurrent layers", p)
		}
		if len(w.Recurrent) > 0 {
			if err := checkMatrix(p, w.Recurrent, sz[l+1], sz[l+1]); err != nil {
				return err
			}
		}
	}
	return nil
}
