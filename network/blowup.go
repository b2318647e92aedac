package network

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"backprop/internal/numfmt"
)

// Why did it blow up? Two things flag a step: divergence (a NaN or ±Inf,
// see Divergence) and a loss jump: the mean cost of the latest samples
// exceeds Factor times the mean before them, and by more than JumpFloor,
//
//	(1/a) Σ_{i=t−a+1}^{t} C̄_i  >  Factor · (1/b) Σ_{i=t−a−b+1}^{t−a} C̄_i
//
// C̄_i being mini-batch i's mean cost and t the batch about to update,
// a = ⌈JumpSamples/m⌉ batches (at least JumpSamples samples: one sample's
// cost alone jumps all the time) and b = max(JumpWindow, 4a), fewer
// while training has made fewer (but no test before 2a batches: the first
// updates of a fresh network swing widely). A few hard
// samples can still do that near a minimum, so the jump is confirmed only
// when the cost over a fixed subset of JumpConfirm training samples, at
// the weights now, is also more than Factor times (and JumpFloor above) its
// cost at weights kept from the start of a recent update (the trail, see
// blowtrail.go; newest first, so usually the last update's). Those weights
// are where the blow-up began. Explain then says which layer's weights grew
// fastest from there, and which of its weights changed most, and compares
// η with the stability limit 2/λ_max at those weights (see Sharpness). A
// divergence is explained the same way, from the newest kept weights
// whose cost was still near the lowest kept. It works on a BlowUpCase, a
// copy of the weights, so it never touches the Stepper and can run on
// another goroutine.

// JumpWindow is the fewest mini-batches a loss jump's baseline averages.
const JumpWindow = 20

// JumpSamples is the fewest samples whose mean cost is tested for a jump.
const JumpSamples = 32

// JumpConfirm is the number of training samples (SampleIndices with the
// shuffle seed) whose cost at the current weights confirms a jump.
const JumpConfirm = 256

// jumpRing is the number of mini-batch losses kept for the test, a + b at
// m = 1.
const jumpRing = 5 * JumpSamples // a + b at m = 1

// JumpFloor is the least rise of the mean cost (per sample) that counts as
// a jump, beside the factor: near a minimum a cost of 0.013 doubling is
// noise, and so is one of 0.057 (SGD at the edge of stability on digits at
// η 3, back within a few updates), not a blow-up.
const JumpFloor = 0.1

// DefaultBlowupFactor is the trainer's jump factor: a mini-batch loss more
// than twice the recent mean.
const DefaultBlowupFactor = 2.0

// Jump is a detected loss jump.
type Jump struct {
	Pos    Pos     // the mini-batch whose loss jumped, at its Update
	Epoch  int     // counted from 1
	Recent float64 // the mean cost of the latest mini-batches (at least JumpSamples samples)
	Mean   float64 // the mean of the Window mini-batch costs before them
	Window int
	// Before and After are the cost over Samples training samples (the
	// confirming subset) before and after the update to blame.
	Before, After float64
	Samples       int
	Factor        float64
	// Updates is how many updates the jump spans: from the start of the
	// update in epoch FromEpoch, mini-batch FromBatch (counted from 1),
	// whose weights Before is the cost at, to the weights now. 1: the last
	// update did it.
	Updates              int
	FromEpoch, FromBatch int

	before, after params  // the weights before the jump began, and now
	samples       []int   // the mini-batch of the update that began it
	firstEta      float64 // and its η
	upd           int     // the updates on the path when it was detected
}

// SetBlowupFactor turns the loss-jump detector on (f > 1) or off (f = 0).
// With it on, an Update whose mini-batch loss exceeds f times the recent
// mean records a Jump, and Run, RunFor, RunUpTo and RunOn stop after that
// Update (Step does not: its unit ends where it ends). It is a setting of
// the Stepper, not training state: undo and model files leave it alone.
func (s *Stepper) SetBlowupFactor(f float64) error {
	if !(f == 0 || (f > 1 && finite(f))) {
		return fmt.Errorf("network: blow-up factor %g, want 0 (off) or a finite number > 1", f)
	}
	s.blowup = f
	return nil
}

// BlowupFactor is the loss-jump factor in force (0: off).
func (s *Stepper) BlowupFactor() float64 { return s.blowup }

// LastJump is the last loss jump detected (nil for none). Each detection
// makes a new value, so a caller sees a new jump as a new pointer.
func (s *Stepper) LastJump() *Jump { return s.jump }

// checkJump runs at the start of update, when the mini-batch's loss is
// known, s.last still holds the previous update and the trail the starts
// of the updates before.
func (s *Stepper) checkJump(loss float64) {
	if s.blowup == 0 {
		return
	}
	r := &s.recent
	a := min(s.jumpBatches(), r.n)          // the newest batches, this one included
	b := min(max(JumpWindow, 4*a), r.n-a+1) // the baseline before them
	if r.n == 0 || !finite(loss) || b < 1 || r.n+1 < 2*s.jumpBatches() {
		return // a mean of a few samples, or a baseline of fewer than JumpSamples, is noise
	}
	recent := (loss + r.sum(0, a-1)) / float64(a)
	mean := r.sum(a-1, b) / float64(b)
	// the newest batch must be high too: a spike stays in the recent
	// window for a batches, and is confirmed (or not) when it arrives;
	// near a minimum a doubling of a tiny cost is no blow-up
	if !(recent > s.blowup*mean) || !(loss > s.blowup*mean) || !(recent-mean > JumpFloor) {
		return
	}
	// A few hard samples in the latest batches do that too: confirm that
	// the updates since some kept weights multiplied the cost of a fixed
	// subset of the training set by more than the factor.
	sub := s.jumpSubset()
	cost := s.net.Evaluate(sub).Loss
	from := s.jumpOrigin(cost, s.net.Clone())
	if from == nil {
		return
	}
	pos := s.Pos()
	pos.Phase = PhaseUpdate
	s.jump = &Jump{Pos: pos, Epoch: s.c.epoch + 1, Recent: recent, Mean: mean, Window: b,
		Before: from.cost, After: cost, Samples: sub.Len(), Factor: s.blowup,
		Updates: s.upd - from.upd, FromEpoch: from.epoch, FromBatch: from.batch, upd: s.upd,
		before: from.w.clone(), after: s.w.clone(), samples: from.samples, firstEta: from.eta}
}

// jumped reports whether a subset cost now is up from was by the factor
// and JumpFloor.
func (s *Stepper) jumped(now, was float64) bool {
	return now > s.blowup*was && now-was > JumpFloor
}

// lossRing holds the last jumpRing mini-batch losses (a value: undo
// copies it with the state).
type lossRing struct {
	v    [jumpRing]float64
	n    int // values held, ≤ jumpRing
	next int // where the next one goes
}

func (r *lossRing) add(x float64) {
	r.v[r.next] = x
	r.next = (r.next + 1) % jumpRing
	r.n = min(r.n+1, jumpRing)
}

// sum adds k values, skipping the newest skip ones.
func (r *lossRing) sum(skip, k int) float64 {
	s := 0.0
	for i := skip; i < skip+k; i++ {
		s += r.v[(r.next-1-i+2*jumpRing)%jumpRing]
	}
	return s
}

// BlowUpCase is what Explain needs, copied out of a Stepper: the network
// at the weights before and after the step to blame, the hyper-parameters,
// the training data (shared, read-only) and what flagged the step. After a
// divergence, Before is the last update's start and trail the kept starts
// of the updates before it, among which Explain looks for where it began.
type BlowUpCase struct {
	Before, After *Network
	Hyper         Hyper
	Train         Set
	Jump          *Jump       // the loss jump that flagged the step, or nil
	Div           *Divergence // the divergence that flagged it, or nil

	trail  []trailEntry // newest first (a divergence's)
	sub    Set          // the confirming subset the trail's costs are over
	factor float64
	epoch  int // where Before is: the update's epoch and batch, from 1 (0: unknown)
	batch  int
	span   int     // updates from Before to After
	first  []int   // the mini-batch of the first update after Before (nil: not known)
	eta1   float64 // that update's η
	now    int     // the updates on the path at After
}

// ErrNoStep is returned by BlowUpCase when there is nothing to explain.
var ErrNoStep = errors.New("network: no update to explain yet")

// BlowUpCase copies the step to explain: after a divergence, from the start
// of the last Update (the one that blew up, or the last before a NaN in a
// forward pass) or, with the detector on, of a kept update before it; else
// the last loss jump's updates. Call it on the goroutine that drives the
// stepper; the result is independent of it.
func (s *Stepper) BlowUpCase() (BlowUpCase, error) {
	c := BlowUpCase{Hyper: s.h, Train: s.train, Before: s.net.Clone(), After: s.net.Clone(), span: 1, now: s.upd,
		factor: cmp.Or(s.blowup, DefaultBlowupFactor)}
	switch {
	case s.status == Diverged && s.last != nil:
		c.Div = s.div
		for l, u := range s.last {
			copy(c.Before.Layers[l].W, u.OldW)
			copy(c.Before.Layers[l].B, u.OldB)
		}
		if s.blowup != 0 {
			c.trail, c.sub = s.trailCopy(), s.jumpSubset()
		}
		if len(c.trail) > 0 {
			c.epoch, c.batch, c.first, c.eta1 = c.trail[0].epoch, c.trail[0].batch, c.trail[0].samples, c.trail[0].eta
		}
	case s.jump != nil:
		c.Jump = s.jump
		paramsOf(c.Before).copyFrom(s.jump.before)
		paramsOf(c.After).copyFrom(s.jump.after)
		c.epoch, c.batch, c.span, c.first, c.eta1 = s.jump.FromEpoch, s.jump.FromBatch, s.jump.Updates, s.jump.samples, s.jump.firstEta
	default:
		return BlowUpCase{}, ErrNoStep
	}
	return c, nil
}

// divOrigin moves a divergence's Before back to where it began: the newest
// kept weights whose cost over the subset is finite and at most factor
// times the lowest kept cost (plus JumpFloor). Without a trail Before stays
// the last update's start.
func (c *BlowUpCase) divOrigin() {
	low := math.Inf(1)
	scratch := c.Before.Clone()
	costs := make([]float64, len(c.trail)) // c.trail is shared with the caller's copy: not written
	for i, e := range c.trail {
		costs[i] = e.cost
		if math.IsNaN(e.cost) && e.w.finite() {
			costs[i] = evalAt(scratch, e.w, c.sub)
		}
		if finite(costs[i]) && e.w.finite() {
			low = min(low, costs[i])
		}
	}
	if math.IsInf(low, 1) {
		return
	}
	for i, e := range c.trail {
		if finite(costs[i]) && e.w.finite() && costs[i] <= c.factor*low+JumpFloor {
			paramsOf(c.Before).copyFrom(e.w)
			c.epoch, c.batch, c.span, c.first, c.eta1 = e.epoch, e.batch, c.now-e.upd, e.samples, e.eta
			return
		}
	}
}

// Explanation says why a step blew up.
type Explanation struct {
	Cause string // what flagged the step
	// Layer is the layer whose parameters grew fastest in the step, by
	// Growth = ‖θ^l_after‖/‖θ^l_before‖ (θ^l: its weights and biases; +Inf
	// for a NaN or ±Inf). Neuron and Input name its parameter that changed
	// most, |Δ| largest (Input −1: the bias of Neuron), from Old to New.
	Layer         int
	Growth        float64
	Neuron, Input int
	Old, New      float64
	// Updates is how many updates the step spans (1: the last update),
	// from the update in epoch FromEpoch, mini-batch FromBatch (counted
	// from 1; 0: not known).
	Updates              int
	FromEpoch, FromBatch int

	Eta   float64
	Opt   Optimizer
	Mu    float64
	Sharp Sharpness // at the weights before the step
	// SharpErr is why λ_max could not be computed (nil when it was).
	SharpErr error
	// Limit is the largest stable η on the quadratic model of the cost:
	// 2/λ_max for SGD and Adam's plain-gradient reading, 2(1+μ)/λ_max
	// for momentum (heavy ball); +Inf when λ_max ≤ 0.
	Limit float64
	// BatchSharp and BatchLimit are the same over the mini-batch of the
	// update that began the blow-up (BatchN samples; 0: not worked out,
	// as when it is the whole training set): the valley that step
	// descended.
	BatchSharp Sharpness
	BatchLimit float64
	BatchN     int
	BatchEta   float64 // the η of that update
}

// ExplainOptions tune Explain.
type ExplainOptions struct {
	// Samples bounds the training samples λ_max averages over (0: 1000);
	// a larger set is subsampled with SampleIndices(n, Samples, Hyper.Seed).
	Samples   int
	Sharpness SharpnessOptions
}

// Explain explains c: the fastest-growing layer and weight of the step, and
// η against the stability limit at the weights before it.
func Explain(c BlowUpCase, opt ExplainOptions) (Explanation, error) {
	if c.Before == nil || c.After == nil || len(c.Before.Layers) != len(c.After.Layers) {
		return Explanation{}, ErrNoStep
	}
	if c.Div != nil {
		c.divOrigin()
	}
	e := Explanation{Cause: c.cause(), Eta: c.Hyper.Eta, Opt: c.Hyper.Opt, Mu: c.Hyper.Mu,
		Updates: max(c.span, 1), FromEpoch: c.epoch, FromBatch: c.batch}
	e.Layer, e.Growth = fastestLayer(c.Before, c.After)
	e.Neuron, e.Input, e.Old, e.New = largestChange(c.Before.Layers[e.Layer], c.After.Layers[e.Layer])
	idx := SampleIndices(c.Train.Len(), cmp.Or(opt.Samples, 1000), c.Hyper.Seed)
	o, err := NewObjective(c.Before, c.Hyper, c.Train, idx)
	if err == nil {
		sopt := opt.Sharpness
		if sopt.Seed == 0 {
			sopt.Seed = c.Hyper.Seed
		}
		e.Sharp, err = o.Sharpness(sopt)
	}
	e.SharpErr = err
	e.Limit = e.limit(e.Sharp.LambdaMax, err)
	if n := len(c.first); n > 0 && n < len(idx) {
		if o, err := NewObjective(c.Before, c.Hyper, c.Train, c.first); err == nil {
			sopt := opt.Sharpness
			if sopt.Seed == 0 {
				sopt.Seed = c.Hyper.Seed
			}
			if e.BatchSharp, err = o.Sharpness(sopt); err == nil {
				e.BatchN, e.BatchLimit, e.BatchEta = n, e.limit(e.BatchSharp.LambdaMax, nil), cmp.Or(c.eta1, c.Hyper.Eta)
			}
		}
	}
	return e, nil
}

// limit is the stability limit for λ_max (see Explanation.Limit).
func (e Explanation) limit(lam float64, err error) float64 {
	if err != nil || !(lam > 0) {
		return math.Inf(1)
	}
	if e.Opt == Momentum {
		return 2 * (1 + e.Mu) / lam
	}
	return 2 / lam
}

// cause says what flagged the step.
func (c BlowUpCase) cause() string {
	switch {
	case c.Div != nil && c.Div.Detail != "":
		return fmt.Sprintf("diverged in epoch %d: the %s of layer %d exploded: %s (%s explained)", c.Div.Epoch, c.Div.What, c.Div.Layer+1, c.Div.Detail, c.updates(true))
	case c.Div != nil:
		where := "the cost"
		if c.Div.Layer >= 0 {
			where = fmt.Sprintf("the %s of layer %d", c.Div.What, c.Div.Layer+1)
		}
		return fmt.Sprintf("diverged in epoch %d, batch %d: %s became NaN or ±Inf (%s explained)", c.Div.Epoch, c.Div.Pos.Batch+1, where, c.updates(true))
	case c.Jump != nil:
		j := c.Jump
		return fmt.Sprintf("loss jump in epoch %d, batch %d: the latest mini-batches' mean cost %s is %s× the mean before them, %s; %s took the cost of %d training samples from %s to %s (a rise of over %g× is flagged)",
			j.Epoch, j.Pos.Batch+1, short(j.Recent), ratio(j.Recent/j.Mean), short(j.Mean), c.updates(false), j.Samples, short(j.Before), short(j.After), j.Factor)
	}
	return "the last step"
}

// updates names the updates explained: "the last update", "the 12 updates
// since epoch 3, batch 2"; with verb, followed by "is" or "are".
func (c BlowUpCase) updates(verb bool) string {
	s, v := "the last update", " is"
	if c.span > 1 {
		s, v = fmt.Sprintf("the %d updates since epoch %d, batch %d", c.span, c.epoch, c.batch), " are"
	}
	if verb {
		return s + v
	}
	return s
}

// fastestLayer is the layer with the largest ‖θ_after‖/‖θ_before‖.
func fastestLayer(before, after *Network) (int, float64) {
	best, bestG := 0, -1.0
	for l := range before.Layers {
		b, a := before.Layers[l], after.Layers[l]
		nb := math.Hypot(norm2(b.W), norm2(b.B))
		na := math.Hypot(norm2(a.W), norm2(a.B))
		g := na / nb
		switch {
		case !finite(na):
			g = math.Inf(1)
		case nb == 0 && na == 0:
			g = 1
		}
		if g > bestG {
			best, bestG = l, g
		}
	}
	return best, bestG
}

// largestChange is the parameter of the layer with the largest |new − old|
// (a non-finite new value first): neuron j, input k (−1: the bias).
func largestChange(before, after *Layer) (j, k int, old, nw float64) {
	bestD := -1.0
	try := func(jj, kk int, o, n float64) {
		d := math.Abs(n - o)
		if !finite(n) {
			d = math.Inf(1)
		}
		if d > bestD {
			bestD, j, k, old, nw = d, jj, kk, o, n
		}
	}
	for i, w := range after.W {
		try(i/before.In, i%before.In, before.W[i], w)
	}
	for i, b := range after.B {
		try(i, -1, before.B[i], b)
	}
	return j, k, old, nw
}

// Lines is the explanation as text, one finding a line, for example
//
//	η = 3.0 > 2/λ_max = 0.84: each step overshoots the valley along its steepest direction; try η < 0.84
func (e Explanation) Lines() []string {
	what := fmt.Sprintf("w[%d,%d] (neuron %d ← %d)", e.Neuron+1, e.Input+1, e.Neuron+1, e.Input+1)
	if e.Input < 0 {
		what = fmt.Sprintf("bias b[%d]", e.Neuron+1)
	}
	growth := "×" + short(e.Growth)
	if math.IsInf(e.Growth, 1) {
		growth = "to NaN or ±Inf"
	}
	in := "one step"
	if e.Updates > 1 {
		in = fmt.Sprintf("%d updates", e.Updates)
	}
	lines := []string{
		e.Cause,
		fmt.Sprintf("layer %d grew fastest (‖w‖ %s in %s); its %s went %s → %s", e.Layer+1, growth, in, what, short(e.Old), short(e.New)),
	}
	return append(lines, e.verdict())
}

// verdict compares η with the stability limit.
func (e Explanation) verdict() string {
	if e.SharpErr != nil {
		return "λ_max: " + strings.TrimPrefix(e.SharpErr.Error(), "sharpness: network: ")
	}
	limit := "2/λ_max"
	if e.Opt == Momentum {
		limit = "2(1+μ)/λ_max"
	}
	eta := etaString(e.Eta)
	lam := e.Sharp.LambdaMax
	switch {
	case math.Abs(lam) < 1e-9:
		return fmt.Sprintf("λ_max = %s: the cost is flat at the weights before the step (saturated units pass no gradient), so curvature sets no limit on η; a smaller η keeps the units from saturating", short(lam))
	case lam < 0:
		return fmt.Sprintf("λ_max = %s < 0 at the weights before the step: the cost curves down along every direction, so no η is too large by curvature", short(lam))
	case e.Opt == Adam:
		return fmt.Sprintf("η = %s, 2/λ_max = %s: Adam divides each weight's step by √v̂, so its steps are about η per weight whatever the gradient; try a smaller η", eta, short(e.Limit))
	case e.Eta > e.Limit:
		return fmt.Sprintf("η = %s > %s = %s: each step overshoots the valley along its steepest direction; try η < %s",
			eta, limit, short(e.Limit), floorSig(e.Limit))
	}
	where, what := "the step", "the step"
	if e.Updates > 1 {
		where = fmt.Sprintf("the blow-up began (epoch %d, batch %d)", e.FromEpoch, e.FromBatch)
		what = "the updates"
	}
	if e.BatchN > 0 && e.BatchEta > e.BatchLimit && e.Eta > e.BatchLimit && e.Opt != Adam {
		samples := fmt.Sprintf("its %d samples", e.BatchN)
		if e.BatchN == 1 {
			samples = "its one sample"
		}
		at := ""
		if e.BatchEta != e.Eta {
			at = ", at η = " + etaString(e.BatchEta)
		}
		return fmt.Sprintf("η = %s ≤ %s = %s over the training set, but > %s = %s over the mini-batch of the update that began it (%s%s): that step overshot its batch's valley; try η < %s",
			eta, limit, short(e.Limit), limit, short(e.BatchLimit), samples, at, floorSig(e.BatchLimit))
	}
	return fmt.Sprintf("η = %s ≤ %s = %s at the weights before %s: not an overshoot along the steepest direction there; the mini-batch's gradient or a sharper place %s reached did it",
		eta, limit, short(e.Limit), where, what)
}

// String is Lines joined by newlines.
func (e Explanation) String() string { return strings.Join(e.Lines(), "\n") }

// short formats v with 3 significant digits (0.842, −14.2, 3.1e+05) and
// the minus sign U+2212, as the app shows every number (numfmt).
func short(v float64) string { return numfmt.G(v, 3) }

// ratio writes a factor: one decimal (2.1), or two digits and an exponent
// from 10⁴ up (4e+16), never a row of seventeen digits.
func ratio(r float64) string {
	if math.Abs(r) < 1e4 {
		return strconv.FormatFloat(r, 'f', 1, 64)
	}
	return numfmt.G(r, 2)
}

// etaString writes η as given, with ".0" on whole numbers (3.0).
func etaString(v float64) string {
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEN") {
		s += ".0"
	}
	return s
}

// floorSig rounds v > 0 down to 3 significant digits, so that "try η < x"
// is below the limit (and reads as the limit shown when that is exact).
func floorSig(v float64) string {
	p := math.Pow(10, math.Floor(math.Log10(v))-2)
	return strconv.FormatFloat(math.Floor(v/p*(1+1e-12))*p, 'g', 3, 64)
}

// jumpSet is the confirming subset of checkJump, kept while the training
// set and the seed that pick it stay the same: a jump test fires on many
// noisy batches near a minimum, and picking the subset anew each time
// (a permutation of the whole set) cost more than the evaluation.
type jumpSet struct {
	n    int
	seed uint64
	set  Set
}

// jumpSubset is JumpConfirm training samples (SampleIndices with the
// shuffle seed), as a float64 set.
func (s *Stepper) jumpSubset() Set {
	if c := s.jumpSub; c != nil && c.n == s.train.Len() && c.seed == s.h.Seed {
		return c.set
	}
	s.jumpSub = &jumpSet{n: s.train.Len(), seed: s.h.Seed,
		set: s.train.Pick(SampleIndices(s.train.Len(), JumpConfirm, s.h.Seed))}
	return s.jumpSub.set
}
