package network

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMazurFile(t *testing.T) {
	m, err := LoadModel("testdata/mazur.json")
	if err != nil {
		t.Fatal(err)
	}
	net, err := m.Network()
	if err != nil {
		t.Fatal(err)
	}
	out := net.Predict([]float64{.05, .10})
	if math.Abs(out[0]-0.75136507) > 1e-8 || math.Abs(out[1]-0.772928465) > 1e-9 {
		t.Fatalf("outputs %v, want 0.75136507 0.772928465", out)
	}
	s, err := m.Stepper(Set{X: [][]float64{{.05, .10}}, Y: [][]float64{{.01, .99}}}, Set{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Step(ByBatch); err != nil {
		t.Fatal(err)
	}
	if w5 := s.Net().Layers[1].W[0]; math.Abs(w5-0.35891648) > 1e-8 {
		t.Fatalf("w5 = %.10f, want 0.35891648", w5)
	}
	if !strings.Contains(string(m.Data), "Mazur") {
		t.Fatalf("data not kept: %s", m.Data)
	}
	if _, err := m.Stepper(synth(4, 3, 2, 1), Set{}); err == nil || !strings.Contains(err.Error(), "takes 2 inputs") {
		t.Fatalf("shape mismatch: %v", err)
	}
}

func roundTrip(t *testing.T, s *Stepper, train, test Set) *Stepper {
	t.Helper()
	m := s.Model()
	m.Data = []byte(`{"name":"synth"}`)
	var b bytes.Buffer
	if err := m.Write(&b); err != nil {
		t.Fatal(err)
	}
	m2, err := ParseModel(b.Bytes())
	if err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	var b2 bytes.Buffer
	m2.Write(&b2)
	if !bytes.Equal(b.Bytes(), b2.Bytes()) {
		t.Fatal("model file does not round-trip byte for byte")
	}
	r, err := m2.Stepper(train, test)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// advanceTo runs s until `steps` samples are done and the sample is finished.
func advanceTo(t *testing.T, s *Stepper, steps int) {
	t.Helper()
	for s.Pos().Steps < steps || !s.sampleEnd() {
		if _, err := s.Run(1); err != nil {
			t.Fatal(err)
		}
	}
}

// TestModelResume saves at many points (mid-sample, after accumulate,
// update and epoch end) and checks that training on after loading gives
// bit-identical weights and history to never having saved.
func TestModelResume(t *testing.T) {
	for _, c := range append(configs, config{"perceptron", []int{5, 1}, []Activation{Step}, Quadratic,
		func(h *Hyper) { h.Rule = Perceptron }}) {
		for _, stop := range [][2]int{{0, 0}, {0, 1}, {0, 4}, {0, 30}, {7, 0}, {7, 3}, {10, 0}, {23, 0}, {25, 2}, {40, 9}, {46, 0}, {45, 1}} {
			a := newConfig(t, c, 23)
			a.Run(stop[0])
			for range stop[1] {
				a.Step(ByNeuron)
			}
			train, test := a.Train(), a.Test()
			r := roundTrip(t, a, train, test)
			const target = 80
			advanceTo(t, a, target)
			advanceTo(t, r, target)
			sameWeights(t, c.name, a.Net(), r.Net())
			if !slices.Equal(a.BatchLosses(), r.BatchLosses()) || len(a.History()) != len(r.History()) {
				t.Fatalf("%s stop %d: losses or history differ", c.name, stop)
			}
			for i, e := range a.History() {
				f := r.History()[i]
				if e.Epoch != f.Epoch || e.TrainLoss != f.TrainLoss || e.TrainAcc != f.TrainAcc {
					t.Fatalf("%s stop %d: history[%d] %+v vs %+v", c.name, stop, i, e, f)
				}
			}
			// Reset after loading returns to the same initial weights.
			a.Reset()
			r.Reset()
			sameWeights(t, c.name+" reset", a.Net(), r.Net())
		}
	}
}

func TestModelHandWritten(t *testing.T) {
	// No training, state or data: defaults apply.
	m, err := ParseModel([]byte(`{"format":"backprop/model","version":1,"inputs":1,"cost":"quadratic",
		"layers":[{"activation":"linear","weights":[[2]],"biases":[1]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	s, err := m.Stepper(Set{X: [][]float64{{1}}, Y: [][]float64{{0}}}, Set{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Hyper() != DefaultHyper() {
		t.Fatalf("hyper %+v, want defaults", s.Hyper())
	}
	if got := s.Net().Predict([]float64{3})[0]; got != 7 {
		t.Fatalf("2·3+1 = %v", got)
	}
}

func TestParseModelErrors(t *testing.T) {
	good := `{"format":"backprop/model","version":1,"inputs":3,"cost":"quadratic",
 "layers":[{"activation":"sigmoid","weights":[[1,2,3],[4,5,6]],"biases":[0,0]},
           {"activation":"tanh","weights":[[1,2]],"biases":[0]}],
 "training":{"eta":0.5,"batch":10}}`
	if _, err := ParseModel([]byte(good)); err != nil {
		t.Fatalf("good model: %v", err)
	}
	cases := []struct{ old, new, want string }{
		{`[4,5,6]`, `[4,5]`, "layers[0].weights[1]: expected 3 values, got 2"},
		{`"sigmoid"`, `"sigmod"`, `layers[0].activation: unknown "sigmod" (want one of step, linear, sigmoid`},
		{`"biases":[0]`, `"biases":["NaN"]`, "layers[1].biases[0]: NaN"},
		{`"biases":[0]`, `"biases":[1e999]`, "layers[1].biases[0]: +Inf"},
		{`"biases":[0,0]`, `"biases":[0]`, "layers[0].biases: expected 2 values, got 1"},
		{`[[1,2]]`, `[[1,2,3]]`, "layers[1].weights[0]: expected 2 values, got 3"},
		{`"activation":"sigmoid"`, `"activation":"softmax"`, "layers[0].activation: softmax is only allowed on the output layer"},
		{`"tanh"`, `"softmax"`, "layers[1].activation: softmax needs at least 2 neurons"},
		{`"quadratic"`, `"quad"`, `cost: unknown "quad"`},
		{`"eta":0.5`, `"eta":-1`, "training.eta: -1"},
		{`"batch":10`, `"batch":0`, "training.batch: 0"},
		{`"version":1`, `"version":2`, "version: 2"},
		{`backprop/model`, `other`, `format: got "other"`},
		{`"inputs":3`, `"inputs":3,"input":4`, `unknown field "input"`},
		{`[4,5,6]`, `[4,5,NaN]`, "line 2:60: invalid character 'N'"},
		{`[4,5,6]`, `[4,5,"x"]`, `"x" is not a number`},
		{`"batch":10}`, `"batch":10`, "line 4:35: unexpected end of file"},
	}
	for _, c := range cases {
		bad := strings.Replace(good, c.old, c.new, 1)
		_, err := ParseModel([]byte(bad))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s → %s: got %v, want %q", c.old, c.new, err, c.want)
		}
	}
	if _, err := ParseModel(nil); err == nil {
		t.Error("empty input accepted")
	}
}

func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.json")
	s := newConfig(t, configs[0], 20)
	s.Run(15)
	m := s.Model()
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)
	if _, err := LoadModel(path); err != nil {
		t.Fatal(err)
	}
	s.Run(15)
	m = s.Model()
	m.Data = []byte(`{not json`)
	if err := m.Save(path); err == nil {
		t.Fatal("saved invalid data")
	}
	now, _ := os.ReadFile(path)
	if !bytes.Equal(old, now) {
		t.Fatal("a failed save changed the file")
	}
	// Rename onto a non-empty directory fails after the temp file is written.
	sub := filepath.Join(dir, "sub")
	os.MkdirAll(filepath.Join(sub, "x"), 0o755)
	m.Data = nil
	if err := m.Save(sub); err == nil {
		t.Fatal("saved over a directory")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Fatalf("left-over files: %v", entries)
	}
}

func FuzzParseModel(f *testing.F) {
	seed, _ := os.ReadFile("testdata/mazur.json")
	f.Add(seed)
	s, err := NewStepper(mustNet(f, []int{2, 3, 2}, []Activation{Tanh, Softmax}, CrossEntropy, 1),
		func() Hyper { h := DefaultHyper(); h.Opt = Adam; h.Batch = 3; return h }(), synth(7, 2, 2, 1), synth(3, 2, 2, 2))
	if err != nil {
		f.Fatal(err)
	}
	s.Run(10)
	s.Step(ByNeuron)
	var b bytes.Buffer
	s.Model().Write(&b)
	f.Add(b.Bytes())
	f.Add([]byte(`{"format":"backprop/model","version":1,"inputs":1,"cost":"quadratic","layers":[{"activation":"step","weights":[[1]],"biases":[0]}],"training":{"rule":"perceptron","eta":1,"batch":1}}`))
	// merged history and batch losses (series bounded to 2 here)
	m := xorStepper(f)
	m.Run(4 * 5)
	m.hist, m.batchLosses = series[EpochStats]{}, series[float64]{}
	for e := 1; e <= 5; e++ {
		m.hist.add(epochStats(e, Metrics{Loss: 1 / float64(e), Accuracy: 0.5}, Metrics{Loss: 2, Accuracy: 0.25}), foldEpochs, 2)
		m.batchLosses.add(float64(e), foldLoss, 2)
	}
	b.Reset()
	m.Model().Write(&b)
	f.Add(slices.Clone(b.Bytes()))
	// a recurrent network with its W_h, Adam moments and truncation
	r, err := NewStepper(mustRNN(f), func() Hyper {
		h := DefaultHyper()
		h.Opt = Adam
		h.Batch = 2
		h.BPTT = 2
		h.Clip = 1
		return h
	}(),
		Set{X: [][]float64{{0, 1, 1}, {1, 0, 1}, {1, 1, 0}}, Y: [][]float64{{0, 1, 0}, {1, 0, 1}, {1, 1, 0}}, Seq: 1}, Set{})
	if err != nil {
		f.Fatal(err)
	}
	r.Run(3)
	b.Reset()
	r.Model().Write(&b)
	f.Add(slices.Clone(b.Bytes()))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseModel(data)
		if err != nil {
			return
		}
		net, err := m.Network()
		if err != nil {
			t.Fatalf("parsed but Network failed: %v", err)
		}
		var out bytes.Buffer
		if err := m.Write(&out); err != nil {
			t.Fatalf("parsed but Write failed: %v", err)
		}
		m2, err := ParseModel(out.Bytes())
		if err != nil {
			t.Fatalf("rewritten model does not parse: %v\n%s", err, out.Bytes())
		}
		net2, _ := m2.Network()
		sameWeights(&testing.T{}, "fuzz", net, net2)
		if net.NumParams() > 1000 {
			return
		}
		n := 1
		if m.f.State != nil {
			n = m.f.State.Samples
		}
		if n > 50 {
			return
		}
		train := Set{}
		T := 1
		if net.IsRecurrent() {
			train.Seq, T = net.Sizes[0], 3
		}
		for range n {
			train.X = append(train.X, make([]float64, T*net.Sizes[0]))
			train.Y = append(train.Y, make([]float64, T*net.Sizes[len(net.Sizes)-1]))
		}
		if st, err := m.Stepper(train, Set{}); err == nil {
			st.Run(3)
			st.Step(ByNeuron)
		}
	})
}

func mustRNN(tb testing.TB) *Network {
	net, err := New(Spec{Sizes: []int{1, 2, 1}, Acts: []Activation{Tanh, Sigmoid}, Cost: CrossEntropy, Recurrent: []bool{true, false}}, NewRand(1))
	if err != nil {
		tb.Fatal(err)
	}
	return net
}
