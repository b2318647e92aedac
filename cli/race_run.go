package cli

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/network"
)

// finishLine is one --until: a metric and the value it must reach.
type finishLine struct {
	Metric string  // acc, loss, val_acc or val_loss
	Value  float64 // accuracy ≥ Value, loss ≤ Value
}

// String is "acc ≥ 0.95" or "val_loss ≤ 0.1".
func (l finishLine) String() string {
	op := " ≥ "
	if strings.HasSuffix(l.Metric, "loss") {
		op = " ≤ "
	}
	return l.Metric + op + strconv.FormatFloat(l.Value, 'g', -1, 64)
}

// met reports whether the epoch's metrics cross the line.
func (l finishLine) met(s network.EpochStats) bool {
	v := map[string]float64{"acc": s.TrainAcc, "loss": s.TrainLoss, "val_acc": s.TestAcc, "val_loss": s.TestLoss}[l.Metric]
	if math.IsNaN(v) {
		return false
	}
	if strings.HasSuffix(l.Metric, "loss") {
		return v <= l.Value
	}
	return v >= l.Value
}

// untilMetrics maps the names --until takes to the metrics.
func untilMetrics() map[string]string {
	return map[string]string{
		"acc": "acc", "accuracy": "acc", "loss": "loss",
		"val_acc": "val_acc", "val_accuracy": "val_acc", "test_acc": "val_acc", "test_accuracy": "val_acc",
		"val_loss": "val_loss", "test_loss": "val_loss",
	}
}

// parseUntil reads the --until flags (default: acc=0.95, or loss=0.1 for
// regression); s is a variant's session, for what the data measures.
func parseUntil(specs []string, s *setup.Session) ([]finishLine, error) {
	regression := s.Dataset.Kind == datasets.Regression
	if len(specs) == 0 {
		if regression {
			return []finishLine{{"loss", 0.1}}, nil
		}
		return []finishLine{{"acc", 0.95}}, nil
	}
	var lines []finishLine
	for _, spec := range specs {
		name, val, ok := strings.Cut(spec, "=")
		metric, known := untilMetrics()[strings.TrimSpace(name)]
		v, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
		switch {
		case !ok || !known:
			return nil, setup.Errorf("until", "want acc=V, loss=V, val_acc=V or val_loss=V (for example --until acc=0.95), got %q", spec)
		case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
			return nil, setup.Errorf("until", "%s: want a number, got %q", name, val)
		case regression && strings.HasSuffix(metric, "acc"):
			return nil, setup.Errorf("until", "%s: %s is regression data: it has no accuracy (use loss or val_loss)", spec, s.Dataset.Name)
		case strings.HasPrefix(metric, "val_") && s.Dataset.Test.Len() == 0:
			return nil, setup.Errorf("until", "%s: %s has no test part (--split 1); use acc or loss", spec, s.Dataset.Name)
		}
		lines = append(lines, finishLine{metric, v})
	}
	return lines, nil
}

// sameWeights reports whether a and b have the same sizes and bit-identical
// weights and biases.
func sameWeights(a, b *network.Network) bool {
	if !slices.Equal(a.Sizes, b.Sizes) {
		return false
	}
	same := func(x, y []float64) bool {
		for i := range x {
			if math.Float64bits(x[i]) != math.Float64bits(y[i]) {
				return false
			}
		}
		return true
	}
	for i, l := range a.Layers {
		if !same(l.W, b.Layers[i].W) || !same(l.B, b.Layers[i].B) {
			return false
		}
	}
	return true
}

// groupStarts gives each variant its starting point: variants with
// bit-identical initial weights share one; each other start says why it
// differs from the first.
func groupStarts(vs []*variant) {
	var reps []*variant
	for _, v := range vs {
		v.start = -1
		for i, r := range reps {
			if sameWeights(v.init0, r.init0) {
				v.start = i
				break
			}
		}
		if v.start < 0 {
			v.start = len(reps)
			reps = append(reps, v)
			if v.start > 0 {
				v.note = whyOtherStart(v, reps[0])
			}
		}
	}
}

// startName is A, B, …, Z, then S27, S28, ….
func startName(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return "S" + strconv.Itoa(i+1)
}

// whyOtherStart says why v's initial weights differ from a's.
func whyOtherStart(v, a *variant) string {
	x, y := v.init0, a.init0
	sv, sa := v.sess.Setup, a.sess.Setup
	switch {
	case !slices.Equal(x.Sizes, y.Sizes):
		return fmt.Sprintf("other layer sizes (%s, not %s), so it cannot share A's weights", setup.SizesString(x.Sizes), setup.SizesString(y.Sizes))
	case x.Init != y.Init && (x.Init == network.InitNormal || x.Init == network.InitLeCun) && (y.Init == network.InitNormal || y.Init == network.InitLeCun):
		return fmt.Sprintf("%s init: A's random draws, with the weights %s", x.Init, initScale(x.Init))
	case x.Init != y.Init:
		return fmt.Sprintf("%s init: its own draws from the same seed", x.Init)
	case sv.Hyper.Seed != sa.Hyper.Seed:
		return fmt.Sprintf("seed %d: other random draws", sv.Hyper.Seed)
	}
	return "other weights (from its model file)"
}

// initScale says how the normal and lecun draws relate.
func initScale(i network.Init) string {
	if i == network.InitLeCun {
		return "divided by √n_in"
	}
	return "multiplied by √n_in"
}

// runVariants trains every variant for up to epochs epochs, threads at a
// time. Each variant has its own stepper and only reads the shared data,
// so the thread count changes no result.
func runVariants(vs []*variant, epochs int, lines []finishLine, stop bool, threads int) {
	jobs := make(chan *variant)
	var wg sync.WaitGroup
	for range max(1, min(threads, len(vs))) {
		wg.Go(func() {
			for v := range jobs {
				trainVariant(v, epochs, lines, stop)
			}
		})
	}
	for _, v := range vs {
		jobs <- v
	}
	close(jobs)
	wg.Wait()
}

// trainVariant trains v epoch by epoch, noting when it crosses each finish
// line; with stop it stops once it has crossed them all. A divergence ends it.
func trainVariant(v *variant, epochs int, lines []finishLine, stop bool) {
	st := v.sess.Stepper
	v.reached = make([]int, len(lines))
	// A model saved mid-epoch first finishes that epoch.
	if p := st.Pos(); !(p.Phase == network.PhaseEpochEnd || (p.Phase == network.PhaseIdle && p.Steps == 0)) {
		if err := st.Step(network.ByEpoch); err != nil {
			v.err = err
			return
		}
	}
	n := v.sess.Dataset.Train.Len()
	for e := 1; e <= epochs; e++ {
		epoch0, steps0 := st.Pos().Epoch, st.Pos().Steps
		for st.Pos().Epoch == epoch0 {
			left := n - (st.Pos().Steps - steps0)
			if left <= 0 {
				break
			}
			did, err := st.Run(left)
			if err != nil {
				v.err = err
				v.history = slices.Clone(st.History())
				return
			}
			if did == 0 {
				break
			}
		}
		if st.Pos().Epoch == epoch0 {
			v.err = fmt.Errorf("epoch %d did not finish (stepper at %+v)", e, st.Pos())
			return
		}
		v.trained = e
		if h := st.History(); len(h) > 0 {
			last := h[len(h)-1]
			v.last = &last
			for j, l := range lines {
				if v.reached[j] == 0 && l.met(last) {
					v.reached[j] = e
				}
			}
		}
		if status := st.Status(); status != network.Training {
			v.stopped = status.String()
			break
		}
		if stop && !slices.Contains(v.reached, 0) {
			break
		}
	}
	v.history = slices.Clone(st.History())
}
