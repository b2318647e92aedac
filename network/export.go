package network

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"unicode"
)

// Export formats.
const (
	FormatPyTorch = "pytorch" // torch.nn.Sequential in float64
	FormatNumPy   = "numpy"   // plain numpy
)

// ExportTolerance is how closely an exported script's predictions must match
// the Go engine's: |got − want| ≤ ExportTolerance·max(1, |want|).
const ExportTolerance = 1e-9

// stepMargin: a probe whose weighted input z at a step unit lies within
// stepMargin·(Σ_k |w_jk a_k| + |b_j|) of 0 could land on either side of the
// threshold under another summation order, so it is refused as a probe.
const stepMargin = 1e-10

// ErrExportFormat is returned by Export for a format other than "pytorch" or
// "numpy".
var ErrExportFormat = errors.New(`network: export: unknown format (want "pytorch" or "numpy")`)

// Export writes a self-contained Python 3 script that rebuilds net in the
// given format ("pytorch": torch.nn.Sequential of nn.Linear and activation
// modules in float64; "numpy": plain numpy) with the exact weights, defines
// predict(x), and, run as a program, checks predict on the probe inputs
// against the outputs the Go engine computed for them (embedded in the
// script) within ExportTolerance, printing OK or exiting 1. Run with
// --predict, the script reads a JSON list of inputs on stdin and prints a JSON
// list of outputs. Every float is written with strconv.FormatFloat(v, 'g',
// -1, 64), so Python reads back the same float64.
//
// Export refuses (with an error naming the field) a malformed network, a
// non-finite weight, a probe of the wrong length, and a probe that puts a step
// unit so close to its threshold that rounding could flip it (see
// ExportProbes).
func Export(w io.Writer, net *Network, format string, probes [][]float64) error {
	return ExportWith(w, net, format, probes, ExportOptions{})
}

// ExportOptions add provenance to the comments of an exported script. Control
// characters and invalid UTF-8 are replaced by '?', so any text is safe.
type ExportOptions struct {
	Source string // where the network came from, e.g. "model file digits.json"
	Probes string // where the probes came from, e.g. "random inputs in [-1, 1), seed 1"
}

// ExportWith is Export with provenance comments.
func ExportWith(w io.Writer, net *Network, format string, probes [][]float64, opts ExportOptions) error {
	if format != FormatPyTorch && format != FormatNumPy {
		return fmt.Errorf("%w: %q", ErrExportFormat, format)
	}
	if err := checkExportNet(net); err != nil {
		return err
	}
	if len(probes) == 0 {
		return errors.New("network: export: no probe inputs (the script needs at least one to check itself)")
	}
	if net.IsRecurrent() { // export_rnn.go
		for i, x := range probes {
			if err := checkSeqProbe(net, x); err != nil {
				return fmt.Errorf("network: export: probes[%d]: %w", i, err)
			}
		}
		expected, err := seqExpected(net, probes)
		if err != nil {
			return err
		}
		var b strings.Builder
		writeSeqScript(&b, net, format, probes, expected, opts)
		_, err = io.WriteString(w, b.String())
		return err
	}
	expected := make([][]float64, len(probes))
	for i, x := range probes {
		if err := checkProbe(net, x); err != nil {
			return fmt.Errorf("network: export: probes[%d]: %w", i, err)
		}
		y := net.Predict(net.Input(x))
		if len(y) != net.Sizes[len(net.Sizes)-1] {
			return fmt.Errorf("network: export: probes[%d]: engine returned %d outputs, want %d", i, len(y), net.Sizes[len(net.Sizes)-1])
		}
		for j, v := range y {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("network: export: probes[%d]: output %d is %v", i, j, v)
			}
		}
		expected[i] = append([]float64(nil), y...)
	}
	var b strings.Builder
	writeScript(&b, net, format, probes, expected, opts)
	_, err := io.WriteString(w, b.String())
	return err
}

// ExportProbes draws n probe inputs for Export, uniform in [−1, 1) from rng,
// skipping any that put a step unit at its threshold. It fails only when it
// cannot find n such inputs in 100·n draws.
func ExportProbes(net *Network, n int, rng *rand.Rand) ([][]float64, error) {
	if err := checkExportNet(net); err != nil {
		return nil, err
	}
	if n < 1 {
		return nil, fmt.Errorf("network: export: need at least 1 probe, got %d", n)
	}
	if net.IsRecurrent() {
		return seqProbes(net, n, rng), nil
	}
	probes := make([][]float64, 0, n)
	for tries := 0; len(probes) < n && tries < 100*n; tries++ {
		x := make([]float64, net.Inputs())
		for k := range x {
			x[k] = 2*rng.Float64() - 1
		}
		if _, _, ok := stepAmbiguous(net, net.Input(x)); !ok {
			probes = append(probes, x)
		}
	}
	if len(probes) < n {
		return nil, fmt.Errorf("network: export: found only %d of %d probes clear of the step thresholds", len(probes), n)
	}
	return probes, nil
}

// ExportProbeOK says whether Export accepts x as a probe for net: the right
// length, finite, and no step unit at its threshold. The error says why not.
func ExportProbeOK(net *Network, x []float64) error {
	if err := checkExportNet(net); err != nil {
		return err
	}
	if net.IsRecurrent() {
		return checkSeqProbe(net, x)
	}
	return checkProbe(net, x)
}

func checkProbe(net *Network, x []float64) error {
	if len(x) != net.Inputs() {
		return fmt.Errorf("expected %d inputs, got %d", net.Inputs(), len(x))
	}
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("input %d is %v", k, v)
		}
	}
	if l, j, ok := stepAmbiguous(net, net.Input(x)); ok {
		return fmt.Errorf("step unit layers[%d] neuron %d is at its threshold (z ≈ 0), so rounding decides its output", l, j)
	}
	return nil
}

// checkExportNet validates the exported fields: shapes chained between
// layers, known activations and finite weights.
func checkExportNet(net *Network) error {
	if net == nil {
		return errors.New("network: export: nil network")
	}
	if len(net.Sizes) < 2 || len(net.Layers) != len(net.Sizes)-1 {
		return fmt.Errorf("network: export: %d sizes need %d layers, got %d", len(net.Sizes), max(len(net.Sizes)-1, 1), len(net.Layers))
	}
	for i, s := range net.Sizes {
		if s < 1 {
			return fmt.Errorf("network: export: sizes[%d]: %d, want ≥ 1", i, s)
		}
	}
	if net.Cost > CrossEntropy {
		return fmt.Errorf("network: export: unknown cost %d", net.Cost)
	}
	if err := checkFeatures(net.Features, net.Sizes[0]); err != nil {
		return fmt.Errorf("network: export: features: %w", err)
	}
	for l, L := range net.Layers {
		switch {
		case L == nil:
			return fmt.Errorf("network: export: layers[%d]: nil", l)
		case L.In != net.Sizes[l] || L.Out != net.Sizes[l+1]:
			return fmt.Errorf("network: export: layers[%d]: shape %d→%d, sizes say %d→%d", l, L.In, L.Out, net.Sizes[l], net.Sizes[l+1])
		case len(L.W) != L.In*L.Out:
			return fmt.Errorf("network: export: layers[%d].W: expected %d values (%d×%d), got %d", l, L.In*L.Out, L.Out, L.In, len(L.W))
		case len(L.B) != L.Out:
			return fmt.Errorf("network: export: layers[%d].B: expected %d values, got %d", l, L.Out, len(L.B))
		case pyActName(L.Act) == "":
			return fmt.Errorf("network: export: layers[%d]: unknown activation %d", l, L.Act)
		}
		for i, v := range L.W {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("network: export: layers[%d].W[%d] (neuron %d, input %d): %v", l, i, i/L.In, i%L.In, v)
			}
		}
		for j, v := range L.B {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("network: export: layers[%d].B[%d]: %v", l, j, v)
			}
		}
	}
	return checkExportRecurrent(net)
}

// stepAmbiguous runs a plain forward pass and reports the first step unit
// whose z is within rounding distance of its threshold: 0 < |z| ≤
// stepMargin·(Σ_k |w_jk a_k| + |b_j|), or z = 0 when that sum is not 0.
func stepAmbiguous(net *Network, x []float64) (layer, neuron int, ok bool) {
	a := x
	for l, L := range net.Layers {
		z := make([]float64, L.Out)
		for j := range z {
			s, mag := L.B[j], math.Abs(L.B[j])
			for k, ak := range a {
				p := L.W[j*L.In+k] * ak
				s += p
				mag += math.Abs(p)
			}
			z[j] = s
			if L.Act == Step && mag > 0 && math.Abs(s) <= stepMargin*mag {
				return l, j, true
			}
		}
		a = refActivate(L.Act, z)
	}
	return 0, 0, false
}

// refActivate is a plain a = σ(z), used only to find step margins.
func refActivate(act Activation, z []float64) []float64 {
	a := make([]float64, len(z))
	switch act {
	case Softmax:
		m := math.Inf(-1)
		for _, v := range z {
			m = math.Max(m, v)
		}
		var sum float64
		for j, v := range z {
			a[j] = math.Exp(v - m)
			sum += a[j]
		}
		for j := range a {
			a[j] /= sum
		}
		return a
	}
	for j, v := range z {
		switch act {
		case Step:
			if v > 0 {
				a[j] = 1
			}
		case Linear:
			a[j] = v
		case Sigmoid:
			a[j] = 1 / (1 + math.Exp(-v))
		case Tanh:
			a[j] = math.Tanh(v)
		case ReLU:
			a[j] = math.Max(v, 0)
		case LeakyReLU:
			if v > 0 {
				a[j] = v
			} else {
				a[j] = 0.01 * v
			}
		}
	}
	return a
}

// pyActName is an activation's name in exported scripts (the same names as
// model files use), or "" for an unknown value.
func pyActName(a Activation) string {
	switch a {
	case Step:
		return "step"
	case Linear:
		return "linear"
	case Sigmoid:
		return "sigmoid"
	case Tanh:
		return "tanh"
	case ReLU:
		return "relu"
	case LeakyReLU:
		return "leaky-relu"
	case Softmax:
		return "softmax"
	}
	return ""
}

// commentLine is "# "+label+text+".\n" with text made safe for a Python
// comment, or "" when text is empty.
func commentLine(label, text string) string {
	if text == "" {
		return ""
	}
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return '?'
		}
		return r
	}, strings.ToValidUTF8(text, "?"))
	return "# " + label + strings.TrimSuffix(text, ".") + ".\n"
}

// pyFloat formats v so that Python reads back the same float64: the shortest
// round-trip digits, always with a '.' or exponent so that it is a float
// literal (−0 stays −0.0).
func pyFloat(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".e") {
		s += ".0"
	}
	return s
}

// writeFloats writes vs as a Python list, wrapped at about 100 columns with
// continuation lines indented by indent+4 spaces.
func writeFloats(b *strings.Builder, indent string, vs []float64) {
	b.WriteByte('[')
	col := len(indent) + 1
	for i, v := range vs {
		s := pyFloat(v)
		if i > 0 {
			if col+2+len(s) > 100 {
				b.WriteString(",\n")
				b.WriteString(indent)
				b.WriteString("    ")
				col = len(indent) + 4
			} else {
				b.WriteString(", ")
				col += 2
			}
		}
		b.WriteString(s)
		col += len(s)
	}
	b.WriteByte(']')
}

// writeMatrix writes rows as a Python list of lists, one row per line.
func writeMatrix(b *strings.Builder, indent string, rows [][]float64) {
	b.WriteString("[\n")
	for _, r := range rows {
		b.WriteString(indent + "    ")
		writeFloats(b, indent+"    ", r)
		b.WriteString(",\n")
	}
	b.WriteString(indent + "]")
}

func (L *Layer) rows() [][]float64 {
	rows := make([][]float64, L.Out)
	for j := range rows {
		rows[j] = L.W[j*L.In : (j+1)*L.In]
	}
	return rows
}

func costName(c Cost) string {
	if c == CrossEntropy {
		return "cross-entropy"
	}
	return "quadratic"
}

// describe says in one line what net is, e.g. "[2, 4, 1] (tanh, sigmoid;
// cost quadratic; 17 parameters)".
func describe(net *Network) string {
	sizes := make([]string, len(net.Sizes))
	for i, s := range net.Sizes {
		sizes[i] = strconv.Itoa(s)
	}
	acts := make([]string, len(net.Layers))
	params := 0
	for l, L := range net.Layers {
		acts[l] = pyActName(L.Act)
		params += len(L.W) + len(L.B) + len(L.WH)
		if L.WH != nil {
			acts[l] = "recurrent " + acts[l]
		}
	}
	return fmt.Sprintf("[%s] (%s; cost %s; %d parameters)", strings.Join(sizes, ", "),
		strings.Join(acts, ", "), costName(net.Cost), params)
}

// writeFeatures writes FEATURES and features(x), the first layer's inputs
// computed from points (x1, x2) with the formulas of features.go.
func writeFeatures(b *strings.Builder, fs Features, torch bool) {
	if fs == nil {
		return
	}
	lib, stack := "np", "np.stack([%s], axis=-1)"
	if torch {
		lib, stack = "torch", "torch.stack([%s], dim=-1)"
	}
	names, cols := make([]string, len(fs)), make([]string, len(fs))
	for i, f := range fs {
		names[i] = strconv.Quote(f.String())
		cols[i] = strings.ReplaceAll(pyFeature[f], "LIB", lib)
	}
	fmt.Fprintf(b, `
# The inputs are points (x1, x2); the first layer takes features of them, as
# in TensorFlow Playground: FEATURES[k] is its input k, computed by features().
# predict() applies it; to train the torch model, pass features(X).
FEATURES = [%s]


def features(x):
    """The first layer's inputs for one point (x1, x2) or a batch (n x 2)."""
    x1, x2 = x[..., 0], x[..., 1]
    return %s
`, strings.Join(names, ", "), fmt.Sprintf(stack, strings.Join(cols, ", ")))
}

// ExportNeeds names the Python library a script of format needs and how to
// get it.
func ExportNeeds(format string) [2]string {
	if format == FormatPyTorch {
		return [2]string{"PyTorch", "pip install torch, or on Debian apt-get install python3-torch"}
	}
	return [2]string{"numpy", "pip install numpy, or on Debian apt-get install python3-numpy"}
}

// writeScript writes the whole script; its inputs are already validated.
func writeScript(b *strings.Builder, net *Network, format string, probes, expected [][]float64, opts ExportOptions) {
	torch := format == FormatPyTorch
	lib, returns := "plain numpy", "a numpy array"
	if torch {
		lib, returns = "torch.nn.Sequential of nn.Linear and activation modules in float64", "a float64 tensor"
	}
	fmt.Fprintf(b, `#!/usr/bin/env python3
# A neural network exported from backprop, the Go terminal app for watching
# networks learn, by %s.
#
# The network: %s.
# Rebuilt here as %s,
# with the exact weights: every float is printed with Go's
# strconv.FormatFloat(v, 'g', -1, 64), so Python reads back the same float64.
%s#
# Use:
#   python3 model.py              checks predict() on the embedded PROBES
#                                 against EXPECTED, the outputs the Go engine
#                                 computed; prints OK, or exits 1
#   python3 model.py --predict < inputs.json
#                                 reads a JSON list of input vectors and
#                                 prints a JSON list of output vectors
#   from model import predict     predict(x) takes one input vector or a batch
#                                 (n x %d) and returns %s
# Needs: %s: %s.
`, "`backprop export --format "+format+"`", describe(net), lib, commentLine("From: ", opts.Source), net.Inputs(), returns,
		ExportNeeds(format)[0], ExportNeeds(format)[1])
	if torch {
		b.WriteString(`#
# Onward: train bigger in PyTorch, on many machines.
#   model is an ordinary torch.nn.Module and train() below is the minimal loop:
#   a DataLoader of shuffled mini-batches and torch.optim.SGD, which with
#   loss_fn (backprop's cost, averaged over the batch) is backprop's rule
#   w <- w - (eta/m) * sum of the m per-sample gradients:
#
#       X = torch.tensor(inputs, dtype=torch.float64)    # n x inputs
#       Y = torch.tensor(targets, dtype=torch.float64)   # n x outputs
#       losses = train(model, X, Y, epochs=30, lr=0.5, batch_size=10)
#
#   Bigger: add layers in build(), try torch.optim.Adam, use float32 and a GPU
#   (model.to("cuda"), and the batches too). Many machines: wrap the model in
#   torch.nn.parallel.DistributedDataParallel, give the DataLoader a
#   torch.utils.data.distributed.DistributedSampler, and start one process
#   per GPU with torchrun --nproc_per_node=N (PyTorch's tutorial "Getting
#   Started with Distributed Data Parallel" walks through it). A step unit
#   has no gradient, as in backprop: swap it for nn.Sigmoid to train.
`)
	} else {
		b.WriteString(`#
# Onward: train bigger in PyTorch, on many machines. Export the same model with
# --format pytorch for a torch.nn version with a training loop (DataLoader,
# torch.optim.SGD) and pointers to DistributedDataParallel, or load LAYERS
# below into torch.nn.Linear layers yourself: weights is out x in, exactly
# nn.Linear.weight.
`)
	}
	b.WriteString("\nimport json\nimport math\nimport sys\n\n")
	// a python3 without the library gets one line that says how to get
	// it, not a traceback
	imports, need := "    import numpy as np\n", ExportNeeds(FormatNumPy)
	if torch {
		imports = "    import torch\n    from torch import nn\n    from torch.utils.data import DataLoader, TensorDataset\n"
		need = ExportNeeds(FormatPyTorch)
	}
	fmt.Fprintf(b, "try:\n%sexcept ImportError as e:\n"+
		"    _need = \"this script needs %s, which %%s lacks: %s\" %% sys.executable\n"+
		"    if __name__ == \"__main__\":\n        sys.exit(_need)\n    raise ImportError(_need) from e\n", imports, need[0], need[1])

	b.WriteString("\nSIZES = [")
	for i, s := range net.Sizes {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(s))
	}
	b.WriteString("]\nACTIVATIONS = [")
	for l, L := range net.Layers {
		if l > 0 {
			b.WriteString(", ")
		}
		b.WriteString(`"` + pyActName(L.Act) + `"`)
	}
	fmt.Fprintf(b, "]\nCOST = %q\nINPUTS = %d  # values per input vector\n", costName(net.Cost), net.Inputs())
	writeFeatures(b, net.Features, torch)
	b.WriteString(`
# LAYERS[l] = (weights, biases) of layer l: weights[j][k] is the weight from
# input k to neuron j (out x in, like nn.Linear.weight); biases[j] is neuron j's.
LAYERS = [
`)
	for _, L := range net.Layers {
		b.WriteString("    (\n        ")
		writeMatrix(b, "        ", L.rows())
		b.WriteString(",\n        ")
		writeFloats(b, "        ", L.B)
		b.WriteString(",\n    ),\n")
	}
	b.WriteString("]\n\n# Probe inputs, and the outputs the Go engine computed for them.\n")
	b.WriteString(commentLine("Probes: ", opts.Probes))
	b.WriteString("PROBES = ")
	writeMatrix(b, "", probes)
	b.WriteString("\nEXPECTED = ")
	writeMatrix(b, "", expected)
	fmt.Fprintf(b, "\nTOLERANCE = %s  # |predicted - expected| <= TOLERANCE * max(1, |expected|)\n", pyFloat(ExportTolerance))

	if torch {
		body := pyTorchBody
		if net.Features != nil {
			body = strings.Replace(body, "model(torch.as_tensor(x, dtype=torch.float64))", "model(features(torch.as_tensor(x, dtype=torch.float64)))", 1)
		}
		b.WriteString(body)
		b.WriteString(pyLossTorch(net.Cost))
		b.WriteString(pyTorchTrain)
	} else {
		body := pyNumPyBody
		if net.Features != nil {
			body = strings.Replace(body, "a = np.asarray(x, dtype=np.float64)\n", "a = features(np.asarray(x, dtype=np.float64))\n", 1)
		}
		b.WriteString(body)
	}
	b.WriteString(pyMain)
}

const pyTorchBody = `

class Step(nn.Module):
    """Heaviside step, the perceptron's unit: 1 if z > 0 else 0."""

    def forward(self, z):
        return (z > 0).to(z.dtype)


def activation(name):
    """The torch module for one of backprop's activation names."""
    return {
        "step": Step,
        "linear": nn.Identity,
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky-relu": lambda: nn.LeakyReLU(0.01),
        "softmax": lambda: nn.Softmax(dim=-1),
    }[name]()


def build():
    """Rebuilds the network as nn.Sequential(Linear, activation, ...) in float64."""
    modules = []
    for (weights, biases), act, n_in, n_out in zip(LAYERS, ACTIVATIONS, SIZES, SIZES[1:]):
        linear = nn.Linear(n_in, n_out, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(torch.tensor(weights, dtype=torch.float64))
            linear.bias.copy_(torch.tensor(biases, dtype=torch.float64))
        modules += [linear, activation(act)]
    return nn.Sequential(*modules)


model = build()


def predict(x):
    """The network's output for one input vector or a batch of them."""
    with torch.no_grad():
        return model(torch.as_tensor(x, dtype=torch.float64))

`

// pyLossTorch is loss_fn for a Cost: the mean over the batch of C_x.
func pyLossTorch(c Cost) string {
	if c == CrossEntropy {
		return pyLossCrossEntropy
	}
	return pyLossQuadratic
}

const pyLossQuadratic = `
def loss_fn(output, target):
    """backprop's quadratic cost, C = 1/n sum_x 1/2 ||y - a||^2."""
    return 0.5 * ((output - target) ** 2).sum(dim=-1).mean()

`

const pyLossCrossEntropy = `
def loss_fn(output, target):
    """backprop's cross-entropy cost, averaged over the batch: with a softmax
    output -sum_j y_j ln a_j, otherwise -sum_j [y_j ln a_j + (1 - y_j) ln(1 - a_j)]."""
    if ACTIVATIONS[-1] == "softmax":
        return -(target * torch.log(output)).sum(dim=-1).mean()
    return -(target * torch.log(output) + (1 - target) * torch.log(1 - output)).sum(dim=-1).mean()

`

const pyTorchTrain = `
def train(model, X, Y, epochs=1, lr=0.5, batch_size=10, seed=1):
    """Mini-batch SGD as in backprop: shuffled batches of batch_size, and
    w <- w - lr * grad of the batch's mean cost. Returns each epoch's mean loss."""
    loader = DataLoader(TensorDataset(X, Y), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(seed))
    opt = torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        losses.append(total / len(X))
    return losses

`

const pyNumPyBody = `

def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


FUNCTIONS = {
    "step": lambda z: (z > 0).astype(np.float64),
    "linear": lambda z: z,
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky-relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "softmax": _softmax,
}

PARAMS = [(np.array(w, dtype=np.float64), np.array(b, dtype=np.float64)) for w, b in LAYERS]


def predict(x):
    """The network's output for one input vector or a batch of them."""
    a = np.asarray(x, dtype=np.float64)
    for (w, b), act in zip(PARAMS, ACTIVATIONS):
        a = FUNCTIONS[act](a @ w.T + b)
    return a

`

const pyMain = `
def check():
    """Compares predict(PROBES) with EXPECTED; returns the exit status."""
    got = predict(PROBES).tolist()
    bad = 0
    for i, (g, e) in enumerate(zip(got, EXPECTED)):
        for j, (a, b) in enumerate(zip(g, e)):
            if not abs(a - b) <= TOLERANCE * max(1.0, abs(b)):
                print(f"probe {i} output {j}: got {a!r}, Go engine {b!r}", file=sys.stderr)
                bad += 1
    if bad:
        print(f"FAIL: {bad} outputs differ from the Go engine by more than {TOLERANCE:g}", file=sys.stderr)
        return 1
    print(f"OK: {len(PROBES)} probes match the Go engine within {TOLERANCE:g}")
    return 0


def predict_json(stream):
    """Reads a JSON list of input vectors, prints a JSON list of outputs."""
    try:
        inputs = json.load(stream)
    except ValueError as e:
        print(f"--predict: stdin is not JSON: {e}", file=sys.stderr)
        return 2
    if not isinstance(inputs, list):
        print("--predict: stdin: want a JSON list of input vectors", file=sys.stderr)
        return 2
    for i, x in enumerate(inputs):
        if not isinstance(x, list) or len(x) != INPUTS:
            print(f"--predict: stdin[{i}]: want a list of {INPUTS} numbers", file=sys.stderr)
            return 2
        for k, v in enumerate(x):
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                print(f"--predict: stdin[{i}][{k}]: want a finite number, got {v!r}", file=sys.stderr)
                return 2
    outputs = predict(inputs).tolist() if inputs else []
    print(json.dumps(outputs))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == []:
        sys.exit(check())
    if sys.argv[1:] == ["--predict"]:
        sys.exit(predict_json(sys.stdin))
    print(f"usage: {sys.argv[0]} [--predict < inputs.json]", file=sys.stderr)
    sys.exit(2)
`
