package network_test

import (
	"errors"
	"testing"

	"backprop/datasets"
	"backprop/network"
)

func digits(t *testing.T) (network.Set, network.Set) {
	t.Helper()
	ds, err := datasets.Load(datasets.Spec{Name: "digits", Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	return network.Set(ds.Train), network.Set(ds.Test)
}

func digitsStepper(t *testing.T, eta float64) *network.Stepper {
	train, test := digits(t)
	net, err := network.New(network.Spec{Sizes: []int{64, 30, 10},
		Acts: []network.Activation{network.Sigmoid, network.Sigmoid}, Cost: network.Quadratic}, network.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	h := network.DefaultHyper()
	h.Eta, h.Batch, h.Seed = eta, 10, 1
	s, err := network.NewStepper(net, h, train, test)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestDigits is issue 2's acceptance run on the engine alone: [64,30,10]
// sigmoid, quadratic, η = 3, batch 10, 30 epochs, seed 1.
func TestDigits(t *testing.T) {
	if testing.Short() {
		t.Skip("30 epochs of digits")
	}
	s := digitsStepper(t, 3)
	for range 30 {
		if err := s.Step(network.ByEpoch); err != nil {
			t.Fatal(err)
		}
	}
	last := s.History()[29]
	t.Logf("epoch 30: train %.4f, test accuracy %.4f", last.TrainAcc, last.TestAcc)
	if last.TestAcc < 0.95 {
		t.Fatalf("test accuracy %.4f < 0.95", last.TestAcc)
	}
}

// TestDigitsDiverges: η = 1e6 must end in the diverged state, not in a
// network that silently saturates.
func TestDigitsDiverges(t *testing.T) {
	s := digitsStepper(t, 1e6)
	var err error
	for range 30 {
		if err = s.Step(network.ByEpoch); err != nil {
			break
		}
	}
	var d *network.Divergence
	if !errors.As(err, &d) || s.Status() != network.Diverged {
		t.Fatalf("η = 1e6: err %v, status %v, history %+v", err, s.Status(), s.History())
	}
	t.Log(d)
}
