package network

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// Not -update: teatest and x/exp/golden register that name in other packages.
var updateExport = flag.Bool("update-export", false, "rewrite network/testdata/export_* golden files")

// mazurNet is Matt Mazur's 2-2-2 sigmoid example, built by hand.
func mazurNet() *Network {
	return &Network{
		Sizes: []int{2, 2, 2},
		Layers: []*Layer{
			{In: 2, Out: 2, Act: Sigmoid, W: []float64{.15, .20, .25, .30}, B: []float64{.35, .35}},
			{In: 2, Out: 2, Act: Sigmoid, W: []float64{.40, .45, .50, .55}, B: []float64{.60, .60}},
		},
		Cost: Quadratic,
	}
}

// randNet builds a network with weights and biases uniform in [−1, 1) from
// seed, without the engine's New (so that the export tests need only Predict).
func randNet(sizes []int, acts []Activation, cost Cost, seed uint64) *Network {
	rng := rand.New(rand.NewPCG(seed, 0))
	net := &Network{Sizes: sizes, Cost: cost}
	for l, act := range acts {
		L := &Layer{In: sizes[l], Out: sizes[l+1], Act: act,
			W: make([]float64, sizes[l]*sizes[l+1]), B: make([]float64, sizes[l+1])}
		for i := range L.W {
			L.W[i] = 2*rng.Float64() - 1
		}
		for i := range L.B {
			L.B[i] = 2*rng.Float64() - 1
		}
		net.Layers = append(net.Layers, L)
	}
	return net
}

var allActs = []Activation{Step, Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Softmax}

// TestExportGolden pins the whole script text for a tiny network. The
// expected outputs are fixed here (Mazur's published forward pass, computed
// in float64), so the golden file doesn't move with the engine's last bits.
func TestExportGolden(t *testing.T) {
	net := mazurNet()
	probes := [][]float64{{.05, .10}, {1, -1}}
	expected := [][]float64{
		{0.7513650695523157, 0.7729284653214625},
		{0.7480569684242109, 0.7690872773651986},
	}
	for _, tc := range []struct {
		format string
		cost   Cost
		file   string
	}{
		{FormatPyTorch, Quadratic, "export_mazur.pytorch.py.golden"},
		{FormatNumPy, Quadratic, "export_mazur.numpy.py.golden"},
		{FormatPyTorch, CrossEntropy, "export_mazur_ce.pytorch.py.golden"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			net.Cost = tc.cost
			var b strings.Builder
			writeScript(&b, net, tc.format, probes, expected, ExportOptions{})
			path := filepath.Join("testdata", tc.file)
			if *updateExport {
				if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./network -run TestExportGolden -update-export)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("%s differs from the golden file; diff it after -update-export:\n%s", tc.file, firstDiff(got, string(want)))
			}
		})
	}
}

// TestExportMazurFile exports the hand-written model file of Mazur's example:
// the weights must come through exactly, and the embedded engine outputs must
// be his published ones.
func TestExportMazurFile(t *testing.T) {
	m, err := LoadModel(filepath.Join("testdata", "mazur.json"))
	if err != nil {
		t.Fatal(err)
	}
	net, err := m.Network()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Export(&buf, net, FormatPyTorch, [][]float64{{.05, .10}}); err != nil {
		t.Fatal(err)
	}
	script := buf.String()
	for _, want := range []string{
		"            [0.15, 0.2],\n            [0.25, 0.3],\n        ],\n        [0.35, 0.35],",
		"            [0.4, 0.45],\n            [0.5, 0.55],\n        ],\n        [0.6, 0.6],",
		"PROBES = [\n    [0.05, 0.1],\n]",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	var expected [][]float64
	if err := json.Unmarshal([]byte(pyTuplesToJSON(pyList(t, script, "EXPECTED = ", "\n]\n"))), &expected); err != nil {
		t.Fatal(err)
	}
	published := []float64{0.75136507, 0.772928465}
	if len(expected) != 1 || len(expected[0]) != 2 {
		t.Fatalf("EXPECTED = %v, want one pair", expected)
	}
	for j, v := range published {
		if math.Abs(expected[0][j]-v) > 1e-8 {
			t.Errorf("EXPECTED[0][%d] = %v, Mazur published %v", j, expected[0][j], v)
		}
	}
}

// TestExportWithOptions: provenance lands in comments, and no text can
// break out of them.
func TestExportWithOptions(t *testing.T) {
	var buf bytes.Buffer
	opts := ExportOptions{Source: "model file evil\nimport os; os.system('x')\r\x00\xff.json", Probes: "the first 1 sample of and's training set."}
	if err := ExportWith(&buf, mazurNet(), FormatNumPy, [][]float64{{1, 0}}, opts); err != nil {
		t.Fatal(err)
	}
	script := buf.String()
	for _, want := range []string{
		"# From: model file evil?import os; os.system('x')???.json.\n#\n# Use:",
		"computed for them.\n# Probes: the first 1 sample of and's training set.\nPROBES = [",
	} {
		if !strings.Contains(script, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	for i, line := range strings.Split(script, "\n") {
		if strings.HasPrefix(line, "import os") {
			t.Errorf("line %d escaped its comment: %q", i+1, line)
		}
	}
}

// FuzzCommentLine: whatever the text, the comment is one valid-UTF-8 line.
func FuzzCommentLine(f *testing.F) {
	for _, s := range []string{"", "a.json", "x\ny", "\r\x00\xff", "\u2028", "."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := commentLine("From: ", s)
		if s == "" {
			if c != "" {
				t.Fatalf("empty text gave %q", c)
			}
			return
		}
		if !strings.HasPrefix(c, "# From: ") || !strings.HasSuffix(c, ".\n") || strings.Count(c, "\n") != 1 ||
			strings.ContainsAny(c[:len(c)-1], "\r\x00\f\v\u2028\u2029\x85") || !utf8.ValidString(c) {
			t.Fatalf("commentLine(%q) = %q", s, c)
		}
	})
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n got: %q\nwant: %q", i+1, gl, wl)
		}
	}
	return "(same lines)"
}

// TestExportEmbedsEngine checks that Export embeds the network's weights and
// the Go engine's own outputs, bit for bit, for every activation.
func TestExportEmbedsEngine(t *testing.T) {
	for _, act := range allActs {
		for _, format := range []string{FormatPyTorch, FormatNumPy} {
			t.Run(pyActName(act)+"/"+format, func(t *testing.T) {
				hidden := act
				if act == Softmax {
					hidden = Tanh // softmax is for outputs only
				}
				net := randNet([]int{3, 4, 2}, []Activation{hidden, act}, Quadratic, 7)
				probes, err := ExportProbes(net, 3, rand.New(rand.NewPCG(1, 2)))
				if err != nil {
					t.Fatal(err)
				}
				var buf bytes.Buffer
				if err := Export(&buf, net, format, probes); err != nil {
					t.Fatal(err)
				}
				script := buf.String()
				wantActs := fmt.Sprintf("ACTIVATIONS = [%q, %q]\n", pyActName(hidden), pyActName(act))
				if !strings.Contains(script, wantActs) {
					t.Errorf("script lacks %q", wantActs)
				}
				layers := pyList(t, script, "LAYERS = ", "\n]\n")
				var got [][2]json.RawMessage
				if err := json.Unmarshal([]byte(pyTuplesToJSON(layers)), &got); err != nil {
					t.Fatalf("LAYERS is not a list of pairs: %v", err)
				}
				for l, L := range net.Layers {
					var w [][]float64
					var b []float64
					if err := json.Unmarshal(got[l][0], &w); err != nil {
						t.Fatal(err)
					}
					if err := json.Unmarshal(got[l][1], &b); err != nil {
						t.Fatal(err)
					}
					if !sameBits(flatten(w), L.W) || !sameBits(b, L.B) {
						t.Errorf("layer %d: embedded weights differ from the network's", l)
					}
				}
				var expected [][]float64
				if err := json.Unmarshal([]byte(pyTuplesToJSON(pyList(t, script, "EXPECTED = ", "\n]\n"))), &expected); err != nil {
					t.Fatal(err)
				}
				if len(expected) != len(probes) {
					t.Fatalf("EXPECTED has %d rows, want %d", len(expected), len(probes))
				}
				for i, x := range probes {
					if y := net.Predict(x); !sameBits(expected[i], y) {
						t.Errorf("EXPECTED[%d] = %v, engine says %v", i, expected[i], y)
					}
				}
			})
		}
	}
}

// pyList cuts the Python literal that starts after prefix and ends with end.
func pyList(t *testing.T, script, prefix, end string) string {
	t.Helper()
	i := strings.Index(script, prefix)
	if i < 0 {
		t.Fatalf("script lacks %q", prefix)
	}
	s := script[i+len(prefix):]
	j := strings.Index(s, end)
	if j < 0 {
		t.Fatalf("%s has no end", prefix)
	}
	return s[:j+2]
}

// pyTuplesToJSON turns the LAYERS literal into JSON: tuples to lists and no
// trailing commas.
func pyTuplesToJSON(s string) string {
	s = strings.NewReplacer("(", "[", ")", "]").Replace(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == ',' {
			j := i + 1
			for j < len(s) && (s[j] == ' ' || s[j] == '\n') {
				j++
			}
			if j < len(s) && s[j] == ']' {
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func flatten(rows [][]float64) []float64 {
	var out []float64
	for _, r := range rows {
		out = append(out, r...)
	}
	return out
}

// within says whether a and b agree within ExportTolerance.
func within(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= ExportTolerance*math.Max(1, math.Abs(b[i]))) {
			return false
		}
	}
	return true
}

func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestExportErrors(t *testing.T) {
	good := func() *Network { return randNet([]int{2, 3, 1}, []Activation{Tanh, Sigmoid}, Quadratic, 1) }
	probe := [][]float64{{0.5, -0.5}}
	tests := []struct {
		name   string
		net    func() *Network
		format string
		probes [][]float64
		want   string
	}{
		{"format", good, "keras", probe, `unknown format (want "pytorch" or "numpy"): "keras"`},
		{"nil net", func() *Network { return nil }, "numpy", probe, "nil network"},
		{"no layers", func() *Network { return &Network{Sizes: []int{2}} }, "numpy", probe, "1 sizes need 1 layers, got 0"},
		{"layer count", func() *Network { n := good(); n.Layers = n.Layers[:1]; return n }, "numpy", probe, "3 sizes need 2 layers, got 1"},
		{"zero size", func() *Network { n := good(); n.Sizes[1] = 0; return n }, "numpy", probe, "sizes[1]: 0, want ≥ 1"},
		{"nil layer", func() *Network { n := good(); n.Layers[1] = nil; return n }, "numpy", probe, "layers[1]: nil"},
		{"shape", func() *Network { n := good(); n.Layers[1].In = 4; return n }, "numpy", probe, "layers[1]: shape 4→1, sizes say 3→1"},
		{"short W", func() *Network { n := good(); n.Layers[0].W = n.Layers[0].W[:5]; return n }, "numpy", probe, "layers[0].W: expected 6 values (3×2), got 5"},
		{"short B", func() *Network { n := good(); n.Layers[1].B = nil; return n }, "numpy", probe, "layers[1].B: expected 1 values, got 0"},
		{"activation", func() *Network { n := good(); n.Layers[0].Act = 99; return n }, "numpy", probe, "layers[0]: unknown activation 99"},
		{"cost", func() *Network { n := good(); n.Cost = 9; return n }, "numpy", probe, "unknown cost 9"},
		{"NaN weight", func() *Network { n := good(); n.Layers[0].W[3] = math.NaN(); return n }, "pytorch", probe, "layers[0].W[3] (neuron 1, input 1): NaN"},
		{"Inf bias", func() *Network { n := good(); n.Layers[1].B[0] = math.Inf(-1); return n }, "pytorch", probe, "layers[1].B[0]: -Inf"},
		{"no probes", good, "numpy", nil, "no probe inputs"},
		{"probe length", good, "numpy", [][]float64{{1, 2}, {1}}, "probes[1]: expected 2 inputs, got 1"},
		{"probe NaN", good, "numpy", [][]float64{{1, math.NaN()}}, "probes[0]: input 1 is NaN"},
		{"probe overflow", func() *Network {
			return &Network{Sizes: []int{2, 1}, Layers: []*Layer{{In: 2, Out: 1, Act: Linear, W: []float64{1, 1}, B: []float64{0}}}}
		}, "numpy", [][]float64{{math.MaxFloat64, math.MaxFloat64}}, "probes[0]: output 0 is"},
		{"step threshold", func() *Network {
			return &Network{Sizes: []int{2, 1}, Layers: []*Layer{{In: 2, Out: 1, Act: Step, W: []float64{1, -1}, B: []float64{0}}}}
		}, "numpy", [][]float64{{0.1, 0.1}}, "probes[0]: step unit layers[0] neuron 0 is at its threshold"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := Export(&buf, tc.net(), tc.format, tc.probes)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "network: export: ") {
				t.Errorf("err %q lacks the package prefix", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
	if err := Export(new(bytes.Buffer), good(), "onnx", probe); !errors.Is(err, ErrExportFormat) {
		t.Errorf("err = %v, want ErrExportFormat", err)
	}
}

// A step unit whose z is exactly 0 from all-zero terms is not ambiguous: every
// summation order gives 0, so the perceptron's classic zero start exports.
func TestExportStepZeroStart(t *testing.T) {
	net := &Network{Sizes: []int{2, 1}, Layers: []*Layer{{In: 2, Out: 1, Act: Step, W: []float64{0, 0}, B: []float64{0}}}}
	if err := Export(new(bytes.Buffer), net, FormatNumPy, [][]float64{{1, 1}}); err != nil {
		t.Fatal(err)
	}
}

func TestExportProbes(t *testing.T) {
	// The weights put z = x0 − x1 at the step unit: ExportProbes must avoid
	// the diagonal, which it can always do.
	net := &Network{Sizes: []int{2, 1}, Layers: []*Layer{{In: 2, Out: 1, Act: Step, W: []float64{1, -1}, B: []float64{0}}}}
	a, err := ExportProbes(net, 20, rand.New(rand.NewPCG(3, 4)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ExportProbes(net, 20, rand.New(rand.NewPCG(3, 4)))
	if len(a) != 20 {
		t.Fatalf("got %d probes, want 20", len(a))
	}
	for i, x := range a {
		if !sameBits(x, b[i]) {
			t.Fatalf("probe %d differs between runs with the same seed", i)
		}
		for _, v := range x {
			if v < -1 || v >= 1 {
				t.Errorf("probe %d: %v outside [-1, 1)", i, x)
			}
		}
		if _, _, amb := stepAmbiguous(net, x); amb {
			t.Errorf("probe %d: %v is at the step threshold", i, x)
		}
	}
	// A unit whose terms are all 0 is not ambiguous; one whose non-zero terms
	// cancel for every input is, and no probe can be found.
	stuck := &Network{Sizes: []int{1, 1, 1}, Layers: []*Layer{
		{In: 1, Out: 1, Act: Step, W: []float64{0}, B: []float64{-1}}, // always 0
		{In: 1, Out: 1, Act: Step, W: []float64{1}, B: []float64{0}},  // z = 0·1 + 0
	}}
	if _, err := ExportProbes(stuck, 2, rand.New(rand.NewPCG(1, 1))); err != nil {
		t.Errorf("all-zero terms are not ambiguous, got %v", err)
	}
	cancel := &Network{Sizes: []int{1, 1, 1}, Layers: []*Layer{
		{In: 1, Out: 1, Act: Step, W: []float64{0}, B: []float64{1}},  // always 1
		{In: 1, Out: 1, Act: Step, W: []float64{1}, B: []float64{-1}}, // z = 1 − 1
	}}
	if _, err := ExportProbes(cancel, 2, rand.New(rand.NewPCG(1, 1))); err == nil || !strings.Contains(err.Error(), "found only 0 of 2 probes") {
		t.Errorf("err = %v, want found only 0 of 2", err)
	}
	if _, err := ExportProbes(net, 0, rand.New(rand.NewPCG(1, 1))); err == nil {
		t.Error("0 probes accepted")
	}
}

func TestPyFloat(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0, "0.0"},
		{math.Copysign(0, -1), "-0.0"},
		{5, "5.0"},
		{-3, "-3.0"},
		{0.1, "0.1"},
		{1e21, "1e+21"},
		{1e-7, "1e-07"},
		{math.SmallestNonzeroFloat64, "5e-324"},
		{math.MaxFloat64, "1.7976931348623157e+308"},
		{1.0 / 3, "0.3333333333333333"},
		{123456789, "1.23456789e+08"},
	}
	for _, tc := range tests {
		if got := pyFloat(tc.v); got != tc.want {
			t.Errorf("pyFloat(%v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}

// FuzzPyFloat: every finite float64 prints as a float literal that parses
// back to the same bits.
func FuzzPyFloat(f *testing.F) {
	for _, v := range []float64{0, -1, 0.1, 1e300, 5e-324, 123456789} {
		f.Add(math.Float64bits(v))
	}
	f.Fuzz(func(t *testing.T, bits uint64) {
		v := math.Float64frombits(bits)
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return
		}
		s := pyFloat(v)
		if !strings.ContainsAny(s, ".e") {
			t.Fatalf("%q is not a Python float literal", s)
		}
		back, err := strconv.ParseFloat(s, 64)
		if err != nil || math.Float64bits(back) != bits {
			t.Fatalf("pyFloat(%v) = %q reads back as %v (%v)", v, s, back, err)
		}
	})
}

// python returns /usr/bin/python3 if it can import every module, or skips
// the test (fails it under CI=true, where the modules must be installed).
func python(t *testing.T, modules ...string) string {
	t.Helper()
	const py = "/usr/bin/python3"
	for _, m := range modules {
		if out, err := exec.Command(py, "-c", "import "+m).CombinedOutput(); err != nil {
			msg := fmt.Sprintf("%s -c 'import %s': %v %s (apt-get install python3-numpy python3-torch)", py, m, err, bytes.TrimSpace(out))
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
	}
	return py
}

// runPy runs python with args and stdin, and returns its stdout.
func runPy(t *testing.T, py string, stdin []byte, args ...string) ([]byte, error) {
	t.Helper()
	cmd := exec.Command(py, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("python3 %s: %v\nstderr: %s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.Bytes(), err
}

// trainedNet trains a [2,4,3,1] sigmoid network with the engine on random
// data for a few epochs, and returns it with its training data.
func trainedNet(t *testing.T) (*Network, Set) {
	t.Helper()
	rng := rand.New(rand.NewPCG(11, 12))
	var data Set
	for range 40 {
		x := []float64{2*rng.Float64() - 1, 2*rng.Float64() - 1}
		y := 0.0
		if x[0]*x[1] > 0 {
			y = 1
		}
		data.X = append(data.X, x)
		data.Y = append(data.Y, []float64{y})
	}
	net, err := New(Spec{Sizes: []int{2, 4, 3, 1}, Acts: []Activation{Sigmoid, Sigmoid, Sigmoid}, Cost: Quadratic, Init: InitXavier}, rand.New(rand.NewPCG(5, 6)))
	if err != nil {
		t.Fatal(err)
	}
	h := DefaultHyper()
	h.Eta, h.Batch = 2, 8
	s, err := NewStepper(net, h, data, Set{})
	if err != nil {
		t.Fatal(err)
	}
	before := net.Evaluate(data).Loss
	if n, err := s.Run(40 * 20); err != nil || n != 40*20 {
		t.Fatalf("Run: %d samples, %v", n, err)
	}
	if after := s.Net().Evaluate(data).Loss; !(after < before) {
		t.Fatalf("training didn't lower the loss: %v → %v", before, after)
	}
	return s.Net().Clone(), data
}

// TestExportScriptsRun exports networks in both formats, runs the scripts'
// self-check, and feeds them fresh inputs on stdin: every prediction must
// match the Go engine's within ExportTolerance. It needs /usr/bin/python3
// with numpy and torch (apt-get install python3-numpy python3-torch).
func TestExportScriptsRun(t *testing.T) {
	t.Parallel()
	py := python(t, "numpy", "torch")
	trained, _ := trainedNet(t)
	nets := []struct {
		name string
		net  *Network
	}{
		{"trained", trained},
		// Every activation in one chain, softmax on top.
		{"all-activations", randNet([]int{3, 6, 6, 6, 6, 6, 6, 4},
			[]Activation{Linear, Sigmoid, Tanh, ReLU, LeakyReLU, Step, Softmax}, CrossEntropy, 21)},
		{"perceptron", randNet([]int{3, 1}, []Activation{Step}, Quadratic, 22)},
		{"wide", randNet([]int{64, 30, 10}, []Activation{Sigmoid, Sigmoid}, Quadratic, 23)},
		// Every input feature of a point (x1, x2): the scripts compute them.
		{"features", withFeatures(randNet([]int{7, 5, 2}, []Activation{Tanh, Softmax}, CrossEntropy, 24),
			Features{FeatX1, FeatX2, FeatX1Sq, FeatX2Sq, FeatX1X2, FeatSinX1, FeatSinX2})},
		{"features-ce", withFeatures(randNet([]int{2, 1}, []Activation{Sigmoid}, CrossEntropy, 25), Features{FeatX1Sq, FeatX2Sq})},
	}
	rng := rand.New(rand.NewPCG(31, 32))
	dir := t.TempDir()
	for _, n := range nets {
		probes, err := ExportProbes(n.net, 4, rng)
		if err != nil {
			t.Fatal(err)
		}
		inputs, err := ExportProbes(n.net, 25, rng)
		if err != nil {
			t.Fatal(err)
		}
		in, _ := json.Marshal(inputs)
		for _, format := range []string{FormatPyTorch, FormatNumPy} {
			t.Run(n.name+"/"+format, func(t *testing.T) {
				t.Parallel() // each runs python twice, mostly importing torch
				var buf bytes.Buffer
				if err := Export(&buf, n.net, format, probes); err != nil {
					t.Fatal(err)
				}
				script := filepath.Join(dir, n.name+"_"+format+".py")
				if err := os.WriteFile(script, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				out, err := runPy(t, py, nil, script)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(string(out), "OK: 4 probes match the Go engine within 1e-09") {
					t.Errorf("self-check printed %q", out)
				}
				out, err = runPy(t, py, in, script, "--predict")
				if err != nil {
					t.Fatal(err)
				}
				var got [][]float64
				if err := json.Unmarshal(out, &got); err != nil {
					t.Fatalf("--predict printed %q: %v", out, err)
				}
				if len(got) != len(inputs) {
					t.Fatalf("--predict gave %d outputs for %d inputs", len(got), len(inputs))
				}
				worst := 0.0
				for i, x := range inputs {
					want := n.net.Predict(n.net.Input(x))
					if len(got[i]) != len(want) {
						t.Fatalf("input %d: %d outputs, want %d", i, len(got[i]), len(want))
					}
					for j := range want {
						d := math.Abs(got[i][j]-want[j]) / math.Max(1, math.Abs(want[j]))
						worst = math.Max(worst, d)
						if !(d <= ExportTolerance) {
							t.Errorf("input %d output %d: python %v, Go %v", i, j, got[i][j], want[j])
						}
					}
				}
				t.Logf("worst relative difference over %d inputs: %.3g", len(inputs), worst)
			})
		}
	}
}

func withFeatures(n *Network, fs Features) *Network {
	n.Features = fs
	return n
}

// TestExportScriptFails makes sure the self-check can fail: with a negative
// tolerance nothing matches, and the script must say so and exit 1. Bad
// --predict input exits 2.
func TestExportScriptFails(t *testing.T) {
	t.Parallel()
	py := python(t, "numpy")
	net := mazurNet()
	var buf bytes.Buffer
	if err := Export(&buf, net, FormatNumPy, [][]float64{{.05, .10}}); err != nil {
		t.Fatal(err)
	}
	script := strings.Replace(buf.String(), "TOLERANCE = 1e-09", "TOLERANCE = -1.0", 1)
	path := filepath.Join(t.TempDir(), "model.py")
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(py, path)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(string(out), "FAIL: 2 outputs differ") {
		t.Errorf("tampered self-check: err %v, output %q; want exit 1 and FAIL", err, out)
	}
	cmd = exec.Command(py, "-c", "import sys, json; sys.path.insert(0, sys.argv[1]); import model; print(json.dumps(model.predict([0.05, 0.1]).tolist()))", filepath.Dir(path))
	out, err = cmd.Output()
	var single []float64
	if err != nil || json.Unmarshal(out, &single) != nil || !within(single, net.Predict([]float64{.05, .10})) {
		t.Errorf("numpy predict(one vector): %v: %s", err, out)
	}
	for _, stdin := range []string{"nope", `{"x": 1}`, `[[1]]`, `[[1, "a"]]`, `[[1, true]]`, `[[1, NaN]]`} {
		cmd := exec.Command(py, path, "--predict")
		cmd.Stdin = strings.NewReader(stdin)
		out, err := cmd.CombinedOutput()
		if !errors.As(err, &exit) || exit.ExitCode() != 2 || !strings.Contains(string(out), "--predict: stdin") {
			t.Errorf("--predict on %q: err %v, output %q; want exit 2 naming stdin", stdin, err, out)
		}
	}
}

// TestExportTrainMatchesEngine runs the PyTorch script's train() for one
// full-batch epoch and compares the weights with one engine SGD update on the
// same data: loss_fn and the SGD step must be backprop's, for both costs.
func TestExportTrainMatchesEngine(t *testing.T) {
	t.Parallel()
	py := python(t, "torch")
	trained, data := trainedNet(t)
	ce := randNet([]int{2, 5, 3}, []Activation{Tanh, Softmax}, CrossEntropy, 41)
	ceData := Set{}
	for i, x := range data.X {
		ceData.X = append(ceData.X, x)
		y := make([]float64, 3)
		y[i%3] = 1
		ceData.Y = append(ceData.Y, y)
	}
	bce := randNet([]int{2, 3, 1}, []Activation{ReLU, Sigmoid}, CrossEntropy, 42)
	for _, tc := range []struct {
		name string
		net  *Network
		data Set
	}{
		{"quadratic", trained, data},
		{"softmax-cross-entropy", ce, ceData},
		{"sigmoid-cross-entropy", bce, data},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := Export(&buf, tc.net, FormatPyTorch, tc.data.X[:2]); err != nil {
				t.Fatal(err)
			}
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "model.py"), buf.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
			const eta = 0.5
			h := DefaultHyper()
			h.Eta, h.Batch = eta, len(tc.data.X)
			h.Opt, h.L1, h.L2 = SGD, 0, 0 // plain SGD is what train() does
			s, err := NewStepper(tc.net.Clone(), h, tc.data, Set{})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Step(ByBatch); err != nil {
				t.Fatal(err)
			}
			in, _ := json.Marshal(map[string]any{"x": tc.data.X, "y": tc.data.Y, "lr": eta})
			out, err := runPy(t, py, in, "-c", `
import json, sys
sys.path.insert(0, sys.argv[1])
import torch, model as m
d = json.load(sys.stdin)
X = torch.tensor(d["x"], dtype=torch.float64)
Y = torch.tensor(d["y"], dtype=torch.float64)
single = m.predict(d["x"][0]).tolist()  # one vector, before training
losses = m.train(m.model, X, Y, epochs=1, lr=d["lr"], batch_size=len(X))
lin = [l for l in m.model if isinstance(l, torch.nn.Linear)]
print(json.dumps({"losses": losses, "single": single,
                  "w": [l.weight.detach().flatten().tolist() for l in lin],
                  "b": [l.bias.detach().tolist() for l in lin]}))
`, dir)
			if err != nil {
				t.Fatal(err)
			}
			var got struct {
				Losses, Single []float64
				W, B           [][]float64
			}
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("python printed %q: %v", out, err)
			}
			if want := tc.net.Predict(tc.data.X[0]); !within(got.Single, want) {
				t.Errorf("predict(one vector) = %v, engine %v", got.Single, want)
			}
			if len(got.Losses) != 1 || !(got.Losses[0] > 0) {
				t.Errorf("losses %v, want one positive value", got.Losses)
			}
			want := s.Net()
			if len(got.W) != len(want.Layers) || len(got.B) != len(want.Layers) {
				t.Fatalf("python returned %d weight and %d bias layers, want %d", len(got.W), len(got.B), len(want.Layers))
			}
			worst := 0.0
			for l, L := range want.Layers {
				if len(got.W[l]) != len(L.W) || len(got.B[l]) != len(L.B) {
					t.Fatalf("layer %d: python shapes %d, %d; want %d, %d", l, len(got.W[l]), len(got.B[l]), len(L.W), len(L.B))
				}
				for i := range L.W {
					d := math.Abs(got.W[l][i] - L.W[i])
					worst = math.Max(worst, d)
					if !(d <= ExportTolerance) {
						t.Errorf("layers[%d].W[%d]: torch %v, engine %v", l, i, got.W[l][i], L.W[i])
					}
				}
				for j := range L.B {
					d := math.Abs(got.B[l][j] - L.B[j])
					worst = math.Max(worst, d)
					if !(d <= ExportTolerance) {
						t.Errorf("layers[%d].B[%d]: torch %v, engine %v", l, j, got.B[l][j], L.B[j])
					}
				}
			}
			t.Logf("worst weight difference after one SGD step: %.3g", worst)
			// The update must have moved something, or the test proves nothing.
			if sameBits(want.Layers[0].W, tc.net.Layers[0].W) {
				t.Error("the engine's step left the weights unchanged")
			}
		})
	}
}

// ExampleExport writes the numpy script for Mazur's 2-2-2 network.
func ExampleExport() {
	net := &Network{
		Sizes: []int{2, 2, 2},
		Layers: []*Layer{
			{In: 2, Out: 2, Act: Sigmoid, W: []float64{.15, .20, .25, .30}, B: []float64{.35, .35}},
			{In: 2, Out: 2, Act: Sigmoid, W: []float64{.40, .45, .50, .55}, B: []float64{.60, .60}},
		},
	}
	var buf bytes.Buffer
	if err := Export(&buf, net, "numpy", [][]float64{{.05, .10}}); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(line, "SIZES") || strings.HasPrefix(line, "ACTIVATIONS") || strings.HasPrefix(line, "def predict(") {
			fmt.Println(line)
		}
	}
	// Output:
	// SIZES = [2, 2, 2]
	// ACTIVATIONS = ["sigmoid", "sigmoid"]
	// def predict(x):
}

// BenchmarkExportMNISTShape writes the PyTorch script of a [784,30,10]
// network with 5 probes; it reports the script's size.
func BenchmarkExportMNISTShape(b *testing.B) {
	net := randNet([]int{784, 30, 10}, []Activation{Sigmoid, Sigmoid}, Quadratic, 1)
	probes, err := ExportProbes(net, 5, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := Export(&buf, net, FormatPyTorch, probes); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "script-bytes")
}
