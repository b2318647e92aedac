package cli

import (
	"testing"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/internal/testkit"
	"backprop/network"
)

// BenchmarkTrainRealMNIST trains Nielsen's [784,30,10] sigmoid net
// (quadratic cost, η=3, m=10) on the real MNIST training images, like
// ../shared/bench/mlp_reference.py's idx mode: one op is one sample, and
// the per-epoch evaluation is not timed (keep b.N ≤ 50,000, e.g.
// -benchtime 40000x). Compare samples/s with the reference's "vec" mode.
func BenchmarkTrainRealMNIST(b *testing.B) {
	benchTrain(b, datasets.Spec{Name: "idx:" + testkit.MNISTDir(b), Seed: 1}, []int{784, 30, 10})
}

// BenchmarkTrainDigits is the same on the embedded 8×8 digits, [64,30,10]
// (compare with the reference's digits mode).
func BenchmarkTrainDigits(b *testing.B) {
	benchTrain(b, datasets.Spec{Name: "digits", Seed: 1}, []int{64, 30, 10})
}

func benchTrain(b *testing.B, spec datasets.Spec, sizes []int) {
	ds, err := datasets.Load(spec)
	if err != nil {
		b.Fatal(err)
	}
	acts := []network.Activation{network.Sigmoid, network.Sigmoid}
	net, err := network.New(network.Spec{Sizes: sizes, Acts: acts, Cost: network.Quadratic}, network.NewRand(1))
	if err != nil {
		b.Fatal(err)
	}
	h := network.DefaultHyper()
	h.Eta, h.Batch = 3, 10
	st, err := network.NewStepper(net, h, setup.NetSet(ds.Train), network.Set{})
	if err != nil {
		b.Fatal(err)
	}
	st.SetUndoBudget(0)
	n := len(ds.Train.X)
	b.ResetTimer()
	left := b.N
	for left > 0 {
		// Stop short of each epoch's end so its evaluation is not timed.
		k := min(left, n-st.Pos().Steps%n-1)
		if k <= 0 {
			b.StopTimer()
			if _, err := st.Run(1); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			left--
			continue
		}
		did, err := st.Run(k)
		if err != nil {
			b.Fatal(err)
		}
		left -= did
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
}
