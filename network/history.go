package network

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"
)

// EpochStats are the metrics logged at the end of an epoch. TestLoss and
// TestAcc are NaN when there is no test set.
//
// History keeps at most MaxHistory entries: past that, neighbouring entries
// are merged and one entry stands for Epochs epochs, ending at Epoch. Its
// metrics are those of epoch Epoch itself (so the last entry is always the
// last epoch's), and Min and Max hold each metric's extremes over the
// epochs it stands for.
type EpochStats struct {
	Epoch               int
	TrainLoss, TrainAcc float64
	TestLoss, TestAcc   float64
	// Epochs is how many epochs the entry stands for; 0 reads as 1.
	Epochs   int
	Min, Max EpochMetrics
}

// EpochMetrics are the four metrics of EpochStats on their own.
type EpochMetrics struct {
	TrainLoss, TrainAcc float64
	TestLoss, TestAcc   float64
}

// MaxHistory bounds the entries of Stepper.History, in memory and in model
// files; MaxBatchLosses bounds Stepper.BatchLosses. Older entries are merged
// in pairs when a series would grow past its bound (see series).
const (
	MaxHistory     = 2048
	MaxBatchLosses = 4096
)

// metrics returns e's own four metrics.
func (e EpochStats) metrics() EpochMetrics {
	return EpochMetrics{e.TrainLoss, e.TrainAcc, e.TestLoss, e.TestAcc}
}

// span is Epochs, at least 1.
func (e EpochStats) span() int { return max(e.Epochs, 1) }

// epochStats is one epoch's entry: Epochs 1, Min = Max = its metrics.
func epochStats(epoch int, train, test Metrics) EpochStats {
	m := EpochMetrics{train.Loss, train.Accuracy, test.Loss, test.Accuracy}
	return EpochStats{Epoch: epoch, TrainLoss: m.TrainLoss, TrainAcc: m.TrainAcc, TestLoss: m.TestLoss, TestAcc: m.TestAcc,
		Epochs: 1, Min: m, Max: m}
}

// foldEpochs merges a and the later b into one entry: b's epoch and
// metrics, both spans, the extremes of both.
func foldEpochs(a, b EpochStats) EpochStats {
	r := b
	r.Epochs = a.span() + b.span()
	am, bm := a.Min, b.Min
	r.Min = EpochMetrics{nanMin(am.TrainLoss, bm.TrainLoss), nanMin(am.TrainAcc, bm.TrainAcc), nanMin(am.TestLoss, bm.TestLoss), nanMin(am.TestAcc, bm.TestAcc)}
	am, bm = a.Max, b.Max
	r.Max = EpochMetrics{nanMax(am.TrainLoss, bm.TrainLoss), nanMax(am.TrainAcc, bm.TrainAcc), nanMax(am.TestLoss, bm.TestLoss), nanMax(am.TestAcc, bm.TestAcc)}
	return r
}

// nanMin and nanMax ignore a NaN operand (a metric not measured).
func nanMin(a, b float64) float64 {
	if math.IsNaN(a) || b < a {
		return b
	}
	return a
}

func nanMax(a, b float64) float64 {
	if math.IsNaN(a) || b > a {
		return b
	}
	return a
}

// foldLast merges two entries into the later one.
func foldLast[T any](_, b T) T { return b }

// foldLoss merges two mini-batch losses into the later one.
func foldLoss(_, b float64) float64 { return b }

// series is a sequence bounded to limit entries that samples its items
// evenly. Every entry stands for span items (a power of two) except the
// last, which holds n ≤ span so far. An item arriving when the last entry
// is full starts a new entry; when that would make more than limit
// entries, neighbours are first merged in pairs into a new array and span
// doubles. fold(older, newer) merges two entries.
//
// Undo snapshots share v. add writes in place only the last entry (or
// appends past every snapshot's length, or builds a new array), so a
// snapshot keeps v's header and a copy of its last entry (saved), and
// restore puts that entry back.
type series[T any] struct {
	v     []T
	span  int // items per entry; 0 (empty) reads as 1
	n     int // items in the last entry
	saved T   // in snapshots: v[len(v)-1] when taken
}

func (s *series[T]) add(x T, fold func(a, b T) T, limit int) {
	span := max(s.span, 1)
	if k := len(s.v); k > 0 && s.n < span {
		s.v[k-1] = fold(s.v[k-1], x)
		s.n++
		return
	}
	if len(s.v) >= limit {
		m := make([]T, 0, limit)
		for i := 0; i < len(s.v); i += 2 {
			if i+1 < len(s.v) {
				m = append(m, fold(s.v[i], s.v[i+1]))
			} else {
				m = append(m, s.v[i])
			}
		}
		s.v = m
		span *= 2
	}
	s.v = append(s.v, x)
	s.span, s.n = span, 1
}

// keepLast drops entries from the front as long as the rest covers at
// least items items.
func (s *series[T]) keepLast(items int) {
	k, covered := 0, 0
	for k < len(s.v) && covered < items {
		if k == 0 {
			covered += s.n
		} else {
			covered += max(s.span, 1)
		}
		k++
	}
	if k < len(s.v) {
		s.v = slices.Clone(s.v[len(s.v)-k:])
	}
}

// snapshot is s for the undo stack (see series).
func (s series[T]) snapshot() series[T] {
	if k := len(s.v); k > 0 {
		s.saved = s.v[k-1]
	}
	return s
}

// restore undoes what add wrote into the last entry since the snapshot.
func (s series[T]) restore() {
	if k := len(s.v); k > 0 {
		s.v[k-1] = s.saved
	}
}

// bytes is the size of v's array.
func (s series[T]) bytes() int {
	var zero T
	return cap(s.v) * int(unsafe.Sizeof(zero))
}

// HistoryCSV renders per-epoch metrics as CSV with the header
// epoch,loss,accuracy,val_loss,val_accuracy, then grad_norm_1 …
// grad_norm_L (gradNorm[i] beside h[i], as Stepper.GradNorms gives them;
// one column per layer) when there are any; values not measured (NaN, such as the test metrics
// without a test set) are empty. Each row is one
// History entry: the metrics of the epoch it names (past MaxHistory epochs,
// every k-th epoch). `backprop train --history` and the trainer's "save
// loss history" write this format.
func HistoryCSV(h []EpochStats, gradNorm ...[]float64) []byte {
	var b strings.Builder
	b.WriteString("epoch,loss,accuracy,val_loss,val_accuracy")
	layers := 0
	for _, g := range gradNorm {
		layers = max(layers, len(g))
	}
	for l := range layers {
		fmt.Fprintf(&b, ",grad_norm_%d", l+1)
	}
	b.WriteString("\n")
	f := func(v float64) string {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	for i, s := range h {
		fmt.Fprintf(&b, "%d,%s,%s,%s,%s", s.Epoch, f(s.TrainLoss), f(s.TrainAcc), f(s.TestLoss), f(s.TestAcc))
		for l := range layers {
			v := math.NaN()
			if i < len(gradNorm) && l < len(gradNorm[i]) {
				v = gradNorm[i][l]
			}
			b.WriteString("," + f(v))
		}
		b.WriteString("\n")
	}
	return []byte(b.String())
}
