package lesson

import (
	"fmt"
	"strings"
	"testing"

	"backprop/network"
	"backprop/tui/bench"
)

func TestApplyToBench(t *testing.T) {
	b, err := bench.New(bench.Options{})
	if err != nil {
		t.Fatal(err)
	}
	th := 1.5
	b, err = ApplyToBench(b, Scene{Preset: "and", Weights: []float64{1, 1}, Threshold: &th, Inputs: []float64{1, 0}, Unit: "sigmoid", Focus: "threshold", Eta: 0.5})
	if err != nil {
		t.Fatal(err)
	}
	if b.Problem().Name != "and" || fmt.Sprint(b.Weights()) != "[1 1]" || b.Threshold() != 1.5 || fmt.Sprint(b.Inputs()) != "[1 0]" ||
		b.Unit() != bench.SigmoidUnit || b.Focus() != 2 || b.Wrong() != 0 {
		t.Errorf("bench: %s w %v θ %v x %v unit %v focus %d wrong %d", b.Problem().Name, b.Weights(), b.Threshold(), b.Inputs(), b.Unit(), b.Focus(), b.Wrong())
	}
	// only what is given changes
	b, err = ApplyToBench(b, Scene{Focus: "1"})
	if err != nil || b.Focus() != 0 || fmt.Sprint(b.Weights()) != "[1 1]" || b.Unit() != bench.SigmoidUnit {
		t.Errorf("focus only: %v focus %d w %v", err, b.Focus(), b.Weights())
	}
	for _, bad := range []Scene{{Preset: "nope"}, {Focus: "7"}, {Inputs: []float64{1, 0, 1}}, {Weights: []float64{1}}} {
		if _, err := ApplyToBench(b, bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

func TestApplySpecHyper(t *testing.T) {
	spec := network.Spec{Sizes: []int{2, 4, 1}, Acts: []network.Activation{network.Tanh, network.Sigmoid}, Cost: network.CrossEntropy}
	got := Scene{Layers: []int{2, 3, 3, 1}}.ApplySpec(spec)
	if fmt.Sprint(got.Sizes) != "[2 3 3 1]" || fmt.Sprint(got.Acts) != fmt.Sprint([]network.Activation{network.Tanh, network.Tanh, network.Sigmoid}) || got.Cost != network.CrossEntropy {
		t.Errorf("spec %+v", got)
	}
	if fmt.Sprint(spec.Sizes) != "[2 4 1]" {
		t.Error("ApplySpec changed its argument")
	}
	if got := (Scene{}).ApplySpec(spec); fmt.Sprint(got) != fmt.Sprint(spec) {
		t.Errorf("empty scene changed the spec: %+v", got)
	}
	one := Scene{Layers: []int{2, 1}}.ApplySpec(network.Spec{Sizes: []int{2, 4, 1}, Acts: []network.Activation{network.ReLU, network.Softmax}})
	if fmt.Sprint(one.Acts) != fmt.Sprint([]network.Activation{network.Softmax}) {
		t.Errorf("[2 1]: acts %v", one.Acts)
	}
	deep := network.Spec{Sizes: []int{2, 8, 8, 1}, Acts: []network.Activation{network.Sigmoid, network.Sigmoid, network.Sigmoid}, Init: network.InitXavier}
	got, err := Scene{Acts: []string{"relu"}, Init: "he"}.ApplyNet(deep)
	if err != nil || fmt.Sprint(got.Acts) != fmt.Sprint([]network.Activation{network.ReLU, network.ReLU, network.Sigmoid}) || got.Init != network.InitHe {
		t.Errorf("acts relu, init he: %+v %v", got, err)
	}
	if deep.Acts[0] != network.Sigmoid {
		t.Error("ApplyNet changed its argument")
	}
	got, err = Scene{Layers: []int{2, 4, 1}, Acts: []string{"tanh", "linear"}}.ApplyNet(deep)
	if err != nil || fmt.Sprint(got.Sizes) != "[2 4 1]" || fmt.Sprint(got.Acts) != fmt.Sprint([]network.Activation{network.Tanh, network.Linear}) || got.Init != network.InitXavier {
		t.Errorf("layers and acts: %+v %v", got, err)
	}
	if _, err := (Scene{Acts: []string{"relu", "relu"}}).ApplyNet(deep); err == nil || !strings.Contains(err.Error(), "2 activations for a network of 3 layers") {
		t.Errorf("2 acts for 3 layers: %v", err)
	}
	h := Scene{Eta: 0.01, Batch: 4, Seed: 9}.ApplyHyper(network.DefaultHyper())
	if h.Eta != 0.01 || h.Batch != 4 || h.Seed != 9 || h.Mu != network.DefaultHyper().Mu {
		t.Errorf("hyper %+v", h)
	}
}
