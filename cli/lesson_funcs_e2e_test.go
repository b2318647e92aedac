package cli

import (
	"strings"
	"testing"
)

// TestLessonAnyFunctionE2E completes lesson 9 "Any function" in the built
// binary in tmux at 120×40, as a learner would: predict, build the bump
// from two steps on the functions bench, fit the sine with two bumps, hand
// the network to the trainer and train it. The lesson is complete in the
// progress file.
func TestLessonAnyFunctionE2E(t *testing.T) {
	p, state := startLessonE2E(t, "anyfn", "9-any-function.md")
	flat := flatText
	wait := func(text string) {
		p.WaitFor(text, func(scr string) bool { return strings.Contains(flat(scr), text) })
	}
	keys := func(ks string) {
		for _, k := range strings.Fields(ks) {
			if named, ok := map[string]string{"tab": "Tab", "up": "Up", "down": "Down"}[k]; ok {
				k = named
			}
			p.Keys(k)
		}
	}
	wait("Where is its step?")
	p.Keys("b") // x = 1
	wait("How many hidden neurons")
	p.Keys("b") // 2
	wait("no steps yet")
	keys("b H h h h K tab l l J") // up at −1.0 by 1, down at 1.04 by 1
	wait("Checkpoint reached")
	p.Keys("NPage")
	wait("You cover the sine")
	p.Keys("a") // it falls
	keys("R b up tab L L L l l l l down b H H H H H H H H H H J down down down down down down tab H H H H H K up up up up up up")
	wait("Checkpoint reached")
	p.Keys("NPage")
	wait("Your steps are steep")
	p.Keys("b") // the heights
	p.Keys("g")
	wait("epoch")
	for range 100 {
		if strings.Contains(flat(p.Screen()), "Lesson complete!") {
			break
		}
		p.Keys("e")
	}
	wait("Lesson complete!")
	p.Keys("q")
	p.WaitExit()

	lp := lessonProgressE2E(t, state, "any-function")
	if lp == nil || !lp.Completed {
		t.Errorf("progress: %+v", lp)
	}
}
