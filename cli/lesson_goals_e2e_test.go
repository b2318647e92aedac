package cli

import (
	"strings"
	"testing"

	"backprop/tui/lesson"
)

// TestLessonGoalsE2E completes the built-in lesson "The smallest network"
// in the built binary in tmux at 120×40, as a learner would: answer, cut
// the hidden layer from 8 to 3 neurons, train epoch by epoch until both
// goals tick, then beat the 50-epoch deadline. The goals met are in the
// progress file.
func TestLessonGoalsE2E(t *testing.T) {
	p, state := startLessonE2E(t, "goals", "10-smallest.md")
	flat := flatText
	epochsUntil := func(text string) {
		for range 300 {
			if strings.Contains(flat(p.Screen()), text) {
				return
			}
			p.Keys("e")
		}
		p.WaitFor(text, func(scr string) bool { return strings.Contains(flat(scr), text) })
	}
	p.WaitText("How many weights and biases")
	p.Keys("c") // 33
	p.WaitText("pgdn")
	p.Keys("NPage")
	p.WaitText("How many hidden tanh units")
	p.Keys("c") // 3
	p.WaitFor("the goals", func(scr string) bool { return strings.Contains(flat(scr), "☐ params <= 13 (now 33)") })
	p.Keys("Left", "N", "N", "N", "N", "N")
	p.WaitFor("13 parameters", func(scr string) bool { return strings.Contains(flat(scr), "✓ params <= 13 (now 13)") })
	epochsUntil("Checkpoint reached")
	if scr := flat(p.Screen()); !strings.Contains(scr, "✓ test_loss <= 0.177") {
		t.Errorf("the test-loss goal is not ticked:\n%s", p.Screen())
	}
	p.Keys("NPage")
	p.WaitText("Against the clock")
	epochsUntil("Lesson complete!")
	p.Keys("q")
	p.WaitExit()

	lp := lessonProgressE2E(t, state, "smallest")
	if lp == nil || !lp.Completed || lp.Goals[lesson.GoalKey(1, 0)].Goal != "test_loss <= 0.177" || lp.Goals[lesson.GoalKey(2, 0)].Value == "" {
		t.Errorf("progress: %+v", lp)
	}
}
