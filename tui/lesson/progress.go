package lesson

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"backprop/internal/readfile"
	"backprop/internal/safetext"
)

// ProgressFile is the file name under the state directory.
const ProgressFile = "progress.json"

// Progress is what a learner has done, by lesson ID. It is saved as JSON:
//
//	{"version": 1, "lessons": {"perceptron": {"step": 2, "reached": 3,
//	  "completed": false, "answers": {"0.0": true, "2.0": false},
//	  "given": {"0.0": {"choice": 1, "option": "stay", "correct": true,
//	    "at": "2025-03-04T10:02:11Z"}, …},
//	  "done": {"0": "2025-03-04T10:02:30Z", …}}}}
//
// step is where the learner is (0-based), reached how many steps they
// finished, and answers maps "step.question" (both 0-based) to whether the
// prediction was right, scored when the step's checkpoint is first
// reached. given records each prediction as it is made (the option, right
// or not, when), and done when each step was first done (its checkpoint
// reached, or its questions answered in a step without one): the teacher's
// roster and the gradebook report read them. Files written before given
// and done existed load with both empty.
type Progress struct {
	Version int                        `json:"version"`
	Lessons map[string]*LessonProgress `json:"lessons"`

	rev uint64 // bumped by Model at every change (Rev)
}

// LessonProgress is the progress in one lesson.
type LessonProgress struct {
	Step      int                  `json:"step"`
	Reached   int                  `json:"reached"`
	Completed bool                 `json:"completed"`
	Answers   map[string]bool      `json:"answers,omitempty"`
	Given     map[string]Answer    `json:"given,omitempty"`
	Done      map[string]time.Time `json:"done,omitempty"`
	// Goals are the measurable goals met, by GoalKey: the first time each
	// held, with the value it measured then.
	Goals map[string]GoalRecord `json:"goals,omitempty"`
}

// GoalRecord is a measurable goal met: the goal as the lesson had it, the
// value it measured ("0.169") and when (UTC).
type GoalRecord struct {
	Goal  string    `json:"goal"`
	Value string    `json:"value,omitempty"`
	At    time.Time `json:"at"`
}

// GoalKey is the key of goal gi of step si in Goals: "si.gi", 0-based.
func GoalKey(si, gi int) string { return strconv.Itoa(si) + "." + strconv.Itoa(gi) }

// Answer is one prediction: the option chosen (index and text, as the
// lesson had it then), whether it was the right one, and when (UTC).
type Answer struct {
	Choice  int       `json:"choice"`
	Option  string    `json:"option"`
	Correct bool      `json:"correct"`
	At      time.Time `json:"at"`
}

// AnswerKey is the key of question qi of step si in Answers and Given:
// "si.qi", both 0-based.
func AnswerKey(si, qi int) string { return strconv.Itoa(si) + "." + strconv.Itoa(qi) }

// DoneAt reports when step si was first done; false if it was not (or
// before progress files recorded it).
func (lp *LessonProgress) DoneAt(si int) (time.Time, bool) {
	if lp == nil {
		return time.Time{}, false
	}
	t, ok := lp.Done[strconv.Itoa(si)]
	return t, ok
}

// Rev counts the changes the lesson Model made to p since it was loaded:
// a caller that shows p elsewhere (the teacher's roster) compares it to
// know when to copy p again.
func (p *Progress) Rev() uint64 { return p.rev }

// Store keeps one learner's progress. DirStore, a progress.json file in a
// directory, is what the app uses; a key-value store can implement it as
// well. Save must be atomic and durable: a reader sees the old progress or
// the new, whole, and a save that returned survives a crash.
type Store interface {
	Load() (*Progress, error)
	Save(*Progress) error
}

// DirStore is the progress.json file in a directory (LoadProgress, Save).
type DirStore string

// Load reads the progress; a missing file is empty progress.
func (d DirStore) Load() (*Progress, error) { return LoadProgress(string(d)) }

// Save writes the progress atomically and durably.
func (d DirStore) Save(p *Progress) error { return p.Save(string(d)) }

// Score counts right predictions and predictions made.
func (lp *LessonProgress) Score() (right, asked int) {
	if lp == nil {
		return 0, 0
	}
	for _, ok := range lp.Answers {
		asked++
		if ok {
			right++
		}
	}
	return right, asked
}

// StateDir returns dir if set, else $XDG_STATE_HOME/backprop, else
// ~/.local/state/backprop.
func StateDir(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	if x := os.Getenv("XDG_STATE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "backprop"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("lesson: no state directory: %w", err)
	}
	return filepath.Join(home, ".local", "state", "backprop"), nil
}

// MaxProgressBytes bounds the progress file (a lesson's progress takes
// about 100 bytes).
const MaxProgressBytes = 4 << 20

// LoadProgress reads dir/progress.json. A missing file is empty progress; a
// file over MaxProgressBytes is refused before it is read.
func LoadProgress(dir string) (*Progress, error) {
	p := &Progress{Version: 1, Lessons: map[string]*LessonProgress{}}
	path := filepath.Join(dir, ProgressFile)
	data, err := readfile.Read(path, "a lesson progress file", MaxProgressBytes)
	if errors.Is(err, os.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("lesson: %w", err)
	}
	if err := json.Unmarshal(data, p); err != nil {
		return &Progress{Version: 1, Lessons: map[string]*LessonProgress{}}, fmt.Errorf("lesson: %s: %w", safetext.Line(path), err)
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	for id, lp := range p.Lessons {
		if lp == nil || lp.Step < 0 || lp.Reached < 0 {
			delete(p.Lessons, id)
		}
	}
	return p, nil
}

// Clone returns a deep copy (to save from a Cmd while the model moves on).
func (p *Progress) Clone() *Progress {
	c := &Progress{Version: p.Version, Lessons: make(map[string]*LessonProgress, len(p.Lessons)), rev: p.rev}
	for id, lp := range p.Lessons {
		cp := *lp
		cp.Answers = maps.Clone(lp.Answers)
		cp.Given = maps.Clone(lp.Given)
		cp.Done = maps.Clone(lp.Done)
		if cp.Answers == nil {
			cp.Answers = map[string]bool{}
		}
		c.Lessons[id] = &cp
	}
	return c
}

// Save writes dir/progress.json atomically and durably: a temp file in
// dir, fsynced, renamed over the old file, then the directory fsynced so
// the rename itself survives a crash. A reader sees the old progress or
// the new, whole; a failed save leaves the old file and no temp file.
func (p *Progress) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("lesson: save progress: %w", err)
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("lesson: save progress: %w", err)
	}
	if err := replaceFile(dir, ProgressFile, append(data, '\n'), nil); err != nil {
		return fmt.Errorf("lesson: save progress: %w", err)
	}
	return nil
}

// replaceFile writes data to dir/name through a temp file (mode 0600)
// that is fsynced before it is renamed over name, then syncs dir. did,
// when not nil, is told each step as it succeeds ("write", "sync",
// "close", "rename", "sync dir"): the test of that order.
func replaceFile(dir, name string, data []byte, did func(step string)) error {
	if did == nil {
		did = func(string) {}
	}
	f, err := os.CreateTemp(dir, ".progress-*.json")
	if err != nil {
		return err
	}
	tmp := f.Name()
	step := func(name string, err error) error {
		if err == nil {
			did(name)
		}
		return err
	}
	_, err = f.Write(data)
	err = step("write", err)
	if err == nil {
		err = step("sync", f.Sync())
	}
	if cerr := step("close", f.Close()); err == nil {
		err = cerr
	}
	if err == nil {
		err = step("rename", os.Rename(tmp, filepath.Join(dir, name)))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return step("sync dir", syncDir(dir))
}

// syncDir fsyncs a directory, making a rename in it durable. Windows
// cannot open a directory for syncing; there it is a no-op.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
