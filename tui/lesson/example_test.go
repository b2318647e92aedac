package lesson_test

import (
	"fmt"

	tea "charm.land/bubbletea/v2"

	"backprop/tui/bench"
	"backprop/tui/lesson"
)

// The protocol between the app and a lesson: apply each SceneMsg and pass it
// back, route keys (the lesson first when it HandlesKey), and Sync after
// every change.
func Example() {
	l, err := lesson.Parse("mine.md", []byte(`---
title: Weather only
id: weather-only
---
## Step: Only the weather
`+"```scene\nscreen: bench\npreset: vacation\nweights: 0 0 0\nthreshold: 0.5\nfocus: 3\n```"+`
Make the unit follow the weather.
`+"```question\nask: Which weight must beat θ?\noptions: w₁ | w₂ | w₃\nanswer: w₃\n```"+`
`+"```check\ngoal: go only when the weather is nice\nfollows(weather)\n```"+`
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	m, _ := lesson.New([]*lesson.Lesson{l}, lesson.Options{NoSave: true})
	b, _ := bench.New(bench.Options{})

	var run func(cmd tea.Cmd)
	run = func(cmd tea.Cmd) {
		if cmd == nil {
			return
		}
		switch msg := cmd().(type) {
		case tea.BatchMsg:
			for _, c := range msg {
				run(c)
			}
		case lesson.SceneMsg:
			b, _ = lesson.ApplyToBench(b, msg.Scene)
			m, _ = m.Update(msg) // the scene is in place
		case lesson.CompletedMsg:
			fmt.Println("completed", msg.Lesson)
		}
	}
	key := func(k tea.KeyPressMsg) {
		var cmd tea.Cmd
		if m.HandlesKey(k) {
			m, cmd = m.Update(k)
		} else {
			b, cmd = b.Update(k)
		}
		run(cmd)
		m, cmd = m.Sync(lesson.Live{Screen: "bench", Bench: &b})
		run(cmd)
	}

	run(m.Init())
	fmt.Println("asking:", m.Asking())
	key(tea.KeyPressMsg{Code: 'c', Text: "c"})                  // predict w₃
	key(tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift}) // w₃ = 1 > θ
	fmt.Println("done:", m.StepDone(), "weights:", b.Weights())
	// Output:
	// asking: true
	// completed weather-only
	// done: true weights: [0 0 1]
}
