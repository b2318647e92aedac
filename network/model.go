package network

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
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
//	{"format":"backprop/model","version":1,"inputs":2,
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
}

// modelState is the training position. Phase is what was last completed:
// "idle" (about to load sample Sample of the batch), "accumulate" (sample
// Sample is in the sums), "update" or "epoch-end". A save in the middle of
// a sample is stored as "idle" at that sample: it is simply redone.
type modelState struct {
	Samples     int            `json:"samples"` // training set size it was made with
	Epoch       int            `json:"epoch"`
	Batch       int            `json:"batch"`
	Start       int            `json:"start"`
	Size        int            `json:"size"`
	Sample      int            `json:"sample"`
	Index       int            `json:"index"`
	Phase       string         `json:"phase"`
	Steps       int            `json:"steps"`
	ShuffleSeed uint64         `json:"shuffle_seed"`
	Status      string         `json:"status"`
	Count       int            `json:"count"`
	Loss        jfloat         `json:"loss"`
	GradW       [][][]jfloat   `json:"grad_w"`
	GradB       [][]jfloat     `json:"grad_b"`
	MW          [][][]jfloat   `json:"m_w,omitempty"` // momentum velocity or Adam first moment
	MB          [][]jfloat     `json:"m_b,omitempty"`
	VW          [][][]jfloat   `json:"v_w,omitempty"` // Adam second moment
	VB          [][]jfloat     `json:"v_b,omitempty"`
	AdamT       int            `json:"adam_t"`
	Mistakes    int            `json:"mistakes"`
	StartMaxW   []jfloat       `json:"start_max_w,omitempty"` // max |w| per layer at the epoch's start
	Seen        [][]jfloat     `json:"seen,omitempty"`        // perceptron epoch-end states
	History     []modelEpoch   `json:"history"`
	BatchLosses []jfloat       `json:"batch_losses"`
	Initial     []modelWeights `json:"initial"`
}

type modelWeights struct {
	Weights [][]jfloat `json:"weights"`
	Biases  []jfloat   `json:"biases"`
}

type modelEpoch struct {
	Epoch     int    `json:"epoch"`
	TrainLoss jfloat `json:"train_loss"`
	TrainAcc  jfloat `json:"train_acc"`
	TestLoss  jfloat `json:"test_loss"`
	TestAcc   jfloat `json:"test_acc"`
}

// jfloat is a float64 whose JSON form is a number, or null for NaN (in
// metrics). Reading also accepts "NaN", "Inf", "-Inf" strings and
// out-of-range numbers, so that validation can name the offending path.
type jfloat float64

func (f jfloat) MarshalJSON() ([]byte, error) {
	v := float64(f)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, v, 'g', -1, 64), nil
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
// path: Undo before saving.
func (s *Stepper) Model() *Model {
	net, h := s.net, s.h
	f := modelFile{Format: ModelFormat, Version: ModelVersion, Inputs: net.Sizes[0], Cost: net.Cost.String(), Init: net.Init.String()}
	for _, l := range net.Layers {
		f.Layers = append(f.Layers, modelLayer{Activation: l.Act.String(), Weights: rowsJ(l.W, l.In), Biases: toJ(l.B)})
	}
	f.Training = trainingOf(h)
	c := s.c
	st := &modelState{Samples: len(s.train.X), Epoch: c.epoch, Batch: c.batch, Start: c.start, Size: c.m,
		Sample: c.sample, Index: c.index, Steps: c.steps, ShuffleSeed: s.permSeed, Status: s.status.String(),
		Count: s.count, Loss: jfloat(s.loss), GradW: rows2J(s.gw, net), GradB: vecs2J(s.gb),
		MW: rows2J(s.vw, net), MB: vecs2J(s.vb), VW: rows2J(s.sw, net), VB: vecs2J(s.sb), AdamT: s.adamT,
		Mistakes: s.mistakes, Seen: vecs2J(s.seen), BatchLosses: toJ(s.batchLosses), StartMaxW: toJ(s.startMax)}
	switch c.phase {
	case PhaseAccumulate, PhaseUpdate, PhaseEpochEnd, PhaseIdle:
		st.Phase = c.phase.String()
	default: // mid-sample: redo the sample
		st.Phase = PhaseIdle.String()
	}
	if s.status == Diverged {
		st.Status = Training.String() // a diverged state is not saved as such; its NaNs could not be
	}
	st.History = []modelEpoch{}
	for _, e := range s.hist {
		st.History = append(st.History, modelEpoch{e.Epoch, jfloat(e.TrainLoss), jfloat(e.TrainAcc), jfloat(e.TestLoss), jfloat(e.TestAcc)})
	}
	for l, layer := range net.Layers {
		st.Initial = append(st.Initial, modelWeights{Weights: rowsJ(s.initial.w[l], layer.In), Biases: toJ(s.initial.b[l])})
	}
	f.State = st
	return &Model{f: f}
}

func trainingOf(h Hyper) *modelTraining {
	return &modelTraining{Rule: h.Rule.String(), Eta: h.Eta, Batch: h.Batch, Optimizer: h.Opt.String(),
		Mu: h.Mu, Beta1: h.Beta1, Beta2: h.Beta2, Epsilon: h.Epsilon, L1: h.L1, L2: h.L2, Seed: h.Seed, MaxEpochs: h.MaxEpochs}
}

// Write writes m as indented JSON: one line per weight row.
func (m *Model) Write(w io.Writer) error {
	b, err := m.encode()
	if err != nil {
		return err
	}
	_, err = w.Write(b)
	return err
}

func (m *Model) encode() ([]byte, error) {
	f := m.f
	f.Data = m.Data
	if len(f.Data) > 0 && !json.Valid(f.Data) {
		return nil, errors.New("network: model data is not valid JSON")
	}
	var b bytes.Buffer
	put := func(key string, v any, comma bool) error {
		j, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("network: model %s: %w", key, err)
		}
		fmt.Fprintf(&b, "  %q: %s", key, j)
		if comma {
			b.WriteString(",")
		}
		b.WriteString("\n")
		return nil
	}
	b.WriteString("{\n")
	put("format", f.Format, true)
	put("version", f.Version, true)
	put("inputs", f.Inputs, true)
	put("cost", f.Cost, true)
	if f.Init != "" {
		put("init", f.Init, true)
	}
	b.WriteString("  \"layers\": [\n")
	for i, l := range f.Layers {
		act, _ := json.Marshal(l.Activation)
		fmt.Fprintf(&b, "    {\"activation\": %s,\n     \"weights\": [\n", act)
		for j, row := range l.Weights {
			r, err := json.Marshal(row)
			if err != nil {
				return nil, fmt.Errorf("network: layers[%d].weights[%d]: %w", i, j, err)
			}
			b.WriteString("       ")
			b.Write(r)
			if j < len(l.Weights)-1 {
				b.WriteString(",")
			}
			b.WriteString("\n")
		}
		bs, _ := json.Marshal(l.Biases)
		fmt.Fprintf(&b, "     ],\n     \"biases\": %s}", bs)
		if i < len(f.Layers)-1 {
			b.WriteString(",")
		}
		b.WriteString("\n")
	}
	b.WriteString("  ]")
	if f.Training != nil {
		b.WriteString(",\n")
		j, _ := json.Marshal(f.Training)
		fmt.Fprintf(&b, "  \"training\": %s", j)
	}
	if f.State != nil {
		b.WriteString(",\n")
		j, err := json.MarshalIndent(f.State, "  ", " ")
		if err != nil {
			return nil, fmt.Errorf("network: model state: %w", err)
		}
		fmt.Fprintf(&b, "  \"state\": %s", compactArrays(j))
	}
	if len(f.Data) > 0 {
		b.WriteString(",\n")
		var d bytes.Buffer
		if err := json.Compact(&d, f.Data); err != nil {
			return nil, fmt.Errorf("network: model data: %w", err)
		}
		fmt.Fprintf(&b, "  \"data\": %s", d.Bytes())
	}
	b.WriteString("\n}\n")
	return b.Bytes(), nil
}

// compactArrays joins the lines of indented JSON that are inside arrays, so
// that each state field takes one line per outer row instead of one per number.
func compactArrays(j []byte) []byte {
	var out bytes.Buffer
	depth := 0 // array nesting
	inStr, esc := false, false
	for i := 0; i < len(j); i++ {
		c := j[i]
		if inStr {
			out.WriteByte(c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		switch c {
		case '"':
			inStr = true
		case '[':
			depth++
		case ']':
			depth--
		case '\n':
			if depth > 0 {
				for i+1 < len(j) && j[i+1] == ' ' {
					i++
				}
				continue
			}
		}
		out.WriteByte(c)
	}
	return out.Bytes()
}

// Save writes m to path atomically: a temporary file in the same directory
// is written, synced and renamed over path. On error path is untouched.
func (m *Model) Save(path string) error {
	b, err := m.encode()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, b)
}

// WriteFileAtomic writes data to path via a synced temporary file in the
// same directory and a rename, so readers see the old or the new file whole.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("network: save %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("network: save %s: %w", path, err)
	}
	if err = tmp.Chmod(0o644); err != nil {
		return fmt.Errorf("network: save %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("network: save %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("network: save %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("network: save %s: %w", path, err)
	}
	return nil
}

// MaxModelBytes bounds the size of a model file LoadModel reads.
const MaxModelBytes = 256 << 20

// LoadModel reads and validates a model file; errors start with the path.
func LoadModel(path string) (*Model, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, MaxModelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > MaxModelBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB", path, MaxModelBytes>>20)
	}
	m, err := ParseModel(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// lineCol converts a byte offset into 1-based line and column.
func lineCol(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// ParseModel decodes and validates a model file. Errors name the JSON path
// (`layers[1].weights[3]: expected 4 values, got 3`) or, for malformed JSON,
// the line and column.
func ParseModel(data []byte) (*Model, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	// Absent training fields keep DefaultHyper's values.
	f := modelFile{Training: trainingOf(DefaultHyper())}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line, col := lineCol(data, max(se.Offset-1, 0)) // Offset is just past the bad byte
			msg := se.Error()
			if se.Offset > 0 && se.Offset <= int64(len(data)) && strings.ContainsRune("NI", rune(data[se.Offset-1])) {
				msg += " (bare NaN/Infinity is not JSON)"
			}
			return nil, fmt.Errorf("line %d:%d: %s", line, col, msg)
		case errors.As(err, &te):
			line, col := lineCol(data, te.Offset)
			field := te.Field
			if field == "" {
				field = "(top level)"
			}
			return nil, fmt.Errorf("line %d:%d: %s: expected %v, got JSON %s", line, col, field, te.Type, te.Value)
		case errors.Is(err, io.EOF):
			return nil, errors.New("empty model file")
		case errors.Is(err, io.ErrUnexpectedEOF):
			line, col := lineCol(data, int64(len(data)))
			return nil, fmt.Errorf("line %d:%d: unexpected end of file (unclosed { or [?)", line, col)
		}
		line, col := lineCol(data, dec.InputOffset())
		return nil, fmt.Errorf("line %d:%d: %v", line, col, err)
	}
	if dec.More() {
		line, col := lineCol(data, dec.InputOffset())
		return nil, fmt.Errorf("line %d:%d: unexpected data after the model object", line, col)
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	m := &Model{Data: f.Data, f: f}
	m.f.Data = nil
	return m, nil
}

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
	if len(f.Layers) == 0 {
		return errors.New("layers: at least one layer is needed")
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
	for i, e := range st.History {
		if e.Epoch < 1 {
			return bad(fmt.Sprintf("history[%d].epoch", i), e.Epoch, "want ≥ 1")
		}
	}
	for i, v := range st.BatchLosses {
		if !finite(float64(v)) {
			return bad(fmt.Sprintf("batch_losses[%d]", i), float64(v), "want a finite number")
		}
	}
	if len(st.Initial) != len(f.Layers) {
		return fmt.Errorf("state.initial: expected %d layers, got %d", len(f.Layers), len(st.Initial))
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
	net := &Network{Sizes: f.sizes(), Cost: c, Init: init}
	for i, l := range f.Layers {
		act, _ := ParseActivation(l.Activation)
		net.Layers = append(net.Layers, &Layer{In: net.Sizes[i], Out: net.Sizes[i+1], Act: act,
			W: flatJ(l.Weights), B: fromJ(l.Biases)})
	}
	return net, nil
}

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
		if len(set.X) > 0 && (len(set.X[0]) != in || len(set.Y) == 0 || len(set.Y[0]) != out) {
			gotY := 0
			if len(set.Y) > 0 {
				gotY = len(set.Y[0])
			}
			return nil, fmt.Errorf("the model takes %d inputs and gives %d outputs, but the %s data has %d features and %d targets",
				in, out, name, len(set.X[0]), gotY)
		}
	}
	st := m.f.State
	var initial *params
	if st != nil {
		if st.Samples != len(train.X) {
			return nil, fmt.Errorf("state.samples: the model was trained on %d samples, the training data has %d", st.Samples, len(train.X))
		}
		initial = &params{}
		for _, w := range st.Initial {
			initial.w, initial.b = append(initial.w, flatJ(w.Weights)), append(initial.b, fromJ(w.Biases))
		}
		// NewStepper takes the current weights as initial; build from the
		// initial ones and put the current ones back afterwards.
	}
	s, err := NewStepper(net, h, train, test)
	if err != nil {
		return nil, err
	}
	if st == nil {
		return s, nil
	}
	s.initial = initial
	s.h.Seed = st.ShuffleSeed
	s.perm = s.permFor(st.Epoch)
	s.h.Seed = h.Seed
	ph := PhaseIdle
	switch st.Phase {
	case "accumulate":
		ph = PhaseAccumulate
	case "update":
		ph = PhaseUpdate
	case "epoch-end":
		ph = PhaseEpochEnd
	}
	s.c = cursor{epoch: st.Epoch, batch: st.Batch, start: st.Start, m: st.Size, sample: st.Sample,
		index: st.Index, phase: ph, steps: st.Steps}
	s.traceLost = ph != PhaseIdle
	s.ensureRows(st.Size)
	for l := range net.Layers {
		s.gw[l], s.gb[l] = flatJ(st.GradW[l]), fromJ(st.GradB[l])
	}
	s.count, s.loss = st.Count, float64(st.Loss)
	unflat := func(w [][][]jfloat, b [][]jfloat) ([][]float64, [][]float64) {
		if w == nil {
			return nil, nil
		}
		rw, rb := make([][]float64, len(w)), make([][]float64, len(b))
		for l := range w {
			rw[l], rb[l] = flatJ(w[l]), fromJ(b[l])
		}
		return rw, rb
	}
	s.vw, s.vb = unflat(st.MW, st.MB)
	s.sw, s.sb = unflat(st.VW, st.VB)
	if h.Opt == Adam && s.vw != nil && s.sw == nil {
		return nil, errors.New("state.v_w: adam needs both moments (m_w and v_w)")
	}
	s.adamT = st.AdamT
	s.mistakes = st.Mistakes
	if st.StartMaxW != nil {
		s.startMax = fromJ(st.StartMaxW)
	}
	for _, v := range st.Seen {
		s.seen = append(s.seen, fromJ(v))
	}
	for _, e := range st.History {
		s.hist = append(s.hist, EpochStats{e.Epoch, float64(e.TrainLoss), float64(e.TrainAcc), float64(e.TestLoss), float64(e.TestAcc)})
	}
	s.batchLosses = fromJ(st.BatchLosses)
	i := slices.Index(statusNames, st.Status)
	s.status = Status(i)
	return s, nil
}
