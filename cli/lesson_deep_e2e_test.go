package cli

import (
	"strings"
	"testing"

	"backprop/tui/lesson"
)

// TestLessonDeepE2E completes lesson 7, "Why deep nets were hard", in the
// built binary in tmux at 120×40, as a learner would: predict, step a
// mini-batch on the Surface, train an epoch and read the first layer's
// gradient ratio in the Gradients pane (vanishing, under 0.05), train to
// epoch 10 without learning, then with ReLU and He init see the ratio above
// 0.2 and 90% accuracy within 10 epochs. The goals met are in the progress
// file.
func TestLessonDeepE2E(t *testing.T) {
	p, state := startLessonE2E(t, "deep", "7-deep.md")
	flat := flatText
	// has reports whether the lesson panel (the right-hand columns from its
	// frame's corner on) or the app holds text, lines joined
	has := func(text string) func(string) bool {
		return func(scr string) bool {
			return strings.Contains(flat(lessonPanel(scr)), text) || strings.Contains(flat(scr), text)
		}
	}
	epochsUntil := func(text string, n int) {
		for range n {
			if has(text)(p.Screen()) {
				return
			}
			p.Keys("e")
		}
		p.WaitFor(text, has(text))
	}
	next := func(title string) {
		p.Keys("NPage")
		p.WaitFor(title, has(title))
	}

	p.WaitFor("the first question", has("Which way will the point move"))
	p.Keys("a") // downhill
	p.WaitText("C(w⁵₁₁, b⁵₁)")
	p.Keys("b")
	p.WaitFor("the step on the surface", has("Checkpoint reached"))
	if scr := p.Screen(); !strings.ContainsAny(scr, "←→↑↓↖↗↘↙") {
		t.Errorf("no arrow of the step on the Surface pane:\n%s", scr)
	}

	next("Which layer learns slowest?")
	p.Keys("a") // layer 1
	p.WaitFor("the second question", has("It will be about"))
	p.Keys("c") // 1/100 or less
	p.WaitText("‖∂C/∂W‖ and ‖δ‖ per layer")
	p.Keys("e")
	p.WaitFor("the ratio goal", has("✓ grad_ratio <= 0.05 (now 0.00"))
	p.WaitFor("the checkpoint", has("Checkpoint reached"))

	next("Stuck")
	p.Keys("a") // about 50%
	epochsUntil("Checkpoint reached", 12)

	next("ReLU and He init")
	p.Keys("b") // above 1/5
	p.WaitFor("ReLU layers", has("L1 rlu"))
	p.Keys("e")
	p.WaitFor("the ratio goal", has("✓ grad_ratio >= 0.2"))
	p.WaitFor("the checkpoint", has("Checkpoint reached"))

	next("Learning again")
	p.Keys("a") // within 10 epochs
	epochsUntil("Lesson complete!", 12)
	if scr := flat(p.Screen()); !strings.Contains(scr, "✓ accuracy >= 0.9 within 10 epochs") {
		t.Errorf("the accuracy goal is not ticked:\n%s", p.Screen())
	}
	p.Keys("q")
	p.WaitExit()

	lp := lessonProgressE2E(t, state, "deep")
	if lp == nil || !lp.Completed || lp.Goals[lesson.GoalKey(1, 0)].Goal != "grad_ratio <= 0.05" || lp.Goals[lesson.GoalKey(3, 0)].Value == "" {
		t.Fatalf("progress: %+v", lp)
	}
	if r, n := lp.Score(); r != n || n != 6 {
		t.Errorf("score %d/%d, want 6/6", r, n)
	}
}

// lessonPanel is the text of the lesson panel beside the app: on every
// line, the columns from the panel frame's left edge on, without the frame.
func lessonPanel(scr string) string {
	lines := strings.Split(scr, "\n")
	x := -1
	for _, ln := range lines {
		if i := strings.Index(ln, "╭─ Lesson"); i >= 0 {
			x = len([]rune(ln[:i]))
			break
		}
	}
	if x < 0 {
		return ""
	}
	var b strings.Builder
	for _, ln := range lines {
		if r := []rune(ln); len(r) > x {
			b.WriteString(strings.Trim(string(r[x:]), "│╭╮╰╯─ "))
			b.WriteByte(' ')
		}
	}
	return b.String()
}
