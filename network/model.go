package network

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// ModelFormat and ModelVersion identify a model file.
const (
	ModelFormat  = "backprop/model"
	ModelVersion = 1
)

// Model is the JSON model file: everything needed to resume exactly. Data is
// the caller's own description of the data set (name, noise, split, seed),
// stored verbatim under "data" so a trainer can rebuild the same Set.
//
// The format is documented in the README; in short:
//
//	{"format":"backprop/model","version":1,"inputs":2,"features":["x1sq","x2sq"],
//	 "layers":[{"activation":"sigmoid","weights":[[w11,w12],[w21,w22]],"biases":[b1,b2]}, ...],
//	 "cost":"quadratic", "init":"xavier",
//	 "training":{"rule":"backprop","eta":0.5,"batch":10,"optimizer":"sgd", ...},
//	 "state":{...}, "data":{...}}
type Model struct {
	Data json.RawMessage `json:"data,omitempty"`
	f    modelFile
}

type modelFile struct {
	Format   string          `json:"format"`
	Version  int             `json:"version"`
	Inputs   int             `json:"inputs"`
	Features []string        `json:"features,omitempty"` // one per input, when the inputs are features of a point (x₁, x₂)
	Layers   []modelLayer    `json:"layers"`
	Cost     string          `json:"cost"`
	Init     string          `json:"init,omitempty"`
	Training *modelTraining  `json:"training,omitempty"`
	State    *modelState     `json:"state,omitempty"`
	Data     json.RawMessage `json:"data,omitempty"`
}

type modelLayer struct {
	Activation string     `json:"activation,omitempty"`
	Weights    [][]jfloat `json:"weights"`
	Biases     []jfloat   `json:"biases"`
	// Recurrent is a recurrent layer's W_h, one row per neuron (Out×Out);
	// absent for a dense layer.
	Recurrent [][]jfloat `json:"recurrent,omitempty"`
}

type modelTraining struct {
	Rule      string  `json:"rule"`
	Eta       float64 `json:"eta"`
	Batch     int     `json:"batch"`
	Optimizer string  `json:"optimizer"`
	Mu        float64 `json:"mu"`
	Beta1     float64 `json:"beta1"`
	Beta2     float64 `json:"beta2"`
	Epsilon   float64 `json:"epsilon"`
	L1        float64 `json:"l1"`
	L2        float64 `json:"l2"`
	Seed      uint64  `json:"seed"`
	MaxEpochs int     `json:"max_epochs"`
	Clip      float64 `json:"clip,omitempty"`
	BPTT      int     `json:"bptt,omitempty"`
}

// modelState is the training position. Phase is what was last completed:
// "idle" (about to load sample Sample of the batch), "accumulate" (sample
// Sample is in the sums), "update" or "epoch-end". A save in the middle of
// a sample is stored as "idle" at that sample: it is simply redone.
type modelState struct {
	Samples     int          `json:"samples"` // training set size it was made with
	Epoch       int          `json:"epoch"`
	Batch       int          `json:"batch"`
	Start       int          `json:"start"`
	Size        int          `json:"size"`
	Sample      int          `json:"sample"`
	Index       int          `json:"index"`
	Phase       string       `json:"phase"`
	Steps       int          `json:"steps"`
	ShuffleSeed uint64       `json:"shuffle_seed"`
	Status      string       `json:"status"`
	Count       int          `json:"count"`
	Loss        jfloat       `json:"loss"`
	GradW       [][][]jfloat `json:"grad_w"`
	GradB       [][]jfloat   `json:"grad_b"`
	// A recurrent network's W_h sums and moments, one entry per layer
	// (null for a dense layer).
	GradWH      [][][]jfloat `json:"grad_wh,omitempty"`
	MWH         [][][]jfloat `json:"m_wh,omitempty"`
	VWH         [][][]jfloat `json:"v_wh,omitempty"`
	MW          [][][]jfloat `json:"m_w,omitempty"` // momentum velocity or Adam first moment
	MB          [][]jfloat   `json:"m_b,omitempty"`
	VW          [][][]jfloat `json:"v_w,omitempty"` // Adam second moment
	VB          [][]jfloat   `json:"v_b,omitempty"`
	AdamT       int          `json:"adam_t"`
	Mistakes    int          `json:"mistakes"`
	StartMaxW   []jfloat     `json:"start_max_w,omitempty"` // max |w| per layer at the epoch's start
	Seen        [][]jfloat   `json:"seen,omitempty"`        // perceptron epoch-end states
	History     []modelEpoch `json:"history"`
	BatchLosses []jfloat     `json:"batch_losses"`
	// Past MaxBatchLosses mini-batches each value stands for
	// batch_loss_span of them, the last one for batch_loss_n so far.
	BatchLossSpan int            `json:"batch_loss_span,omitempty"`
	BatchLossN    int            `json:"batch_loss_n,omitempty"`
	Initial       []modelWeights `json:"initial"`
	// The epoch's gradient norms so far (see EpochStats.GradNorm): their
	// sums per layer over grad_norm_updates updates.
	GradNormSum     []jfloat `json:"grad_norm_sum,omitempty"`
	GradNormUpdates int      `json:"grad_norm_updates,omitempty"`
}

type modelWeights struct {
	Weights   [][]jfloat `json:"weights"`
	Biases    []jfloat   `json:"biases"`
	Recurrent [][]jfloat `json:"recurrent,omitempty"`
}

type modelEpoch struct {
	Epoch     int    `json:"epoch"`
	TrainLoss jfloat `json:"train_loss"`
	TrainAcc  jfloat `json:"train_acc"`
	TestLoss  jfloat `json:"test_loss"`
	TestAcc   jfloat `json:"test_acc"`
	// A merged entry (past MaxHistory epochs) stands for Epochs epochs
	// ending at Epoch; Min and Max are the metrics' extremes over them.
	Epochs int           `json:"epochs,omitempty"`
	Min    *modelMetrics `json:"min,omitempty"`
	Max    *modelMetrics `json:"max,omitempty"`
	// GradNorm is EpochStats.GradNorm, one value per layer.
	GradNorm []jfloat `json:"grad_norm,omitempty"`
}

type modelMetrics struct {
	TrainLoss jfloat `json:"train_loss"`
	TrainAcc  jfloat `json:"train_acc"`
	TestLoss  jfloat `json:"test_loss"`
	TestAcc   jfloat `json:"test_acc"`
}

// jfloat is a float64 whose JSON form is a number, or null for NaN (in
// metrics). Reading also accepts "NaN", "Inf", "-Inf" strings and
// out-of-range numbers, so that validation can name the offending path.
type jfloat float64

func (f jfloat) MarshalJSON() ([]byte, error) { return f.appendJSON(nil), nil }

func (f jfloat) appendJSON(b []byte) []byte {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

func (f *jfloat) UnmarshalJSON(b []byte) error {
	s := string(b)
	switch s {
	case "null", `"NaN"`, `"nan"`:
		*f = jfloat(math.NaN())
		return nil
	case `"Inf"`, `"+Inf"`, `"Infinity"`, `"inf"`:
		*f = jfloat(math.Inf(1))
		return nil
	case `"-Inf"`, `"-Infinity"`, `"-inf"`:
		*f = jfloat(math.Inf(-1))
		return nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return fmt.Errorf("%s is not a number", s)
	}
	*f = jfloat(v)
	return nil
}

func toJ(v []float64) []jfloat {
	r := make([]jfloat, len(v))
	for i, x := range v {
		r[i] = jfloat(x)
	}
	return r
}

func fromJ(v []jfloat) []float64 {
	r := make([]float64, len(v))
	for i, x := range v {
		r[i] = float64(x)
	}
	return r
}

func rowsJ(w []float64, in int) [][]jfloat {
	if in == 0 {
		return nil
	}
	var r [][]jfloat
	for j := 0; j+in <= len(w); j += in {
		r = append(r, toJ(w[j:j+in]))
	}
	return r
}

func flatJ(rows [][]jfloat) []float64 {
	var r []float64
	for _, row := range rows {
		for _, x := range row {
			r = append(r, float64(x))
		}
	}
	return r
}

func rows2J(v [][]float64, net *Network) [][][]jfloat {
	if v == nil {
		return nil
	}
	r := make([][][]jfloat, len(v))
	for l, layer := range net.Layers {
		r[l] = rowsJ(v[l], layer.In)
	}
	return r
}

func vecs2J(v [][]float64) [][]jfloat {
	if v == nil {
		return nil
	}
	r := make([][]jfloat, len(v))
	for i := range v {
		r[i] = toJ(v[i])
	}
	return r
}

// Model returns the stepper's whole state as a model file (Data empty). A
// diverged stepper's weights may hold NaN, which LoadModel then rejects by
// path: Undo before saving. It only reads the stepper.
func (s *Stepper) Model() *Model {
	net := s.net
	f := modelFile{Format: ModelFormat, Version: ModelVersion, Inputs: net.Sizes[0], Cost: net.Cost.String(), Init: net.Init.String()}
	for _, ft := range net.Features {
		f.Features = append(f.Features, ft.String())
	}
	for _, l := range net.Layers {
		f.Layers = append(f.Layers, modelLayer{Activation: l.Act.String(), Weights: rowsJ(l.W, l.In), Biases: toJ(l.B),
			Recurrent: rowsJ(l.WH, l.Out)})
	}
	f.Training = trainingOf(s.h)
	f.State = s.state.file(net, s.train.Len())
	return &Model{f: f}
}

// file is st as a model file's "state" section (the weights and the
// hyper-parameters have sections of their own).
func (st *state) file(net *Network, samples int) *modelState {
	c := st.c
	ms := &modelState{Samples: samples, Epoch: c.epoch, Batch: c.batch, Start: c.start, Size: c.m,
		Sample: c.sample, Index: c.index, Steps: c.steps, ShuffleSeed: st.order.seed, Status: st.status.String(),
		Count: st.count, Loss: jfloat(st.loss), GradW: rows2J(st.grad.w, net), GradB: vecs2J(st.grad.b),
		MW: rows2J(st.m.w, net), MB: vecs2J(st.m.b), VW: rows2J(st.v.w, net), VB: vecs2J(st.v.b), AdamT: st.adamT,
		Mistakes: st.mistakes, Seen: vecs2J(st.seen), BatchLosses: toJ(st.batchLosses.v), StartMaxW: toJ(st.startMax),
		GradWH: rowsHJ(st.grad.wh, net), MWH: rowsHJ(st.m.wh, net), VWH: rowsHJ(st.v.wh, net)}
	switch c.phase {
	case PhaseAccumulate, PhaseUpdate, PhaseEpochEnd, PhaseIdle:
		ms.Phase = c.phase.String()
	default: // mid-sample: redo the sample
		ms.Phase = PhaseIdle.String()
	}
	if st.status == Diverged {
		ms.Status = Training.String() // a diverged state is not saved as such; its NaNs could not be
	}
	if st.batchLosses.span > 1 {
		ms.BatchLossSpan, ms.BatchLossN = st.batchLosses.span, st.batchLosses.n
	}
	if st.gradUpdates > 0 {
		ms.GradNormSum, ms.GradNormUpdates = toJ(st.gradNorm), st.gradUpdates
	}
	ms.History = make([]modelEpoch, len(st.hist.v))
	for i, e := range st.hist.v {
		me := modelEpoch{Epoch: e.Epoch, TrainLoss: jfloat(e.TrainLoss), TrainAcc: jfloat(e.TrainAcc), TestLoss: jfloat(e.TestLoss), TestAcc: jfloat(e.TestAcc)}
		if i < len(st.gradHist.v) {
			me.GradNorm = toJ(st.gradHist.v[i])
		}
		if e.span() > 1 {
			me.Epochs, me.Min, me.Max = e.Epochs, metricsJ(e.Min), metricsJ(e.Max)
		}
		ms.History[i] = me
	}
	for l, layer := range net.Layers {
		mw := modelWeights{Weights: rowsJ(st.initial.w[l], layer.In), Biases: toJ(st.initial.b[l])}
		if st.initial.wh != nil {
			mw.Recurrent = rowsJ(st.initial.wh[l], layer.Out)
		}
		ms.Initial = append(ms.Initial, mw)
	}
	return ms
}

func metricsJ(m EpochMetrics) *modelMetrics {
	return &modelMetrics{jfloat(m.TrainLoss), jfloat(m.TrainAcc), jfloat(m.TestLoss), jfloat(m.TestAcc)}
}

func (m *modelMetrics) metrics() EpochMetrics {
	return EpochMetrics{float64(m.TrainLoss), float64(m.TrainAcc), float64(m.TestLoss), float64(m.TestAcc)}
}

func trainingOf(h Hyper) *modelTraining {
	return &modelTraining{Rule: h.Rule.String(), Eta: h.Eta, Batch: h.Batch, Optimizer: h.Opt.String(),
		Mu: h.Mu, Beta1: h.Beta1, Beta2: h.Beta2, Epsilon: h.Epsilon, L1: h.L1, L2: h.L2, Seed: h.Seed, MaxEpochs: h.MaxEpochs,
		Clip: h.Clip, BPTT: h.BPTT}
}

// Network builds the network the file describes (its current weights).
func (m *Model) Network() (*Network, error) {
	f := &m.f
	if err := f.validate(); err != nil {
		return nil, err
	}
	c, _ := ParseCost(f.Cost)
	init := InitXavier
	if f.Init != "" {
		init, _ = ParseInit(f.Init)
	}
	net := &Network{Sizes: f.sizes(), Cost: c, Init: init, Features: f.features()}
	for i, l := range f.Layers {
		act, _ := ParseActivation(l.Activation)
		layer := &Layer{In: net.Sizes[i], Out: net.Sizes[i+1], Act: act, W: flatJ(l.Weights), B: fromJ(l.Biases)}
		if l.Recurrent != nil {
			layer.WH = flatJ(l.Recurrent)
		}
		net.Layers = append(net.Layers, layer)
	}
	return net, nil
}

// Features are the file's input features (nil when it has none; the file
// must be valid, as after LoadModel or ParseModel).
func (m *Model) Features() Features { return m.f.features() }

// Hyper returns the file's training section over DefaultHyper.
func (m *Model) Hyper() (Hyper, error) { return m.f.hyper() }

// Stepper rebuilds the training state on train and test. It checks that the
// data fit the model, and resumes exactly: continuing gives bit-identical
// weights to never having saved. Without a "state" section it starts at
// epoch 0 with the file's weights as the initial ones.
func (m *Model) Stepper(train, test Set) (*Stepper, error) {
	net, err := m.Network()
	if err != nil {
		return nil, err
	}
	h, err := m.f.hyper()
	if err != nil {
		return nil, err
	}
	in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]
	for name, set := range map[string]Set{"training": train, "test": test} {
		if set.Len() > 0 && (set.Inputs() != in || len(set.Y) == 0 || set.Outputs() != out) {
			gotY := set.Outputs()
			return nil, fmt.Errorf("the model takes %d inputs and gives %d outputs, but the %s data has %d features and %d targets",
				in, out, name, set.Inputs(), gotY)
		}
	}
	s, err := NewStepper(net, h, train, test)
	if err != nil {
		return nil, err
	}
	if ms := m.f.State; ms != nil {
		if ms.Samples != train.Len() {
			return nil, fmt.Errorf("state.samples: the model was trained on %d samples, the training data has %d", ms.Samples, train.Len())
		}
		if err := s.state.load(ms, s); err != nil {
			return nil, err
		}
		s.rows.ensure(net, s.c.m)
		s.rows.lost = s.c.phase != PhaseIdle
	}
	return s, nil
}

// load sets st from a validated "state" section, over a fresh Stepper s
// (whose current weights, the file's, stay).
func (st *state) load(ms *modelState, s *Stepper) error {
	initial := params{}
	for l, w := range ms.Initial {
		initial.w, initial.b = append(initial.w, flatJ(w.Weights)), append(initial.b, fromJ(w.Biases))
		if st.w.wh != nil {
			var wh []float64
			if st.w.wh[l] != nil {
				wh = flatJ(w.Recurrent)
			}
			initial.wh = append(initial.wh, wh)
		}
	}
	st.initial = &initial
	st.order = orderFor(Hyper{Rule: st.h.Rule, Seed: ms.ShuffleSeed}, ms.Samples, ms.Epoch)
	ph := PhaseIdle
	switch ms.Phase {
	case "accumulate":
		ph = PhaseAccumulate
	case "update":
		ph = PhaseUpdate
	case "epoch-end":
		ph = PhaseEpochEnd
	}
	st.c = cursor{epoch: ms.Epoch, batch: ms.Batch, start: ms.Start, m: ms.Size, sample: ms.Sample,
		index: ms.Index, phase: ph, steps: ms.Steps}
	st.grad = unflatJ(ms.GradW, ms.GradB)
	st.count, st.loss = ms.Count, float64(ms.Loss)
	st.m, st.v = unflatJ(ms.MW, ms.MB), unflatJ(ms.VW, ms.VB)
	if st.w.wh != nil {
		st.grad.wh = unflatHJ(ms.GradWH, st.w.wh)
		if !st.m.empty() {
			st.m.wh = unflatHJ(ms.MWH, st.w.wh)
		}
		if !st.v.empty() {
			st.v.wh = unflatHJ(ms.VWH, st.w.wh)
		}
	}
	if st.h.Opt == Adam && !st.m.empty() && st.v.empty() {
		return errors.New("state.v_w: adam needs both moments (m_w and v_w)")
	}
	st.adamT = ms.AdamT
	st.mistakes = ms.Mistakes
	if ms.StartMaxW != nil {
		st.startMax = fromJ(ms.StartMaxW)
	}
	for _, v := range ms.Seen {
		st.seen = appendSeen(st.seen, fromJ(v))
	}
	if ms.GradNormUpdates > 0 {
		st.gradNorm, st.gradUpdates = fromJ(ms.GradNormSum), ms.GradNormUpdates
	}
	st.hist = historyOf(ms.History)
	st.gradHist = gradHistOf(ms.History, st.hist)
	st.batchLosses = batchLossesOf(ms)
	st.status = Status(slices.Index(statusNames, ms.Status))
	return nil
}

// unflatJ is the inverse of rows2J and vecs2J (empty for absent moments).
func unflatJ(w [][][]jfloat, b [][]jfloat) params {
	if w == nil {
		return params{}
	}
	p := params{w: make([][]float64, len(w)), b: make([][]float64, len(b))}
	for l := range w {
		p.w[l], p.b[l] = flatJ(w[l]), fromJ(b[l])
	}
	return p
}

// rowsHJ is the W_h-shaped v as a file's rows per layer (nil entries for
// dense layers; nil when no layer is recurrent).
func rowsHJ(v [][]float64, net *Network) [][][]jfloat {
	if v == nil {
		return nil
	}
	r := make([][][]jfloat, len(v))
	for l, layer := range net.Layers {
		if v[l] != nil {
			r[l] = rowsJ(v[l], layer.Out)
		}
	}
	return r
}

// unflatHJ is the inverse of rowsHJ, shaped like wh (zeros where the file
// has none: validation checked the shapes it has).
func unflatHJ(v [][][]jfloat, wh [][]float64) [][]float64 {
	r := make([][]float64, len(wh))
	for l := range wh {
		if wh[l] == nil {
			continue
		}
		if l < len(v) && len(v[l]) > 0 {
			r[l] = flatJ(v[l])
		} else {
			r[l] = make([]float64, len(wh[l]))
		}
	}
	return r
}

// historyOf rebuilds the history series. A file of single epochs (written
// before histories were bounded, perhaps longer than MaxHistory) is added
// epoch by epoch, which merges it down to the bound; a merged one is taken
// as it is (validateState checked its shape).
func historyOf(entries []modelEpoch) series[EpochStats] {
	var h series[EpochStats]
	merged := slices.ContainsFunc(entries, func(e modelEpoch) bool { return e.Epochs > 1 })
	for _, e := range entries {
		x := epochStats(e.Epoch, Metrics{Loss: float64(e.TrainLoss), Accuracy: float64(e.TrainAcc)},
			Metrics{Loss: float64(e.TestLoss), Accuracy: float64(e.TestAcc)})
		if !merged {
			h.add(x, foldEpochs, MaxHistory)
			continue
		}
		if e.Epochs > 1 {
			x.Epochs, x.Min, x.Max = e.Epochs, e.Min.metrics(), e.Max.metrics()
		}
		h.v = append(h.v, x)
	}
	if merged {
		h.span, h.n = entries[0].Epochs, max(entries[len(entries)-1].Epochs, 1)
	}
	return h
}

// gradHistOf rebuilds the gradient norms' series beside hist (historyOf
// of the same entries): the same entries, span and count.
func gradHistOf(entries []modelEpoch, hist series[EpochStats]) series[[]float64] {
	var g series[[]float64]
	for _, e := range entries {
		var v []float64
		if len(e.GradNorm) > 0 {
			v = fromJ(e.GradNorm)
		}
		g.add(v, foldLast, MaxHistory)
	}
	// added entry by entry as historyOf adds (or appends) them: the same
	// entries; a merged file's span and count are hist's
	g.span, g.n = hist.span, hist.n
	return g
}

// batchLossesOf rebuilds the batch-loss series like historyOf.
func batchLossesOf(ms *modelState) series[float64] {
	var b series[float64]
	if ms.BatchLossSpan <= 1 {
		for _, v := range ms.BatchLosses {
			b.add(float64(v), foldLoss, MaxBatchLosses)
		}
		return b
	}
	return series[float64]{v: fromJ(ms.BatchLosses), span: ms.BatchLossSpan, n: ms.BatchLossN}
}
