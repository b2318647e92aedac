package network

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// overshooting is SGD on the linear problem at η = f·2/λ_max, mini-batches
// of batch samples.
func overshooting(t *testing.T, f float64, batch int) (*Stepper, float64) {
	t.Helper()
	net, set := linearProblem(t, 3, 1, 40, 5)
	lam := gramTop(t, set)
	h := DefaultHyper()
	h.Batch, h.Eta = batch, f*2/lam
	s := mustStepper(t, net, h, set, Set{})
	return s, lam
}

func TestJumpStopsTheRunAndIsExplained(t *testing.T) {
	s, lam := overshooting(t, 1.5, 10)
	if err := s.SetBlowupFactor(2); err != nil {
		t.Fatal(err)
	}
	n, err := s.Run(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	j := s.LastJump()
	if j == nil || n == 1<<20 {
		t.Fatalf("no jump detected in %d samples", n)
	}
	if j.Pos != s.Pos() || s.Pos().Phase != PhaseUpdate {
		t.Fatalf("the run went on past the jump: jump at %+v, stepper at %+v", j.Pos, s.Pos())
	}
	if !(j.Recent > 2*j.Mean) || !(j.After > 2*j.Before) || j.Window < 1 {
		t.Fatalf("jump %+v", j)
	}
	c, err := s.BlowUpCase()
	if err != nil {
		t.Fatal(err)
	}
	e, err := Explain(c, ExplainOptions{})
	if err != nil || e.SharpErr != nil {
		t.Fatal(err, e.SharpErr)
	}
	if relErr(e.Sharp.LambdaMax, lam) > 1e-6 || relErr(e.Limit, 2/lam) > 1e-6 {
		t.Fatalf("λ_max %g (want %g), limit %g", e.Sharp.LambdaMax, lam, e.Limit)
	}
	text := e.String()
	for _, want := range []string{"loss jump in epoch", "layer 1 grew fastest", "> 2/λ_max = ", "each step overshoots the valley", "try η < "} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
	// The run goes on from where it stopped.
	if _, err := s.Run(10); err != nil {
		t.Fatal(err)
	}
}

// TestJumpSameSteppedAndRun: stepping batch by batch meets the same jump
// at the same place, with the same weights.
func TestJumpSameSteppedAndRun(t *testing.T) {
	a, _ := overshooting(t, 1.5, 10)
	b, _ := overshooting(t, 1.5, 10)
	for _, s := range []*Stepper{a, b} {
		if err := s.SetBlowupFactor(2); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Run(1 << 20); err != nil {
		t.Fatal(err)
	}
	for b.LastJump() == nil {
		if err := b.Step(ByBatch); err != nil {
			t.Fatal(err)
		}
	}
	ja, jb := a.LastJump(), b.LastJump()
	if ja.Pos != jb.Pos || ja.After != jb.After || ja.Recent != jb.Recent || ja.Mean != jb.Mean {
		t.Fatalf("run: %+v\nstep: %+v", ja, jb)
	}
	for l := range a.Net().Layers {
		if !equalBits(a.Net().Layers[l].W, b.Net().Layers[l].W) {
			t.Fatal("weights differ at the jump")
		}
	}
}

func equalBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

func TestNoJumpBelowTheLimitOrWhenOff(t *testing.T) {
	// Full-batch gradient descent below the limit: the loss only falls.
	s, _ := overshooting(t, 0.95, 40)
	if err := s.SetBlowupFactor(2); err != nil {
		t.Fatal(err)
	}
	if n, err := s.Run(4000); err != nil || n != 4000 || s.LastJump() != nil {
		t.Fatalf("η below the limit: ran %d of 4000, jump %+v, err %v", n, s.LastJump(), err)
	}
	off, _ := overshooting(t, 1.5, 10)
	if n, _ := off.Run(400); n != 400 || off.LastJump() != nil {
		t.Fatalf("detector off: ran %d of 400, jump %+v", n, off.LastJump())
	}
	if _, err := off.BlowUpCase(); !errors.Is(err, ErrNoStep) {
		t.Fatalf("nothing to explain: err %v", err)
	}
	for _, f := range []float64{-1, 0.5, 1, math.NaN(), math.Inf(1)} {
		if off.SetBlowupFactor(f) == nil {
			t.Errorf("factor %g accepted", f)
		}
	}
}

func TestDivergenceIsExplained(t *testing.T) {
	s, lam := overshooting(t, 1000, 10)
	_, err := s.Run(1 << 20)
	if !errors.Is(err, ErrDiverged) {
		t.Fatalf("err %v, want divergence", err)
	}
	c, err := s.BlowUpCase()
	if err != nil || c.Div == nil {
		t.Fatalf("case %+v, err %v", c, err)
	}
	e, err := Explain(c, ExplainOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if e.SharpErr != nil || relErr(e.Sharp.LambdaMax, lam) > 1e-6 {
		t.Fatalf("λ_max %g (want %g), err %v", e.Sharp.LambdaMax, lam, e.SharpErr)
	}
	text := e.String()
	for _, want := range []string{"diverged in epoch 1", "layer 1 grew fastest", "> 2/λ_max", "try η < "} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
}

func TestExplanationText(t *testing.T) {
	e := Explanation{Cause: "c", Layer: 1, Growth: 14.23, Neuron: 0, Input: 2, Old: 0.531, New: -7.912,
		Eta: 3, Sharp: Sharpness{LambdaMax: 2 / 0.84}, Limit: 0.84}
	want := []string{
		"c",
		"layer 2 grew fastest (‖w‖ ×14.2 in one step); its w[1,3] (neuron 1 ← 3) went 0.531 → −7.91",
		"η = 3.0 > 2/λ_max = 0.84: each step overshoots the valley along its steepest direction; try η < 0.84",
	}
	if got := e.Lines(); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	e.Eta, e.Input, e.Growth = 0.5, -1, math.Inf(1)
	got := e.String()
	for _, s := range []string{"η = 0.5 ≤ 2/λ_max = 0.84", "bias b[1]", "to NaN or ±Inf"} {
		if !strings.Contains(got, s) {
			t.Errorf("lacks %q:\n%s", s, got)
		}
	}
	// over the training set below the limit, over the first update's batch above it
	b := e
	b.Eta, b.Updates, b.FromEpoch, b.FromBatch = 0.5, 12, 3, 2
	b.BatchN, b.BatchLimit, b.BatchEta = 1, 0.2, 0.3
	if got := b.verdict(); got != "η = 0.5 ≤ 2/λ_max = 0.84 over the training set, but > 2/λ_max = 0.2 over the mini-batch of the update that began it (its one sample, at η = 0.3): that step overshot its batch's valley; try η < 0.2" {
		t.Errorf("batch verdict: %s", got)
	}
	b.BatchLimit = 0.6
	if got := b.verdict(); !strings.Contains(got, "at the weights before the blow-up began (epoch 3, batch 2)") {
		t.Errorf("below both limits: %s", got)
	}
	e.Opt, e.Mu, e.Eta, e.Limit = Momentum, 0.9, 3, 0.84*1.9
	if got := e.verdict(); !strings.Contains(got, "η = 3.0 > 2(1+μ)/λ_max = 1.6") {
		t.Errorf("momentum: %s", got)
	}
	for v, want := range map[float64]string{0.8499: "0.849", 0.84: "0.84", 12.2266: "12.2", 2e-5: "2e-05"} {
		if got := floorSig(v); got != want {
			t.Errorf("floorSig(%g) = %s, want %s", v, got, want)
		}
	}
}

// TestShortMinus: the explanation writes negative numbers with the app's
// minus sign U+2212 ("−7.54 → −12.1"), never an ASCII hyphen.
func TestShortMinus(t *testing.T) {
	e := Explanation{Cause: "c", Neuron: 0, Input: 2, Old: -7.54, New: -12.1, Growth: 1.5, Updates: 1}
	e.Sharp.LambdaMax = -5.12e6
	for _, l := range e.Lines() {
		if strings.Contains(l, "-") {
			t.Errorf("ASCII minus in %q", l)
		}
	}
	if got := short(-5.12e-6); got != "−5.12e−06" {
		t.Errorf("short = %q", got)
	}
}

// TestRatio: a jump's factor reads short however large it is.
func TestRatio(t *testing.T) {
	for _, c := range []struct {
		r    float64
		want string
	}{{2.06, "2.1"}, {9999.94, "9999.9"}, {39749363828701832, "4e+16"}, {1.5e300, "1.5e+300"}} {
		if got := ratio(c.r); got != c.want {
			t.Errorf("ratio(%g) = %q, want %q", c.r, got, c.want)
		}
	}
}
