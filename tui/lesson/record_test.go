package lesson

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// runAll runs cmd and the commands of its batches, dropping their results.
func runAll(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if b, ok := cmd().(tea.BatchMsg); ok {
		for _, c := range b {
			runAll(c)
		}
	}
}

// clock is a settable time source for Options.Now.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// A prediction is recorded (option, right or not, time) as it is made,
// saved at once, and replaced by a new one until the step is done; the
// checkpoint stamps the step done; a revisit after that changes neither
// the record nor the score.
func TestAnswersRecorded(t *testing.T) {
	dir := t.TempDir()
	c := &clock{time.Date(2025, 3, 4, 10, 2, 11, 500, time.FixedZone("CET", 3600))}
	a := newApp(t, dir, Options{Now: c.now})
	rev := a.lesson.Progress().Rev()
	a.key("a") // "go": wrong (every weight 0 and θ = 0.5: it stays)
	lp := a.lesson.Progress().Lessons["perceptron"]
	want := Answer{Choice: 0, Option: "go", Correct: false, At: time.Date(2025, 3, 4, 9, 2, 11, 0, time.UTC)}
	if got := lp.Given["0.0"]; got != want {
		t.Fatalf("given %+v, want %+v", got, want)
	}
	if a.lesson.Progress().Rev() == rev {
		t.Error("Rev unchanged by an answer")
	}
	if _, ok := lp.Answers["0.0"]; ok {
		t.Error("scored before the checkpoint")
	}
	saved, err := LoadProgress(dir)
	if err != nil || saved.Lessons["perceptron"].Given["0.0"] != want {
		t.Fatalf("answer not saved at once: %+v, %v", saved.Lessons["perceptron"], err)
	}

	// back before the checkpoint and a new prediction: it replaces the old
	c.t = c.t.Add(time.Minute)
	var cmd tea.Cmd
	a.lesson, cmd = a.lesson.enter(0, 0) // left and entered again: asked again
	a.run(cmd)
	a.key("b")
	if got := lp.Given["0.0"]; got.Option != "stay" || !got.Correct || !got.At.Equal(want.At.Add(time.Minute)) {
		t.Fatalf("second prediction before the checkpoint: %+v", got)
	}

	// the checkpoint: scored, stamped
	c.t = c.t.Add(30 * time.Second)
	a.keys("2 3")
	if !a.lesson.StepDone() {
		t.Fatal("checkpoint not reached")
	}
	at, ok := lp.DoneAt(0)
	if !ok || !at.Equal(want.At.Add(90*time.Second)) || lp.Answers["0.0"] != true {
		t.Fatalf("done %v %v, answers %v", at, ok, lp.Answers)
	}

	// revisit: asked again, but the first prediction and the score stand
	a.key("pgdown")
	a.key("pgup")
	c.t = c.t.Add(time.Hour)
	a.key("a")
	a.sync()
	if got := lp.Given["0.0"]; got.Option != "stay" || lp.Answers["0.0"] != true {
		t.Errorf("a revisit changed the record: %+v, score %v", got, lp.Answers["0.0"])
	}
	if at2, _ := lp.DoneAt(0); !at2.Equal(at) {
		t.Errorf("a revisit moved the done time to %v", at2)
	}
	saved, _ = LoadProgress(dir)
	if g := saved.Lessons["perceptron"].Given["0.0"]; g.Option != "stay" {
		t.Errorf("on disk %+v", g)
	}
}

// Progress files from before given and done load, and keep working.
func TestProgressOldFormat(t *testing.T) {
	dir := t.TempDir()
	old := `{"version": 1, "lessons": {"perceptron": {"step": 1, "reached": 1, "completed": false, "answers": {"0.0": true}}}}`
	if err := os.WriteFile(filepath.Join(dir, ProgressFile), []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	lp := p.Lessons["perceptron"]
	if lp.Given != nil || lp.Done != nil || !lp.Answers["0.0"] {
		t.Fatalf("loaded %+v", lp)
	}
	if _, ok := lp.DoneAt(0); ok {
		t.Error("DoneAt true without a record")
	}
	var nilLP *LessonProgress
	if _, ok := nilLP.DoneAt(0); ok {
		t.Error("nil DoneAt")
	}
}

// Clone is deep: changing the copy's records leaves the original alone.
func TestCloneDeep(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &Progress{Version: 1, Lessons: map[string]*LessonProgress{"x": {
		Answers: map[string]bool{"0.0": true},
		Given:   map[string]Answer{"0.0": {Choice: 1, Option: "b", Correct: true, At: at}},
		Done:    map[string]time.Time{"0": at},
	}}}
	c := p.Clone()
	c.Lessons["x"].Given["0.0"] = Answer{}
	c.Lessons["x"].Done["1"] = at
	c.Lessons["x"].Answers["0.0"] = false
	lp := p.Lessons["x"]
	if lp.Given["0.0"].Option != "b" || len(lp.Done) != 1 || !lp.Answers["0.0"] {
		t.Errorf("original changed: %+v", lp)
	}
	b1, _ := json.Marshal(p)
	b2, _ := json.Marshal(p.Clone())
	if string(b1) != string(b2) {
		t.Errorf("clone differs:\n%s\n%s", b1, b2)
	}
}

// The progress file is fsynced before it is renamed into place, and the
// folder after.
func TestSaveSyncsBeforeRename(t *testing.T) {
	dir := t.TempDir()
	var steps []string
	if err := replaceFile(dir, ProgressFile, []byte("{}\n"), func(s string) { steps = append(steps, s) }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"write", "sync", "close", "rename", "sync dir"}; !slices.Equal(steps, want) {
		t.Errorf("steps %v, want %v", steps, want)
	}
}

// memStore is a Store in memory (as a key-value store would be).
type memStore struct {
	p     *Progress
	saves int
}

func (s *memStore) Load() (*Progress, error) {
	if s.p == nil {
		return &Progress{Version: 1, Lessons: map[string]*LessonProgress{}}, nil
	}
	return s.p.Clone(), nil
}
func (s *memStore) Save(p *Progress) error { s.p, s.saves = p.Clone(), s.saves+1; return nil }

// Options.Store replaces the state directory.
func TestStoreOption(t *testing.T) {
	st := &memStore{p: &Progress{Version: 1, Lessons: map[string]*LessonProgress{"perceptron": {Step: 2, Reached: 2}}}}
	ls, _ := Builtin()
	m, err := New(ls, Options{Store: st, StateDir: "/nonexistent/never/used"})
	if err != nil {
		t.Fatal(err)
	}
	if _, si := m.Lesson(); si != 2 {
		t.Fatalf("opened at step %d, want the stored 2", si)
	}
	m, cmd := m.enter(0, 3)
	runAll(cmd)
	_ = m
	if st.saves == 0 || st.p.Lessons["perceptron"].Step != 3 {
		t.Errorf("saves %d, stored %+v", st.saves, st.p.Lessons["perceptron"])
	}
	if _, err := os.Stat("/nonexistent/never/used"); err == nil {
		t.Error("the state dir was created")
	}
}
