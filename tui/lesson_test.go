package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"backprop/network"
)

// run executes a command and feeds its messages back (one level of
// batches), like the program would.
func run(m *Model, cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	msg := cmd()
	if b, ok := msg.(tea.BatchMsg); ok {
		for _, c := range b {
			run(m, c)
		}
		return
	}
	if msg == nil {
		return
	}
	if _, ok := msg.(tea.QuitMsg); ok {
		return
	}
	_, next := m.Update(msg)
	run(m, next)
}

const testLesson = `---
title: Forward first
id: forward-first
---

## Step: Load a sample

` + "```scene\nscreen: trainer\npreset: xor\nstep: phase\n```" + `

Press space once to load the first sample.

` + "```question\nask: What does the load phase set?\noptions: the input a⁰ = x | the weights\nanswer: the input a⁰ = x\nreveal: Loading only sets x and y.\n```" + `

` + "```check\ngoal: load the first sample\nphase == load\n```" + `

## Step: Forward

Now compute the hidden layer.

` + "```check\ngoal: run the forward pass of layer 1\nphase == forward\n```" + `
`

func TestLessonFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mine.md")
	if err := os.WriteFile(path, []byte(testLesson), 0o644); err != nil {
		t.Fatal(err)
	}
	m := newTestModel(t, Options{Lesson: path, StateDir: t.TempDir()}, 120, 40)
	run(m, m.Init())
	if m.screen != screenTrainer || m.tr.sess == nil || m.tr.sess.preset != "xor" {
		t.Fatalf("the scene should open the xor trainer; screen %d", m.screen)
	}
	scr := screen(t, m)
	if !strings.Contains(scr, "Forward first") || !strings.Contains(scr, "What does the load phase set") {
		t.Fatalf("lesson panel missing:\n%s", scr)
	}
	// the question takes the keys until answered: space does not step yet
	press(m, "space")
	if p := m.tr.sess.st.Pos(); p.Phase != network.PhaseIdle {
		t.Fatalf("space stepped while a question was open: %s", p.Phase)
	}
	press(m, "a")
	press(m, "space")
	if !m.lesson.m.StepDone() {
		t.Fatalf("checkpoint phase == load not reached; phase %s", m.tr.sess.st.Pos().Phase)
	}
	_, cmd := m.Update(tea.KeyPressMsg{Code: tea.KeyPgDown})
	run(m, cmd)
	if _, si := m.lesson.m.Lesson(); si != 1 {
		t.Fatalf("pgdown: step %d", si)
	}
	press(m, "space")
	if !m.lesson.m.StepDone() {
		t.Error("forward checkpoint not reached")
	}
	// ctrl+l hides the panel and gives the app the whole width
	if w, _ := m.area(); w >= 120 {
		t.Fatalf("app area %d with the panel shown", w)
	}
	press(m, "ctrl+l")
	if w, _ := m.area(); w != 120 {
		t.Errorf("app area %d with the panel hidden", w)
	}
	// at 80×24 the lesson takes the whole screen; ctrl+l switches
	press(m, "ctrl+l")
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if !strings.Contains(screen(t, m), "ctrl+l shows the app") {
		t.Error("narrow: the lesson should fill the screen")
	}
}

func TestLessonBuiltinFromLauncher(t *testing.T) {
	m := newTestModel(t, Options{StateDir: t.TempDir()}, 120, 40)
	cursorTo(t, m, "guided lessons")
	_, cmd := m.Update(keyMsg("enter"))
	run(m, cmd)
	if !m.lesson.on || m.screen != screenBench {
		t.Fatalf("lessons should start on the perceptron bench; on %v screen %d", m.lesson.on, m.screen)
	}
	if !strings.Contains(screen(t, m), "Lesson 1/") {
		t.Error("no lesson panel")
	}
}

func TestLessonBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.md")
	_ = os.WriteFile(path, []byte("no front matter\n"), 0o644)
	if _, err := New(Options{Lesson: path}); err == nil || !strings.Contains(err.Error(), "bad.md") {
		t.Errorf("bad lesson: %v", err)
	}
}
