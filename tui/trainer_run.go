package tui

import (
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/network"
)

// runState is run mode: a tick carrying an id (so pause/resume never
// doubles the rate) trains for a time budget and schedules the next tick.
type runState struct {
	on      bool
	id      int
	speed   int       // index into speedLevels
	last    time.Time // when the previous tick's training ended
	rate    float64   // samples/s, smoothed
	samples int       // samples trained in run mode since it started
	// snapped: this run's undo snapshot is taken (by its first Run/RunFor)
	// and nothing else changed the session since (its version is snapVer),
	// so later ticks continue without one: a whole run is one undo step.
	snapped bool
	snapVer uint64
	// toEpoch: a run started by the step-epoch key on a big training set;
	// it stops at the epoch's end (after its evaluation).
	toEpoch bool
}

// tickPeriod is the run-mode redraw period (20 Hz).
const tickPeriod = 50 * time.Millisecond

// budgetShare is the share of a tick period spent training at full speed.
const budgetShare = 0.9

// syncEpochSamples: up to this many training samples the step-epoch key
// steps the epoch at once (digits: ~10 ms); bigger sets run to the epoch's
// end in run-mode ticks.
const syncEpochSamples = 10_000

// defaultSpeed picks a run speed a person can follow for small data sets
// — about two weight updates a tick, 40 a second, whatever the batch size
// (per samples an update): XOR forms its boundary over some 30 s, circle
// in a few seconds — and full speed for big ones (n training samples).
func defaultSpeed(n, per int) int {
	levels := speedLevels()
	if n >= bigData {
		return len(levels) - 1
	}
	i := 0
	for i+1 < len(levels)-1 && levels[i+1] <= 2*max(per, 1) {
		i++
	}
	return i
}

// bigData is the training-set size from which run mode starts at full
// speed (digits, MNIST): watching them sample by sample shows little.
const bigData = 1000

// speedLevels are samples per tick; 0 means "as many as the time budget
// allows". + and - step through them.
func speedLevels() []int { return []int{1, 2, 5, 10, 20, 50, 100, 200, 500, 0} }

func speedLabel(i int) string {
	n := speedLevels()[i]
	if n == 0 {
		return "full"
	}
	return fmt.Sprintf("%d/tick", n)
}

type runTickMsg struct{ id int }

func (t *trainer) toggleRun() tea.Cmd {
	if t.run.on {
		t.run.on = false
		t.catchUp()
		t.app.setFlash("paused", false)
		return nil
	}
	if st := t.sess.st.Status(); st == network.Diverged {
		t.app.setFlash("training diverged: undo (u) or reset (R) first", true)
		return nil
	}
	t.run.on = true
	t.run.id++
	t.run.last = time.Time{}
	t.run.samples = 0
	t.run.snapped = false
	t.run.toEpoch = false
	return t.tickCmd(tickPeriod)
}

func (t *trainer) tickCmd(d time.Duration) tea.Cmd {
	id := t.run.id
	return tea.Tick(d, func(time.Time) tea.Msg { return runTickMsg{id: id} })
}

// stepEpoch steps a whole epoch; a big one (MNIST: ~0.75 s) runs in ticks
// so keys stay live, and stops at the epoch's end.
func (t *trainer) stepEpoch() tea.Cmd {
	s := t.sess
	if s.data.Train.Len() <= syncEpochSamples || s.st.Hyper().Rule != network.Backprop {
		w := t.watchBlowup()
		t.step(network.ByEpoch)
		return t.checkBlowup(w)
	}
	if t.run.on {
		t.run.toEpoch = true
		return nil
	}
	if t.toggleRun(); !t.run.on {
		return nil // refused (diverged), with its flash
	}
	t.run.toEpoch = true
	t.app.setFlash("running to the end of the epoch (r pauses)", false)
	return t.tickCmd(0)
}

// onTick trains for one tick and schedules the next. Training happens here,
// in Update, within a budget, so the screen redraws once per tick and keys
// are handled between ticks. When the run stops, the twins catch up.
func (t *trainer) onTick(msg runTickMsg) tea.Cmd {
	if !t.run.on || msg.id != t.run.id || t.sess == nil {
		return nil
	}
	cmd := t.tick()
	if !t.run.on {
		t.catchUp()
	}
	return cmd
}

// tick is onTick's training and its outcome.
func (t *trainer) tick() tea.Cmd {
	start := time.Now()
	s := t.sess
	before, hist := s.st.Pos(), len(s.st.History())
	evBefore, _ := s.st.Evaluating()
	w := t.watchBlowup()
	n, err := t.trainTick()
	end := time.Now()
	if ev, _ := s.st.Evaluating(); n > 0 || s.st.Pos() != before || len(s.st.History()) != hist || ev != evBefore {
		s.version++
	}
	if t.run.snapped {
		t.run.snapVer = s.version
	}
	t.measureRate(n, end)
	if t.run.toEpoch && err == nil && s.st.Pos().Phase == network.PhaseEpochEnd {
		t.run.on, t.run.toEpoch = false, false
		t.app.setFlash(fmt.Sprintf("epoch %d done", epochShown(s.st.Pos())), false)
		return nil
	}
	if why := t.checkBlowup(w); why != nil {
		if err != nil {
			t.app.setFlash(err.Error(), true)
		}
		return why // paused: the explanation follows
	}
	if err != nil || s.st.Status() != network.Training {
		t.run.on = false
		if err != nil {
			t.app.setFlash(err.Error(), true)
		} else {
			t.app.setFlash("stopped: "+s.st.Status().String(), false)
		}
		return nil
	}
	return t.tickCmd(max(tickPeriod-end.Sub(start), 5*time.Millisecond))
}

// measureRate smooths the samples/s the status bar shows.
func (t *trainer) measureRate(n int, end time.Time) {
	if !t.run.last.IsZero() {
		if dt := end.Sub(t.run.last).Seconds(); dt > 0 {
			r := float64(n) / dt
			if t.run.rate == 0 {
				t.run.rate = r
			} else {
				t.run.rate = 0.8*t.run.rate + 0.2*r
			}
		}
	}
	t.run.last = end
	t.run.samples += n
}

// trainTick runs one tick's worth of samples at the current speed.
func (t *trainer) trainTick() (int, error) {
	per := speedLevels()[t.run.speed]
	want := time.Duration(float64(tickPeriod) * budgetShare)
	if per > 0 {
		want = tickPeriod / 4
	}
	grant := want
	budget := t.app.opts.Budget
	if budget != nil {
		grant = budget.Grant(want)
		if grant <= 0 {
			return 0, nil
		}
	}
	start := time.Now()
	var n int
	var err error
	share := grant / time.Duration(max(len(t.twins.list), 1)) // twins train in the same budget
	if t.run.toEpoch {
		n, err = t.trainToEpoch(share)
	} else {
		n, err = t.trainFor(per, share)
	}
	t.runTwins(per, share)
	if budget != nil {
		budget.Done(time.Since(start))
	}
	return n, err
}

// trainToEpoch trains (then evaluates) up to the epoch's end.
func (t *trainer) trainToEpoch(grant time.Duration) (n int, err error) {
	st := t.sess.st
	cont := t.run.snapped && t.sess.version == t.run.snapVer
	switch left := st.EpochLeft(); {
	case left == 0:
		st.EvaluateFor(grant)
	case cont:
		n, err = st.RunOn(left, grant)
	default:
		n, err = st.RunUpTo(left, grant)
		t.run.snapped = true
	}
	return n, err
}

// trainFor trains per samples (0: for the grant), continuing the run's
// undo step when nothing else changed the session since.
func (t *trainer) trainFor(per int, grant time.Duration) (n int, err error) {
	st := t.sess.st
	cont := t.run.snapped && t.sess.version == t.run.snapVer
	switch _, due := st.Evaluating(); {
	case per > 0 && due > 0:
		st.EvaluateFor(grant) // slow speeds: the epoch's evaluation in slices too
	case cont && per > 0:
		n, err = st.RunOn(per, 0)
	case cont:
		n, err = st.RunOn(0, grant)
	case per > 0:
		n, err = st.Run(per)
		t.run.snapped = true
	default:
		n, err = st.RunFor(grant)
		t.run.snapped = true
	}
	return n, err
}
