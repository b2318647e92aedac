package cli

import (
	"path/filepath"
	"strings"
	"testing"

	"backprop/internal/testkit"
	"backprop/tui/lesson"
)

// startLessonE2E runs the built binary on the built-in lesson file (in
// tui/lesson/lessons) in tmux at 120×40, with its own state folder for the
// progress file, which lessonProgressE2E reads after the pane exits.
func startLessonE2E(t *testing.T, name, file string) (p *testkit.Pane, state string) {
	t.Helper()
	x := testkit.NewTmux(t)
	_, bin := buildBinary(t)
	dir, state := t.TempDir(), t.TempDir()
	abs, err := filepath.Abs(filepath.Join("../tui/lesson/lessons", file))
	if err != nil {
		t.Fatal(err)
	}
	return x.Start(name, 120, 40, dir, "env", "XDG_STATE_HOME="+state, bin, "--lesson", abs), state
}

// flatText is s with every run of white space one space (screen text
// across wrapped lines).
func flatText(s string) string { return strings.Join(strings.Fields(s), " ") }

// lessonProgressE2E is lesson id's saved progress under state (nil if none).
func lessonProgressE2E(t *testing.T, state, id string) *lesson.LessonProgress {
	t.Helper()
	t.Setenv("XDG_STATE_HOME", state)
	sd, err := lesson.StateDir("")
	if err != nil {
		t.Fatal(err)
	}
	prog, err := lesson.LoadProgress(sd)
	if err != nil {
		t.Fatal(err)
	}
	return prog.Lessons[id]
}
