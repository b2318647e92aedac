package lesson

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"backprop/internal/testkit"
	"backprop/themes"
	"backprop/tui/bench"
)

// app is a fake of the core: a real bench, trainer variables set by the
// script, and the lesson. It routes keys as the core must: to the lesson
// when it handles them, else to the screen.
type app struct {
	t         *testing.T
	lesson    Model
	bench     bench.Model
	screen    string
	preset    string
	vars      map[string]Value // trainer state
	completed []string
	dir       string
}

func (a *app) State() State {
	return appState{a}
}

type appState struct{ a *app }

func (s appState) Var(name string) (Value, bool) {
	a := s.a
	if name == "screen" {
		return Str(a.screen), true
	}
	if a.screen == "trainer" || a.screen == "functions" {
		if name == "preset" {
			return Str(a.preset), true
		}
		v, ok := a.vars[name]
		return v, ok
	}
	return Live{Screen: a.screen, Bench: &a.bench}.Var(name)
}
func (s appState) Inputs() []string {
	return Live{Bench: &s.a.bench}.Inputs()
}
func (s appState) Z(x map[string]float64) (float64, bool) {
	return Live{Bench: &s.a.bench}.Z(x)
}
func (s appState) Target(x map[string]float64) (float64, bool) {
	return Live{Bench: &s.a.bench}.Target(x)
}
func (s appState) Weight(l, j, k int) (float64, bool) {
	return Live{Screen: "bench", Bench: &s.a.bench}.Weight(l, j, k)
}

func newApp(t *testing.T, dir string, opts Options) *app {
	t.Helper()
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	opts.StateDir = dir
	m, err := New(ls, opts)
	if err != nil {
		t.Fatal(err)
	}
	b, err := bench.New(bench.Options{})
	if err != nil {
		t.Fatal(err)
	}
	a := &app{t: t, lesson: m, bench: b, screen: "bench", vars: map[string]Value{}}
	a.run(m.Init())
	a.sync()
	return a
}

// run executes cmd and delivers its messages as the core would.
func (a *app) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	switch msg := cmd().(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			a.run(c)
		}
	case SceneMsg:
		a.apply(msg.Scene)
		var c tea.Cmd
		a.lesson, c = a.lesson.Update(msg)
		a.run(c)
	case CompletedMsg:
		a.completed = append(a.completed, msg.Lesson)
	case bench.OpenTrainerMsg:
		a.screen, a.preset = "trainer", msg.Data.Name
		a.vars = map[string]Value{"epoch": Num(0), "steps": Num(0), "phase": Str("idle"), "status": Str("training")}
	case nil:
	default:
		var c tea.Cmd
		a.lesson, c = a.lesson.Update(msg)
		a.run(c)
	}
}

// apply sets the scene up like the core does.
func (a *app) apply(s Scene) {
	t := a.t
	if s.Screen != "" {
		a.screen = s.Screen
	}
	if a.screen == "bench" {
		var err error
		if a.bench, err = ApplyToBench(a.bench, s); err != nil {
			t.Fatal(err)
		}
		return
	}
	if s.Preset != "" {
		a.preset = s.Preset
	}
	if a.screen == "functions" { // the functions bench: no steps yet
		a.vars = map[string]Value{"hand_steps": Num(0), "mse": Num(0.5)}
		return
	}
	if s.Reset || s.Preset != "" || s.Layers != nil || s.Acts != nil || s.Init != "" {
		a.vars = map[string]Value{"epoch": Num(0), "steps": Num(0), "phase": Str("idle"), "status": Str("training")}
	}
	if s.Eta != 0 {
		a.vars["eta"] = Num(s.Eta)
	}
	if s.Batch != 0 {
		a.vars["batch"] = Num(float64(s.Batch))
	}
}

func (a *app) sync() {
	var cmd tea.Cmd
	a.lesson, cmd = a.lesson.Sync(a.State())
	a.run(cmd)
}

// key routes one key press like the core.
func (a *app) key(k string) {
	msg := testkit.Key(k)
	var cmd tea.Cmd
	if a.lesson.HandlesKey(msg) {
		a.lesson, cmd = a.lesson.Update(msg)
	} else if a.screen == "bench" {
		a.bench, cmd = a.bench.Update(msg)
	}
	a.run(cmd)
	a.sync()
}

func (a *app) keys(ks string) {
	for _, k := range strings.Fields(ks) {
		a.key(k)
	}
}

// set changes trainer variables: "phase=cost layer=1".
func (a *app) set(assign string) {
	for _, kv := range strings.Fields(assign) {
		k, v, _ := strings.Cut(kv, "=")
		if k == "screen" { // g on the functions bench opens the trainer
			a.screen = v
			continue
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			a.vars[k] = Num(f)
		} else {
			a.vars[k] = Str(v)
		}
	}
	a.sync()
}

// script: one entry per step; "keys ..." goes through key routing,
// "until K" presses K until the step is done, "set ..." changes the
// trainer, "" does nothing (a reading step).
var scripts = map[string][]string{
	"perceptron": {
		"keys 2 3",
		"keys shift+right",
		"keys up shift+right down down shift+right",
		"keys a",
		"until e",
	},
	"networks": {
		"until e",
		"keys shift+right down shift+right down + + + + +",
		"until e",
		"until e",
		"keys g|set accuracy=1",
		"set phase=forward layer=1",
		"set accuracy=0.95",
	},
	"activations": {
		"keys + + +",
		"keys shift+right shift+right shift+right",
		"",
		"",
	},
	"cost": {
		"set phase=cost",
		"set epoch=1",
		"set loss=0.01",
	},
	"backprop": {
		"set phase=output-delta",
		"set phase=backward layer=0",
		"set phase=accumulate",
		"set phase=update",
	},
	"sgd": {
		"set steps=10",
		"set epoch=5",
		"set epoch=5",
		"set epoch=5",
		"set accuracy=0.95",
	},
	"deep": {
		"set steps=10",
		"set epoch=1 grad_ratio=0.003",
		"set epoch=10",
		"set epoch=1 grad_ratio=0.6",
		"set epoch=5 accuracy=0.96",
	},
	"smallest": {
		"",
		"set test_loss=0.17 params=13",
		"set test_accuracy=0.96 params=13 epoch=20",
	},
	"memory": {
		"set phase=forward time=4",
		"set phase=backward time=1",
		"set test_accuracy=0.995 epoch=20",
	},
	"any-function": {
		"set hand_steps=2 mse=0.01",
		"set hand_steps=4 mse=0.09",
		"set screen=trainer epoch=20 loss=0.04",
	},
}

// answerAll answers the current step's questions, right when right is set.
func (a *app) answerAll(right bool) {
	l, si := a.lesson.Lesson()
	for _, q := range l.Steps[si].Questions {
		ans := q.Answer
		if !right {
			ans = (ans + 1) % len(q.Options)
		}
		a.key(string(rune('a' + ans)))
	}
}

// Every built-in lesson can be completed with its script; predictions are
// asked first, and the checkpoint is not reached before the script runs.
func TestLessonsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	a := newApp(t, dir, Options{})
	a.dir = dir
	ls, _ := Builtin()
	for li, l := range ls {
		script := scripts[l.ID]
		if len(script) != len(l.Steps) {
			t.Fatalf("%s: script has %d steps, lesson %d", l.ID, len(script), len(l.Steps))
		}
		for si, act := range script {
			cur, csi := a.lesson.Lesson()
			if cur.ID != l.ID || csi != si {
				t.Fatalf("at %s/%d, want %s/%d", cur.ID, csi, l.ID, si)
			}
			step := l.Steps[si]
			if len(step.Questions) > 0 {
				if !a.lesson.Asking() {
					t.Fatalf("%s/%d: not asking", l.ID, si)
				}
				a.key("s") // not an answer: the lesson keeps it
				if !a.lesson.Asking() || a.bench.Steps() != 0 && l.ID == "perceptron" && si < 4 {
					t.Fatalf("%s/%d: a key slipped past the question", l.ID, si)
				}
			}
			a.answerAll(si%2 == 0)
			if len(step.Checks) > 0 && a.lesson.StepDone() {
				t.Fatalf("%s/%d %q: checkpoint reached before the script ran", l.ID, si, step.Title)
			}
			for _, part := range strings.Split(act, "|") {
				verb, arg, _ := strings.Cut(part, " ")
				switch verb {
				case "keys":
					a.keys(arg)
				case "set":
					a.set(arg)
				case "until":
					for i := 0; i < 200 && !a.lesson.StepDone(); i++ {
						a.keys(arg)
					}
				}
			}
			if !a.lesson.StepDone() {
				t.Fatalf("%s/%d %q: checkpoint not reached (%s)\n%s", l.ID, si, step.Title, a.lesson.why,
					ansi.Strip(a.bench.View(80, 24)))
			}
			a.key("pgdown")
		}
		if len(a.completed) != li+1 || a.completed[li] != l.ID {
			t.Fatalf("completed %v", a.completed)
		}
	}
	// scores: even steps answered right, odd ones wrong; as saved on disk
	saved, err := LoadProgress(a.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		lp := saved.Lessons[l.ID]
		wantRight, wantAsked := 0, 0
		for si, s := range l.Steps {
			wantAsked += len(s.Questions)
			if si%2 == 0 {
				wantRight += len(s.Questions)
			}
		}
		if r, n := lp.Score(); r != wantRight || n != wantAsked || !lp.Completed {
			t.Errorf("%s: score %d/%d, want %d/%d; completed %v", l.ID, r, n, wantRight, wantAsked, lp.Completed)
		}
	}
}

func TestCannotSkipCheckpoint(t *testing.T) {
	a := newApp(t, t.TempDir(), Options{})
	a.answerAll(true)
	a.key("pgdown")
	if _, si := a.lesson.Lesson(); si != 0 {
		t.Fatalf("skipped to step %d", si)
	}
	if !strings.Contains(a.lesson.note, "checkpoint first") {
		t.Errorf("note %q", a.lesson.note)
	}
	a.keys("2 3 pgdown")
	if _, si := a.lesson.Lesson(); si != 1 {
		t.Fatalf("at step %d after the checkpoint", si)
	}
	// back and forth over reached steps is free
	a.keys("pgup")
	if _, si := a.lesson.Lesson(); si != 0 {
		t.Fatalf("pgup: step %d", si)
	}
	a.answerAll(true)
	a.keys("pgdown")
	if _, si := a.lesson.Lesson(); si != 1 {
		t.Fatalf("pgdown over a reached step: step %d", si)
	}
}

// since() counts from the moment the scene is in place.
func TestSinceCountsFromScene(t *testing.T) {
	a := newApp(t, t.TempDir(), Options{Start: "sgd"})
	a.answerAll(true)
	a.set("steps=9")
	if a.lesson.StepDone() {
		t.Fatal("done after 9 samples")
	}
	a.set("steps=10")
	if !a.lesson.StepDone() {
		t.Fatalf("not done after 10 samples: %s", a.lesson.why)
	}
	// next step: epochs count from 0 again even though epoch is already 2
	a.set("epoch=2")
	a.key("pgdown")
	a.answerAll(true)
	a.set("epoch=6")
	if a.lesson.StepDone() {
		t.Fatal("done after 4 epochs")
	}
	a.set("epoch=7")
	if !a.lesson.StepDone() {
		t.Fatal("not done after 5 epochs")
	}
}

func TestProgressSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	a := newApp(t, dir, Options{})
	a.answerAll(true)
	a.keys("2 3 pgdown")
	a.answerAll(false)
	a.keys("shift+right")
	if !a.lesson.StepDone() {
		t.Fatal("step 2 not done")
	}
	a.key("pgdown")

	data, err := os.ReadFile(filepath.Join(dir, ProgressFile))
	if err != nil {
		t.Fatal(err)
	}
	var p Progress
	if err := json.Unmarshal(data, &p); err != nil {
		t.Fatal(err)
	}
	lp := p.Lessons["perceptron"]
	if lp == nil || lp.Step != 2 || lp.Reached != 2 || lp.Answers["0.0"] != true || lp.Answers["1.0"] != false {
		t.Fatalf("saved %s", data)
	}

	b := newApp(t, dir, Options{})
	l, si := b.lesson.Lesson()
	if l.ID != "perceptron" || si != 2 {
		t.Fatalf("restart at %s/%d", l.ID, si)
	}
	if r, n := b.lesson.Progress().Lessons["perceptron"].Score(); r != 1 || n != 2 {
		t.Errorf("score %d/%d", r, n)
	}
	ls, _ := Builtin()
	if e := b.lesson.Index(); len(e) != len(ls) || e[0].ID != "perceptron" || e[0].Reached != 2 || e[0].Steps != 5 ||
		e[0].Right != 1 || e[0].Asked != 2 || e[0].Completed || e[1].Reached != 0 {
		t.Errorf("index %+v", e)
	}
	if v := ansi.Strip(b.lesson.View(80, 20)); !strings.Contains(v, "step 3/5 · predictions 1/2 right") {
		t.Errorf("view:\n%s", v)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("state dir holds %d files (temp files left?)", len(entries))
	}
}

func TestCorruptProgress(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ProgressFile), []byte("{nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, dir, Options{})
	if !strings.Contains(a.lesson.note, "progress.json") || !strings.Contains(a.lesson.note, "starting afresh") {
		t.Errorf("note %q", a.lesson.note)
	}
}

func TestStateDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/x/state")
	if d, _ := StateDir(""); d != "/x/state/backprop" {
		t.Errorf("XDG: %s", d)
	}
	if d, _ := StateDir("/mine"); d != "/mine" {
		t.Errorf("override: %s", d)
	}
	t.Setenv("XDG_STATE_HOME", "relative")
	t.Setenv("HOME", "/home/u")
	if d, _ := StateDir(""); d != "/home/u/.local/state/backprop" {
		t.Errorf("home: %s", d)
	}
}

func TestOpenUnknown(t *testing.T) {
	ls, _ := Builtin()
	if _, err := New(ls, Options{NoSave: true, Start: "nope"}); err == nil {
		t.Error("unknown start accepted")
	}
	m, _ := New(ls, Options{NoSave: true})
	if _, _, err := m.Open("nope"); err == nil {
		t.Error("Open(nope) accepted")
	}
	m, cmd, err := m.Open("cost")
	if err != nil || cmd == nil {
		t.Fatalf("Open(cost): %v", err)
	}
	if l, _ := m.Lesson(); l.ID != "cost" {
		t.Errorf("at %s", l.ID)
	}
}

func TestViewShort(t *testing.T) {
	a := newApp(t, t.TempDir(), Options{})
	if v := ansi.Strip(a.lesson.View(80, 4)); !strings.Contains(v, "Predict:") || !strings.Contains(v, "a) go") {
		t.Errorf("4 rows while asking:\n%s", v)
	}
	a.answerAll(true)
	ls, _ := Builtin()
	if v := ansi.Strip(a.lesson.View(80, 2)); !strings.HasPrefix(v, fmt.Sprintf("Lesson 1/%d · Meet the perceptron", len(ls))) || !strings.Contains(v, "☐ Goal: say you got leave") {
		t.Errorf("2 rows:\n%s", v)
	}
}

func TestViewFits(t *testing.T) {
	a := newApp(t, t.TempDir(), Options{})
	dark, _ := themes.ByName(themes.Dark)
	a.lesson = a.lesson.WithStyles(themes.New(dark, true))
	for _, sz := range [][2]int{{80, 24}, {40, 10}, {120, 12}, {20, 3}, {1, 1}} {
		v := a.lesson.View(sz[0], sz[1])
		lines := strings.Split(v, "\n")
		if len(lines) > sz[1] {
			t.Errorf("%v: %d lines", sz, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w > sz[0] {
				t.Errorf("%v: line %d wide: %q", sz, w, ansi.Strip(l))
			}
		}
	}
}

// Golden screens of the first step: asking, then revealed.
func TestGoldenStep(t *testing.T) {
	a := newApp(t, t.TempDir(), Options{})
	t.Run("asking", func(t *testing.T) {
		golden.RequireEqual(t, ansi.Strip(a.lesson.View(80, 24)))
	})
	a.key("a") // go: wrong
	a.keys("2 3")
	t.Run("revealed", func(t *testing.T) {
		golden.RequireEqual(t, ansi.Strip(a.lesson.View(80, 24)))
	})
}

func TestZeroModel(t *testing.T) {
	var m Model
	m, _ = m.Update(testkit.Key("a"))
	m, _ = m.Sync(nil)
	if m.View(80, 24) != "" || m.HandlesKey(testkit.Key("a")) || m.Init() != nil || m.Index() != nil {
		t.Error("zero Model does something")
	}
	if l, _ := m.Lesson(); l != nil {
		t.Error("zero Model has a lesson")
	}
}

// Saves run as concurrent Cmds; an older one never overwrites a newer one.
func TestSavesInOrder(t *testing.T) {
	dir := t.TempDir()
	ls, _ := Builtin()
	m, err := New(ls, Options{StateDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	old := m.save()
	m.lp().Step = 3
	newer := m.save()
	newer()
	old() // lands late
	p, err := LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Lessons["perceptron"].Step; got != 3 {
		t.Errorf("step on disk %d, want the newer 3", got)
	}
}

func BenchmarkView(b *testing.B) {
	ls, _ := Builtin()
	m, err := New(ls, Options{NoSave: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("first-render", func(b *testing.B) {
		for b.Loop() {
			m.cache.tr = nil // a new width: glamour renders again
			_ = m.View(80, 24)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/render")
	})
	b.Run("cached", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = m.View(80, 24)
		}
		b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/frame")
	})
}

// A save replaces the file whole (mode 0600, no temp file left); a save
// that cannot write keeps the old progress and says why.
func TestSaveReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	p := &Progress{Version: 1, Lessons: map[string]*LessonProgress{"perceptron": {Step: 2, Reached: 2}}}
	if err := p.Save(dir); err != nil {
		t.Fatal(err)
	}
	p.Lessons["perceptron"].Step = 3
	if err := p.Save(dir); err != nil {
		t.Fatal(err)
	}
	got, err := LoadProgress(dir)
	if err != nil || got.Lessons["perceptron"].Step != 3 {
		t.Fatalf("reloaded %+v, %v", got, err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != ProgressFile {
		t.Errorf("state dir holds %v, want only %s", entries, ProgressFile)
	}
	if fi, err := os.Stat(filepath.Join(dir, ProgressFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v; want 0600", fi.Mode(), err)
	}
	if os.Getuid() == 0 {
		return // root writes into a read-only directory
	}
	if err := os.Chmod(dir, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	p.Lessons["perceptron"].Step = 4
	err = p.Save(dir)
	if err == nil || !strings.Contains(err.Error(), "lesson: save progress") {
		t.Fatalf("save into a read-only dir: %v", err)
	}
	if got, _ := LoadProgress(dir); got.Lessons["perceptron"].Step != 3 {
		t.Errorf("a failed save changed the progress on disk: step %d", got.Lessons["perceptron"].Step)
	}
}

// TestGoalsLive: measurable goals tick while they hold, the first success
// of each is saved with its value, a deadline passed shows ✗, and the step
// is done only when all hold at once.
func TestGoalsLive(t *testing.T) {
	dir := t.TempDir()
	a := newApp(t, dir, Options{})
	m, cmd, err := a.lesson.Open("smallest")
	if err != nil {
		t.Fatal(err)
	}
	a.lesson = m
	a.run(cmd)
	a.answerAll(true)
	a.key("pgdown")
	a.answerAll(true)
	a.set("preset=circle params=33 test_loss=0.15 epoch=20")
	v := ansi.Strip(a.lesson.View(80, 40))
	if !strings.Contains(v, "✓ test_loss <= 0.177 (now 0.15)") || !strings.Contains(v, "☐ params <= 13 (now 33)") || a.lesson.StepDone() {
		t.Fatalf("one goal of two:\n%s", v)
	}
	a.set("params=13 test_loss=0.3")
	if a.lesson.StepDone() {
		t.Fatal("done with the goals met at different times")
	}
	lp := a.lesson.Progress().Lessons["smallest"]
	if r := lp.Goals[GoalKey(1, 0)]; r.Goal != "test_loss <= 0.177" || r.Value != "0.15" || r.At.IsZero() {
		t.Errorf("saved goal 0: %+v", r)
	}
	if r := lp.Goals[GoalKey(1, 1)]; r.Value != "13" {
		t.Errorf("saved goal 1: %+v", r)
	}
	a.set("test_loss=0.17")
	if !a.lesson.StepDone() {
		t.Fatal("not done with both goals met")
	}
	a.key("pgdown")
	a.set("params=13 epoch=60 test_accuracy=0.9")
	if v := strings.Join(strings.Fields(ansi.Strip(a.lesson.View(80, 40))), " "); !strings.Contains(v, "✗ test_accuracy >= 0.95 within 50 epochs (now 0.9); 50 epochs passed: reset to try again") {
		t.Errorf("missed deadline:\n%s", v)
	}
	a.set("test_accuracy=0.97")
	if a.lesson.StepDone() {
		t.Error("done after the deadline")
	}
	p, err := LoadProgress(dir)
	if err != nil || p.Lessons["smallest"].Goals[GoalKey(1, 0)].Value != "0.15" {
		t.Errorf("progress file: %v %+v", err, p.Lessons["smallest"])
	}
}
