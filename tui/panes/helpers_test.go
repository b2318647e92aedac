package panes

import (
	"math"
	"math/rand/v2"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// Hand-built fixtures, independent of the engine's initialisation and
// stepping code, so the golden screens change only when the panes do.

func sigm(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// handNet builds a dense network with activations acts and weights drawn
// from a seeded generator (or filled from ws when given).
func handNet(sizes []int, acts []network.Activation, seed uint64) *network.Network {
	rng := rand.New(rand.NewPCG(seed, 7))
	net := &network.Network{Sizes: sizes, Cost: network.Quadratic}
	for i := 0; i+1 < len(sizes); i++ {
		l := &network.Layer{In: sizes[i], Out: sizes[i+1], Act: acts[i]}
		l.W = make([]float64, l.In*l.Out)
		l.B = make([]float64, l.Out)
		for k := range l.W {
			l.W[k] = math.Round((rng.Float64()*4-2)*100) / 100
		}
		for k := range l.B {
			l.B[k] = math.Round((rng.Float64()*2-1)*100) / 100
		}
		net.Layers = append(net.Layers, l)
	}
	return net
}

func act(a network.Activation, z []float64) []float64 {
	out := make([]float64, len(z))
	switch a {
	case network.Softmax:
		m, s := math.Inf(-1), 0.0
		for _, v := range z {
			m = math.Max(m, v)
		}
		for i, v := range z {
			out[i] = math.Exp(v - m)
			s += out[i]
		}
		for i := range out {
			out[i] /= s
		}
	default:
		for i, v := range z {
			switch a {
			case network.Sigmoid:
				out[i] = sigm(v)
			case network.Tanh:
				out[i] = math.Tanh(v)
			case network.ReLU:
				out[i] = math.Max(0, v)
			default:
				out[i] = v
			}
		}
	}
	return out
}

// handTrace runs a full forward and backward pass of net on (x, y) with the
// quadratic cost, filling every field the panes read.
func handTrace(net *network.Network, x, y []float64) *network.Trace {
	tr := &network.Trace{X: x, Y: y, A: [][]float64{x}}
	a := x
	for _, l := range net.Layers {
		z := make([]float64, l.Out)
		for j := range z {
			z[j] = l.B[j]
			for k := 0; k < l.In; k++ {
				z[j] += l.W[j*l.In+k] * a[k]
			}
		}
		a = act(l.Act, z)
		tr.Z = append(tr.Z, z)
		tr.A = append(tr.A, a)
	}
	L := len(net.Layers)
	tr.Delta = make([][]float64, L)
	for i, v := range a {
		tr.Cost += 0.5 * (y[i] - v) * (y[i] - v)
	}
	for li := L - 1; li >= 0; li-- {
		l := net.Layers[li]
		d := make([]float64, l.Out)
		for j := range d {
			var g float64
			if li == L-1 {
				g = a[j] - y[j]
			} else {
				nx := net.Layers[li+1]
				for q := 0; q < nx.Out; q++ {
					g += nx.W[q*nx.In+j] * tr.Delta[li+1][q]
				}
			}
			d[j] = g * derivative(l.Act, tr.Z[li][j], tr.A[li+1][j])
			if l.Act == network.Softmax {
				d[j] = g
			}
		}
		tr.Delta[li] = d
	}
	for li, l := range net.Layers {
		gw := make([]float64, l.In*l.Out)
		for j := 0; j < l.Out; j++ {
			for k := 0; k < l.In; k++ {
				gw[j*l.In+k] = tr.Delta[li][j] * tr.A[li][k]
			}
		}
		tr.GradW = append(tr.GradW, gw)
		tr.GradB = append(tr.GradB, append([]float64(nil), tr.Delta[li]...))
	}
	tr.Count = 1
	tr.Loss = tr.Cost
	return tr
}

// withUpdate fills tr.Last as if SGD with rate eta had been applied to a
// copy of net (net itself is changed to the new weights).
func withUpdate(net *network.Network, tr *network.Trace, eta float64) {
	tr.Last = nil
	for li, l := range net.Layers {
		u := network.Update{OldW: append([]float64(nil), l.W...), OldB: append([]float64(nil), l.B...)}
		for i := range l.W {
			l.W[i] -= eta * tr.GradW[li][i]
		}
		for i := range l.B {
			l.B[i] -= eta * tr.GradB[li][i]
		}
		u.NewW = append([]float64(nil), l.W...)
		u.NewB = append([]float64(nil), l.B...)
		tr.Last = append(tr.Last, u)
	}
}

func xorData() *datasets.Dataset {
	d := &datasets.Dataset{
		Name: "xor", Features: []string{"x1", "x2"}, Targets: []string{"y"},
		Classes: []string{"0", "1"}, Kind: datasets.Classification,
		Lo: []float64{-0.5, -0.5}, Hi: []float64{1.5, 1.5},
	}
	d.Train.X = [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}}
	d.Train.Y = [][]float64{{0}, {1}, {1}, {0}}
	return d
}

// digitsData is a small stand-in for the 8×8 digits: 40 noisy images of
// 10 classes, 30 train and 10 test.
func digitsData() *datasets.Dataset {
	rng := rand.New(rand.NewPCG(3, 3))
	d := &datasets.Dataset{Name: "digits", Kind: datasets.Classification, ImageW: 8, ImageH: 8}
	for i := 0; i < 10; i++ {
		d.Classes = append(d.Classes, string(rune('0'+i)))
	}
	for i := 0; i < 64; i++ {
		d.Features = append(d.Features, "p"+string(rune('a'+i%26)))
		d.Lo = append(d.Lo, 0)
		d.Hi = append(d.Hi, 1)
	}
	for n := 0; n < 40; n++ {
		c := n % 10
		x := make([]float64, 64)
		for p := range x {
			if (p+c)%7 < 3 {
				x[p] = math.Round(rng.Float64()*16) / 16
			}
		}
		y := make([]float64, 10)
		y[c] = 1
		if n < 30 {
			d.Train.X = append(d.Train.X, x)
			d.Train.Y = append(d.Train.Y, y)
		} else {
			d.Test.X = append(d.Test.X, x)
			d.Test.Y = append(d.Test.Y, y)
		}
	}
	d.Targets = d.Classes
	return d
}

// xorInput is an XOR 2-2-1 sigmoid network after a whole sample (at
// phase), with the dark theme.
func xorInput(phase network.Phase, w, h int) Input {
	net := handNet([]int{2, 2, 1}, []network.Activation{network.Sigmoid, network.Sigmoid}, 1)
	d := xorData()
	tr := handTrace(net, d.Train.X[1], d.Train.Y[1])
	p, _ := themes.ByName(themes.Dark)
	in := Input{
		Net: net, Trace: tr, Data: d, Styles: themes.New(p, true), W: w, H: h,
		Hyper: network.Hyper{Eta: 0.5, Batch: 4},
		Pos:   network.Pos{Phase: phase, Sample: 1, Index: 1, Steps: 1},
		Focus: Focus{Layer: 1, Neuron: 0, Weight: 0},
	}
	switch phase {
	case network.PhaseForward:
		in.Pos.Layer, in.Pos.Neuron = 0, 1
	case network.PhaseBackward:
		in.Pos.Layer, in.Pos.Neuron = 0, 0
	case network.PhaseUpdate:
		withUpdate(net, tr, 0.5)
		in.Pos.Sample = 3
		tr.Count, tr.Loss = 4, 4*tr.Cost // the update averaged the batch's 4 samples
	}
	in.History = []network.EpochStats{
		{Epoch: 1, TrainLoss: 0.30, TrainAcc: 0.5, TestLoss: math.NaN(), TestAcc: math.NaN()},
		{Epoch: 2, TrainLoss: 0.26, TrainAcc: 0.5, TestLoss: math.NaN(), TestAcc: math.NaN()},
		{Epoch: 3, TrainLoss: 0.21, TrainAcc: 0.75, TestLoss: math.NaN(), TestAcc: math.NaN()},
		{Epoch: 4, TrainLoss: 0.12, TrainAcc: 1, TestLoss: math.NaN(), TestAcc: math.NaN()},
	}
	in.BatchLosses = []float64{0.31, 0.29, 0.3, 0.25, 0.22, 0.2, 0.14, 0.1}
	return in
}

// digitsInput is a 64-30-10 sigmoid/softmax network mid-forward.
func digitsInput(w, h int) Input {
	net := handNet([]int{64, 30, 10}, []network.Activation{network.Sigmoid, network.Softmax}, 2)
	net.Cost = network.CrossEntropy
	d := digitsData()
	tr := handTrace(net, d.Train.X[3], d.Train.Y[3])
	p, _ := themes.ByName(themes.Dark)
	return Input{
		Net: net, Trace: tr, Data: d, Styles: themes.New(p, true), W: w, H: h,
		Hyper: network.Hyper{Eta: 0.1, Batch: 10},
		Pos:   network.Pos{Epoch: 2, Batch: 1, Sample: 3, Index: 3, Phase: network.PhaseForward, Layer: 1, Neuron: 4, Steps: 73},
		Focus: Focus{Layer: 1, Neuron: 5, Weight: 20},
		History: []network.EpochStats{
			{Epoch: 1, TrainLoss: 2.1, TrainAcc: 0.3, TestLoss: 2.2, TestAcc: 0.25},
			{Epoch: 2, TrainLoss: 1.4, TrainAcc: 0.6, TestLoss: 1.6, TestAcc: 0.5},
		},
		Cache: &Cache{},
	}
}
