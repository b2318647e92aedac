package network

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// Exporting a network with recurrent layers. A probe is then a sequence:
// T·Sizes[0] values, time-major (as Set.X holds them on a sequence set), and
// its expected output is the output at every step, from ForwardSeq. The
// PyTorch script builds each tanh or ReLU recurrent layer as an nn.RNN with
// the same weights (weight_ih = W, weight_hh = W_h, bias_ih = b, bias_hh =
// 0), any other one as a small loop module, and the dense layers as
// nn.Linear applied at every step; the numpy script runs the loop itself.

// exportSteps is how many time steps ExportProbes draws per sequence.
const exportSteps = 6

// checkSeqProbe checks a recurrent network's probe: whole steps, finite.
func checkSeqProbe(net *Network, x []float64) error {
	in := net.Sizes[0]
	if len(x) == 0 || len(x)%in != 0 {
		return fmt.Errorf("expected a sequence of whole steps of %d inputs, got %d values", in, len(x))
	}
	if len(x)/in > MaxSteps {
		return fmt.Errorf("%d steps, the limit is %d", len(x)/in, MaxSteps)
	}
	for k, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("input %d (step %d) is %v", k, k/in, v)
		}
	}
	return nil
}

// seqProbes draws n random sequences of exportSteps steps in [−1, 1).
func seqProbes(net *Network, n int, rng *rand.Rand) [][]float64 {
	probes := make([][]float64, n)
	for i := range probes {
		x := make([]float64, exportSteps*net.Sizes[0])
		for k := range x {
			x[k] = 2*rng.Float64() - 1
		}
		probes[i] = x
	}
	return probes
}

// seqExpected is the engine's output at every step of each probe, flat.
func seqExpected(net *Network, probes [][]float64) ([][]float64, error) {
	expected := make([][]float64, len(probes))
	for i, x := range probes {
		for t, y := range net.ForwardSeq(x) {
			for j, v := range y {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					return nil, fmt.Errorf("network: export: probes[%d]: step %d output %d is %v", i, t, j, v)
				}
			}
			expected[i] = append(expected[i], y...)
		}
	}
	return expected, nil
}

// checkExportRecurrent checks W_h and the activations a recurrent layer
// may have (step has no place in a sequence model's export).
func checkExportRecurrent(net *Network) error {
	for l, L := range net.Layers {
		if L.WH == nil {
			continue
		}
		if len(L.WH) != L.Out*L.Out {
			return fmt.Errorf("network: export: layers[%d].WH: expected %d values, got %d", l, L.Out*L.Out, len(L.WH))
		}
		if L.Act == Step || L.Act == Softmax {
			return fmt.Errorf("network: export: layers[%d]: a recurrent %s layer", l, L.Act)
		}
		for i, v := range L.WH {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("network: export: layers[%d].WH[%d]: %v", l, i, v)
			}
		}
	}
	if net.Layers[len(net.Layers)-1].WH != nil {
		return errors.New("network: export: the output layer is recurrent")
	}
	return nil
}

// steps splits a flat sequence into rows of n.
func steps(x []float64, n int) [][]float64 {
	rows := make([][]float64, len(x)/n)
	for t := range rows {
		rows[t] = x[t*n : (t+1)*n]
	}
	return rows
}

// writeSeqScript is writeScript for a network with recurrent layers.
func writeSeqScript(b *strings.Builder, net *Network, format string, probes, expected [][]float64, opts ExportOptions) {
	torch := format == FormatPyTorch
	lib := "plain numpy, running the time loop"
	if torch {
		lib = "a torch.nn.Module in float64: nn.RNN for the recurrent layers, nn.Linear at every step after them"
	}
	in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]
	fmt.Fprintf(b, `#!/usr/bin/env python3
# A recurrent neural network exported from backprop, the Go terminal app for
# watching networks learn, by %s.
#
# The network: %s.
# A recurrent layer computes h_t = act(W x_t + W_h h_(t-1) + b), h_(-1) = 0;
# the layers after it run at every time step.
# Rebuilt here as %s,
# with the exact weights: every float is printed with Go's
# strconv.FormatFloat(v, 'g', -1, 64), so Python reads back the same float64.
%s#
# Use:
#   python3 model.py              checks predict() on the embedded PROBES
#                                 (sequences) against EXPECTED, the outputs the
#                                 Go engine computed at every step; prints OK,
#                                 or exits 1
#   python3 model.py --predict < sequences.json
#                                 reads a JSON list of sequences (each a list
#                                 of input vectors of %d) and prints a JSON list
#                                 of the outputs at every step
#   from model import predict     predict(seq) takes one sequence (T x %d) and
#                                 returns the outputs at every step (T x %d)
# Needs: %s: %s.

import json
import math
import sys

`, "`backprop export --format "+format+"`", describe(net), lib, commentLine("From: ", opts.Source), in, in, out,
		ExportNeeds(format)[0], ExportNeeds(format)[1])
	imports, need := "    import numpy as np\n", ExportNeeds(FormatNumPy)
	if torch {
		imports = "    import torch\n    from torch import nn\n"
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
	fmt.Fprintf(b, "]\nCOST = %q\n", costName(net.Cost))
	b.WriteString(`
# LAYERS[l] = (weights, biases, recurrent) of layer l: weights[j][k] from input
# k to neuron j (out x in, like nn.Linear.weight and nn.RNN.weight_ih_l0);
# recurrent[j][k] from neuron k at t-1 to neuron j at t (nn.RNN.weight_hh_l0),
# or None for a dense layer.
LAYERS = [
`)
	for _, L := range net.Layers {
		b.WriteString("    (\n        ")
		writeMatrix(b, "        ", L.rows())
		b.WriteString(",\n        ")
		writeFloats(b, "        ", L.B)
		b.WriteString(",\n        ")
		if L.WH != nil {
			writeMatrix(b, "        ", steps(L.WH, L.Out))
		} else {
			b.WriteString("None")
		}
		b.WriteString(",\n    ),\n")
	}
	b.WriteString("]\n\n# Probe sequences, and the outputs the Go engine computed at every step.\n")
	b.WriteString(commentLine("Probes: ", opts.Probes))
	b.WriteString("PROBES = [\n")
	for _, p := range probes {
		writeMatrix(b, "    ", steps(p, in))
		b.WriteString(",\n")
	}
	b.WriteString("]\nEXPECTED = [\n")
	for _, e := range expected {
		writeMatrix(b, "    ", steps(e, out))
		b.WriteString(",\n")
	}
	fmt.Fprintf(b, "]\nTOLERANCE = %s  # |predicted - expected| <= TOLERANCE * max(1, |expected|)\n", pyFloat(ExportTolerance))
	if torch {
		b.WriteString(pySeqTorchBody)
	} else {
		b.WriteString(pySeqNumPyBody)
	}
	b.WriteString(pySeqMain)
}

const pySeqTorchBody = `

class Loop(nn.Module):
    """A recurrent layer whose activation nn.RNN lacks (sigmoid, linear,
    leaky-relu): the same h_t = act(W x_t + W_h h_(t-1) + b), as a loop."""

    def __init__(self, n_in, n_out, act):
        super().__init__()
        self.ih = nn.Linear(n_in, n_out, dtype=torch.float64)
        self.hh = nn.Linear(n_out, n_out, bias=False, dtype=torch.float64)
        self.act = activation(act)

    def forward(self, x):  # x: batch x T x in
        h = torch.zeros(x.shape[0], self.hh.weight.shape[0], dtype=torch.float64)
        out = []
        for t in range(x.shape[1]):
            h = self.act(self.ih(x[:, t]) + self.hh(h))
            out.append(h)
        return torch.stack(out, dim=1)


class RNN(nn.Module):
    """nn.RNN (batch first) returning only its outputs."""

    def __init__(self, n_in, n_out, act):
        super().__init__()
        self.rnn = nn.RNN(n_in, n_out, nonlinearity=act, batch_first=True, dtype=torch.float64)

    def forward(self, x):
        return self.rnn(x)[0]


def activation(name):
    """The torch module for one of backprop's activation names."""
    return {
        "linear": nn.Identity,
        "sigmoid": nn.Sigmoid,
        "tanh": nn.Tanh,
        "relu": nn.ReLU,
        "leaky-relu": lambda: nn.LeakyReLU(0.01),
        "softmax": lambda: nn.Softmax(dim=-1),
    }[name]()


def build():
    """Rebuilds the network: recurrent layers as nn.RNN (tanh, relu) or Loop,
    dense layers as nn.Linear and activation, in float64."""
    modules = []
    for (weights, biases, recurrent), act, n_in, n_out in zip(LAYERS, ACTIVATIONS, SIZES, SIZES[1:]):
        w = torch.tensor(weights, dtype=torch.float64)
        b = torch.tensor(biases, dtype=torch.float64)
        if recurrent is None:
            linear = nn.Linear(n_in, n_out, dtype=torch.float64)
            with torch.no_grad():
                linear.weight.copy_(w)
                linear.bias.copy_(b)
            modules += [linear, activation(act)]
            continue
        wh = torch.tensor(recurrent, dtype=torch.float64)
        if act in ("tanh", "relu"):
            m = RNN(n_in, n_out, act)
            with torch.no_grad():
                m.rnn.weight_ih_l0.copy_(w)
                m.rnn.weight_hh_l0.copy_(wh)
                m.rnn.bias_ih_l0.copy_(b)
                m.rnn.bias_hh_l0.zero_()
        else:
            m = Loop(n_in, n_out, act)
            with torch.no_grad():
                m.ih.weight.copy_(w)
                m.ih.bias.copy_(b)
                m.hh.weight.copy_(wh)
        modules.append(m)
    return nn.Sequential(*modules)


model = build()


def predict(seq):
    """The outputs at every step (T x outputs) for one sequence (T x inputs)."""
    with torch.no_grad():
        return model(torch.as_tensor([seq], dtype=torch.float64))[0]

`

const pySeqNumPyBody = `

def _sigmoid(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def _softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


FUNCTIONS = {
    "linear": lambda z: z,
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0.0),
    "leaky-relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "softmax": _softmax,
}

PARAMS = [(np.array(w, dtype=np.float64), np.array(b, dtype=np.float64),
           None if r is None else np.array(r, dtype=np.float64)) for w, b, r in LAYERS]


def predict(seq):
    """The outputs at every step (T x outputs) for one sequence (T x inputs):
    at each t, every layer in turn; a recurrent layer adds W_h h_(t-1)."""
    h = [None] * len(PARAMS)
    out = []
    for x in np.asarray(seq, dtype=np.float64):
        a = x
        for l, ((w, b, wh), act) in enumerate(zip(PARAMS, ACTIVATIONS)):
            z = w @ a + b
            if wh is not None and h[l] is not None:
                z = z + wh @ h[l]
            a = FUNCTIONS[act](z)
            h[l] = a
        out.append(a)
    return np.array(out)

`

const pySeqMain = `
def check():
    """Compares predict() on every probe sequence with EXPECTED; returns the exit status."""
    bad = 0
    for i, (seq, want) in enumerate(zip(PROBES, EXPECTED)):
        got = predict(seq).tolist()
        for t, (g, e) in enumerate(zip(got, want)):
            for j, (a, b) in enumerate(zip(g, e)):
                if not abs(a - b) <= TOLERANCE * max(1.0, abs(b)):
                    print(f"probe {i} step {t} output {j}: got {a!r}, Go engine {b!r}", file=sys.stderr)
                    bad += 1
    if bad:
        print(f"FAIL: {bad} outputs differ from the Go engine by more than {TOLERANCE:g}", file=sys.stderr)
        return 1
    print(f"OK: {len(PROBES)} probe sequences match the Go engine within {TOLERANCE:g}")
    return 0


def predict_json(stream):
    """Reads a JSON list of sequences, prints a JSON list of their outputs."""
    try:
        inputs = json.load(stream)
    except ValueError as e:
        print(f"--predict: stdin is not JSON: {e}", file=sys.stderr)
        return 2
    if not isinstance(inputs, list):
        print("--predict: stdin: want a JSON list of sequences", file=sys.stderr)
        return 2
    for i, seq in enumerate(inputs):
        if not isinstance(seq, list) or not seq:
            print(f"--predict: stdin[{i}]: want a non-empty list of input vectors", file=sys.stderr)
            return 2
        for t, x in enumerate(seq):
            if not isinstance(x, list) or len(x) != SIZES[0]:
                print(f"--predict: stdin[{i}][{t}]: want a list of {SIZES[0]} numbers", file=sys.stderr)
                return 2
            for k, v in enumerate(x):
                if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                    print(f"--predict: stdin[{i}][{t}][{k}]: want a finite number, got {v!r}", file=sys.stderr)
                    return 2
    print(json.dumps([predict(seq).tolist() for seq in inputs]))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == []:
        sys.exit(check())
    if sys.argv[1:] == ["--predict"]:
        sys.exit(predict_json(sys.stdin))
    print(f"usage: {sys.argv[0]} [--predict < sequences.json]", file=sys.stderr)
    sys.exit(2)
`
