package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"backprop/cli/setup"
)

// Every screen at 80×24 and 120×40 as a golden (issue 18's acceptance):
// the launcher, the trainer on each preset (mnist and fashion-mnist with
// the MNIST files), the bench, a lesson, a classroom's teacher and student,
// and the help. TestScreensNotCut then reads each golden as a newcomer
// would, for text cut where there was room. Regenerate with
// `go test ./tui -run TestGoldenScreens -update` and look at what changed.

var screenSizes = [][2]int{{80, 24}, {120, 40}}

// screenCase opens one screen at a size.
type screenCase struct {
	name string
	open func(t *testing.T, w, h int) *Model
}

// presetScreen opens a preset a few samples in, mid-sample (the bench for
// vacation).
func presetScreen(name string) screenCase {
	return screenCase{"preset-" + name, func(t *testing.T, w, h int) *Model {
		opts := Options{Preset: name, StateDir: t.TempDir()}
		switch name {
		case "mnist":
			opts.DataDir = mnistDir(t)
		case "fashion-mnist":
			opts.DataDir = fashionLike(t)
		}
		m := newTestModel(t, opts, w, h)
		if name == "vacation" {
			press(m, "3", "2", "s", "s")
			return m
		}
		press(m, "s", "s", "s", "space", "space")
		return m
	}}
}

// fashionLike is a folder whose fashion-mnist/ holds the MNIST files: the
// fashion-mnist preset's network and class names, on digits (the layout is
// what the golden is for; Fashion-MNIST itself is not downloadable here).
func fashionLike(t *testing.T) string {
	src := mnistDir(t)
	dir := filepath.Join(t.TempDir(), "fashion-mnist")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if err := os.Symlink(filepath.Join(src, e.Name()), filepath.Join(dir, e.Name())); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Dir(dir)
}

func screenCases() []screenCase {
	var cs []screenCase
	for _, p := range setup.Presets() {
		cs = append(cs, presetScreen(p.Name))
	}
	return append(cs,
		screenCase{"launcher", func(t *testing.T, w, h int) *Model {
			return newTestModel(t, Options{StateDir: t.TempDir()}, w, h)
		}},
		screenCase{"launcher-help", func(t *testing.T, w, h int) *Model {
			m := newTestModel(t, Options{StateDir: t.TempDir()}, w, h)
			press(m, "?")
			return m
		}},
		screenCase{"trainer-help", func(t *testing.T, w, h int) *Model {
			m := newTestModel(t, Options{Preset: "xor"}, w, h)
			press(m, "?")
			return m
		}},
		screenCase{"bench-help", func(t *testing.T, w, h int) *Model {
			m := newTestModel(t, Options{Preset: "vacation"}, w, h)
			press(m, "?")
			return m
		}},
		screenCase{"bench-and", func(t *testing.T, w, h int) *Model {
			m := newTestModel(t, Options{Preset: "vacation"}, w, h)
			press(m, "d", "s", "s", "s", "s", "s")
			return m
		}},
		screenCase{"running", func(t *testing.T, w, h int) *Model {
			m := newTestModel(t, Options{Preset: "circle"}, w, h)
			press(m, "r")
			for range 3 {
				m.Update(runTickMsg{id: m.tr.run.id})
			}
			m.tr.run.rate = 12345 // what the ticks measured varies
			return m
		}},
		screenCase{"lesson", func(t *testing.T, w, h int) *Model {
			m := newTestModel(t, Options{StateDir: t.TempDir()}, w, h)
			for i, it := range m.menu.items {
				if it.action == itemLessons {
					m.menu.cursor = i
				}
			}
			press(m, "enter")
			return m
		}},
		screenCase{"lesson-trainer", func(t *testing.T, w, h int) *Model {
			path := filepath.Join(t.TempDir(), "mine.md")
			if err := os.WriteFile(path, []byte(testLesson), 0o644); err != nil {
				t.Fatal(err)
			}
			m := newTestModel(t, Options{Lesson: path, StateDir: t.TempDir()}, w, h)
			run(m, m.Init())
			press(m, "space")
			return m
		}},
		screenCase{"class-teacher", func(t *testing.T, w, h int) *Model {
			m, _ := classPair(t, w, h)
			return m
		}},
		screenCase{"class-student", func(t *testing.T, w, h int) *Model {
			_, m := classPair(t, w, h)
			return m
		}},
		screenCase{"class-roster", func(t *testing.T, w, h int) *Model {
			m, _ := classPair(t, w, h)
			m.Update(classWokeMsg{})
			press(m, "P")
			return m
		}},
	)
}

// classPair is a teacher on xor mid-sample and a student following.
func classPair(t *testing.T, w, h int) (teacher, student *Model) {
	hub := &fakeHub{status: map[string]string{}}
	prof := newTestModel(t, Options{Preset: "xor", Classroom: &fakeMember{hub, "prof", true}}, w, h)
	press(prof, "s", "s", "space", "space", "space")
	ann := newTestModel(t, Options{Classroom: &fakeMember{hub, "ann", false}}, w, h)
	ann.Update(classWokeMsg{})
	return prof, ann
}

func TestGoldenScreens(t *testing.T) {
	for _, c := range screenCases() {
		for _, sz := range screenSizes {
			t.Run(fmt.Sprintf("%s/%dx%d", c.name, sz[0], sz[1]), func(t *testing.T) {
				golden.RequireEqual(t, screen(t, c.open(t, sz[0], sz[1])))
			})
		}
	}
}

// cutAt reports the cells where a line of a screen is cut: a "…" in the
// last cell of the line or of a pane (just before its border).
func cutAt(scr string) []string {
	var cuts []string
	for i, l := range strings.Split(scr, "\n") {
		r := []rune(strings.TrimRight(l, " "))
		for x, c := range r {
			if c != '…' {
				continue
			}
			if x == len(r)-1 && len([]rune(l)) >= 80 && x >= len([]rune(l))-1 || x+1 < len(r) && (r[x+1] == '│' || r[x+1] == '╮') {
				cuts = append(cuts, fmt.Sprintf("row %d: %s", i+1, strings.TrimRight(l, " ")))
			}
		}
	}
	return cuts
}

// TestScreensNotCut: no golden screen cuts a line with "…" at its edge or a
// pane's border.
func TestScreensNotCut(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*.golden")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("testdata/*/*/*.golden")
	files = append(files, more...)
	top, _ := filepath.Glob("testdata/*.golden")
	files = append(files, top...)
	if len(files) < 40 {
		t.Fatalf("only %d golden screens", len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cutAt(string(b)) {
			t.Errorf("%s: cut %s", f, c)
		}
	}
}
