package network_test

import (
	"fmt"

	"backprop/network"
)

// mazur is Matt Mazur's 2-2-2 sigmoid network ("A Step by Step
// Backpropagation Example").
func mazur() *network.Network {
	return &network.Network{Sizes: []int{2, 2, 2}, Cost: network.Quadratic, Layers: []*network.Layer{
		{In: 2, Out: 2, Act: network.Sigmoid, W: []float64{.15, .20, .25, .30}, B: []float64{.35, .35}},
		{In: 2, Out: 2, Act: network.Sigmoid, W: []float64{.40, .45, .50, .55}, B: []float64{.60, .60}},
	}}
}

func ExampleNetwork_Predict() {
	out := mazur().Predict([]float64{.05, .10})
	fmt.Printf("%.9f %.9f\n", out[0], out[1])
	// Output: 0.751365070 0.772928465
}

func ExampleNew() {
	net, err := network.New(network.Spec{
		Sizes: []int{64, 30, 10},
		Acts:  []network.Activation{network.Sigmoid, network.Sigmoid},
		Cost:  network.Quadratic,
		Init:  network.InitXavier,
	}, network.NewRand(1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(net.Sizes, net.NumParams())
	// Output: [64 30 10] 2260
}

// Stepping one phase at a time through Mazur's example: every intermediate
// is in the Trace.
func ExampleStepper_Step() {
	h := network.DefaultHyper()
	h.Batch = 1
	train := network.Set{X: [][]float64{{.05, .10}}, Y: [][]float64{{.01, .99}}}
	s, err := network.NewStepper(mazur(), h, train, network.Set{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for range 9 {
		s.Step(network.ByPhase)
		p, tr := s.Pos(), s.Trace()
		switch p.Phase {
		case network.PhaseForward:
			fmt.Printf("%-12v layer %d  a = %.9f\n", p.Phase, p.Layer, tr.A[p.Layer+1])
		case network.PhaseCost:
			fmt.Printf("%-12v C = %.9f\n", p.Phase, tr.Cost)
		case network.PhaseOutputDelta, network.PhaseBackward:
			fmt.Printf("%-12v layer %d  δ = %.9f\n", p.Phase, p.Layer, tr.Delta[p.Layer])
		case network.PhaseUpdate:
			fmt.Printf("%-12v w5 %.8f → %.8f\n", p.Phase, tr.Last[1].OldW[0], tr.Last[1].NewW[0])
		default:
			fmt.Println(p.Phase)
		}
	}
	// Output:
	// load
	// forward      layer 0  a = [0.593269992 0.596884378]
	// forward      layer 1  a = [0.751365070 0.772928465]
	// cost         C = 0.298371109
	// output-delta layer 1  δ = [0.138498562 -0.038098237]
	// backward     layer 0  δ = [0.008771355 0.009954255]
	// accumulate
	// update       w5 0.40000000 → 0.35891648
	// epoch-end
}

// A sigmoid [2,4,1] network learns XOR on the fast path.
func ExampleStepper_Run() {
	xor := network.Set{
		X: [][]float64{{0, 0}, {0, 1}, {1, 0}, {1, 1}},
		Y: [][]float64{{0}, {1}, {1}, {0}},
	}
	net, _ := network.New(network.Spec{Sizes: []int{2, 4, 1},
		Acts: []network.Activation{network.Sigmoid, network.Sigmoid}, Cost: network.CrossEntropy}, network.NewRand(1))
	h := network.DefaultHyper()
	h.Eta, h.Batch = 2, 4
	s, _ := network.NewStepper(net, h, xor, network.Set{})
	s.Run(4 * 2000) // 2000 epochs
	last := s.History()[len(s.History())-1]
	fmt.Printf("epoch %d accuracy %.2f\n", last.Epoch, last.TrainAcc)
	// Output: epoch 2000 accuracy 1.00
}

func ExampleGradCheck() {
	worst, err := network.GradCheck(mazur(), []float64{.05, .10}, []float64{.01, .99}, 0)
	fmt.Println(worst < 1e-6, err)
	// Output: true <nil>
}

func ExampleParseModel() {
	_, err := network.ParseModel([]byte(`{"format":"backprop/model","version":1,"inputs":2,"cost":"quadratic",
	  "layers":[{"activation":"sigmod","weights":[[1,2]],"biases":[0]}]}`))
	fmt.Println(err)
	// Output: layers[0].activation: unknown "sigmod" (want one of step, linear, sigmoid, tanh, relu, leaky-relu, softmax)
}
