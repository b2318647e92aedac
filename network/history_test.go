package network_test

import (
	"fmt"
	"math"

	"backprop/network"
)

func ExampleHistoryCSV() {
	h := []network.EpochStats{
		{Epoch: 1, TrainLoss: 0.25, TrainAcc: 0.5, TestLoss: math.NaN(), TestAcc: math.NaN()},
		{Epoch: 2, TrainLoss: 0.125, TrainAcc: 0.75, TestLoss: 0.2, TestAcc: 0.7},
	}
	fmt.Print(string(network.HistoryCSV(h)))
	// Output:
	// epoch,loss,accuracy,val_loss,val_accuracy
	// 1,0.25,0.5,,
	// 2,0.125,0.75,0.2,0.7
}
