package network

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// HistoryCSV renders per-epoch metrics as CSV with the header
// epoch,loss,accuracy,val_loss,val_accuracy; values not measured (NaN, such
// as the test metrics without a test set) are empty. `backprop train
// --history` and the trainer's "save loss history" write this format.
func HistoryCSV(h []EpochStats) []byte {
	var b strings.Builder
	b.WriteString("epoch,loss,accuracy,val_loss,val_accuracy\n")
	f := func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	for _, s := range h {
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s\n", s.Epoch, f(s.TrainLoss), f(s.TrainAcc), f(s.TestLoss), f(s.TestAcc))
	}
	return []byte(b.String())
}
