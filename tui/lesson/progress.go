package lesson

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"backprop/internal/readfile"
	"backprop/internal/safetext"
)

// ProgressFile is the file name under the state directory.
const ProgressFile = "progress.json"

// Progress is what a learner has done, by lesson ID. It is saved as JSON:
//
//	{"version": 1, "lessons": {"perceptron": {"step": 2, "reached": 3,
//	  "completed": false, "answers": {"0.0": true, "2.0": false}}}}
//
// step is where the learner is, reached how many steps they finished, and
// answers maps "step.question" to whether the prediction was right.
type Progress struct {
	Version int                        `json:"version"`
	Lessons map[string]*LessonProgress `json:"lessons"`
}

// LessonProgress is the progress in one lesson.
type LessonProgress struct {
	Step      int             `json:"step"`
	Reached   int             `json:"reached"`
	Completed bool            `json:"completed"`
	Answers   map[string]bool `json:"answers,omitempty"`
}

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
	c := &Progress{Version: p.Version, Lessons: make(map[string]*LessonProgress, len(p.Lessons))}
	for id, lp := range p.Lessons {
		cp := *lp
		cp.Answers = make(map[string]bool, len(lp.Answers))
		for k, v := range lp.Answers {
			cp.Answers[k] = v
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
	if err := replaceFile(dir, ProgressFile, append(data, '\n')); err != nil {
		return fmt.Errorf("lesson: save progress: %w", err)
	}
	return nil
}

// replaceFile writes data to dir/name through a synced temp file (mode
// 0600) and a rename, then syncs dir.
func replaceFile(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, ".progress-*.json")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
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
