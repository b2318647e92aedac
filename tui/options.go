package tui

// CONTRACT: the trainer's entry point, used by cli/ and server/. Names and
// signatures stay; fields may be added.

import (
	"time"

	"backprop/cli/setup"
	"backprop/tui/lesson"
)

// Options configures one trainer session. The zero value opens the launcher.
type Options struct {
	// Preset skips the launcher ("xor", "digits", ...). Empty: launcher, unless
	// Custom or ModelPath is set.
	Preset string
	// Custom, when non-nil, builds the session from explicit flags.
	Custom *Setup
	// ModelPath resumes from a model file.
	ModelPath string
	// Theme is a theme name; empty picks dark or light from the terminal.
	Theme string
	// Lesson is a lesson file to open (empty: none).
	Lesson string
	// StateDir stores per-user lesson progress; empty: XDG state dir.
	StateDir string
	// Progress, when set, keeps the lesson progress instead of StateDir's
	// file (the server's shared store, issue 20).
	Progress lesson.Store
	// Sandbox disables reading and writing arbitrary files (SSH sessions):
	// save and load go to SaveDir only, by base name.
	Sandbox bool
	SaveDir string
	// DataDir is where the mnist and fashion-mnist presets look for their
	// idx files (datasets.Spec.DataDir); empty: only the system locations.
	DataDir string
	// Limits cap network and data size (0 = unlimited).
	Limits Limits
	// Budget shares CPU between sessions; nil means train as fast as the
	// tick allows.
	Budget Budget
	// BlowupFactor pauses run mode when a mini-batch's loss exceeds this
	// many times the recent mean (network.Stepper.SetBlowupFactor); 0 is
	// network.DefaultBlowupFactor, negative turns the check off.
	BlowupFactor float64
	// Autosave, when positive (and SaveDir is set), writes the trainer's
	// network to SaveDir/autosave-<preset>.json this often while it has
	// changed (the server sets it when sessions are shared between
	// instances, so a session lost with its instance loses at most this
	// much training).
	Autosave time.Duration
	// Classroom connects the session to a teacher-led class; nil = alone.
	Classroom Classroom
}

// Setup is a fully specified session: data, network and hyper-parameters.
// It is the session builder's type (package cli/setup), which the CLI, the
// trainer and the server share.
type Setup = setup.Setup

// Limits caps what one session may build (0 = unlimited; UndoBudget 0 is
// setup.DefaultUndoBudget, 16 MiB). The session builder enforces them.
type Limits = setup.Limits

// Budget hands out training time. Grant blocks for no longer than it takes
// to decide and returns how long the caller may train now (possibly 0).
// Done reports the time actually used.
type Budget interface {
	Grant(want time.Duration) time.Duration
	Done(used time.Duration)
}

// Classroom is one session's handle on a teacher-led class, implemented by
// the SSH server's hub (tui never imports server). The teacher's session
// publishes its state; each student session follows it read-only, can fork
// a private copy and rejoin. All methods are safe for concurrent use; only
// Wait blocks.
type Classroom interface {
	// IsTeacher reports whether this session drives the shared network.
	IsTeacher() bool
	// Name is this member's display name (the key's comment in the
	// server's key file, else the SSH user name; sanitised).
	Name() string

	// Publish (teacher) shares the current state. Cheap: the hub keeps only
	// the latest state and wakes students at most ~10 times a second.
	// No-op for students.
	Publish(ClassState)
	// Latest returns the teacher's most recent state; false before the
	// teacher has published anything.
	Latest() (ClassState, bool)
	// Roster lists the class, teachers first, then by name: one row per
	// person (key or user name) however many sessions they have open, and
	// students stay on it after they leave (Sessions 0).
	Roster() []ClassMember

	// SetStatus reports where this member is, for the teacher's roster:
	// following the teacher or working on a fork, and a short position
	// such as "lesson 2 step 3" or "epoch 4".
	SetStatus(following bool, where string)
	// SetProgress reports this member's lessons for the teacher's roster:
	// the lesson open ("" for none) and its step (0-based), and the
	// progress in every lesson. p is the caller's own copy: the class
	// keeps it and only reads it.
	SetProgress(lessonID string, step int, p *lesson.Progress)
	// SetWork reports this member's training at a glance, for the
	// teacher's class wall (ClassWork; nil: no trainer open). w is the
	// caller's own value: the class keeps it and only reads it; a shared
	// store may move w.Model to an object store and carry a reference.
	SetWork(w *ClassWork)

	// Wait blocks until something changed for this member (students: a
	// newer teacher state; teacher: the roster) and returns true; it
	// returns false once the session or the class has ended, so a tea.Cmd
	// that calls it never outlives the session. Re-issue it after each
	// message.
	Wait() bool
}

// ClassState is a snapshot of the teacher's session.
type ClassState struct {
	// Version increases with every Publish.
	Version uint64
	// Model is the teacher's network in the model-file format (what
	// network.Save writes), so a student can load it or fork it.
	Model []byte
	// Preset, Lesson and LessonStep say where the teacher is.
	Preset     string
	Lesson     string
	LessonStep int
	// Status is one line for the students' status bar, e.g.
	// "epoch 3 · Backward layer 1".
	Status string
}

// ClassMember is one row of the teacher's roster: one person. It is
// plain data (JSON-tagged), so a shared store can hold it.
type ClassMember struct {
	// ID is the person's stable identity: their key, else their user name
	// (the server's folder name for them).
	ID        string `json:"id"`
	Name      string `json:"name"`
	Teacher   bool   `json:"teacher,omitempty"`
	Following bool   `json:"following"`
	// Where is a forked member's position ("xor · epoch 3 · Forward L1").
	Where string    `json:"where,omitempty"`
	Since time.Time `json:"since"`
	// Sessions counts the sessions open now; 0: the student left.
	Sessions int `json:"sessions"`
	// LastInput is when the person last pressed a key, or, when gone, when
	// their last session ended.
	LastInput time.Time `json:"last_input"`
	// Lesson is the lesson open ("" for none) and Step its step, 0-based.
	Lesson string `json:"lesson,omitempty"`
	Step   int    `json:"step"`
	// Progress is their progress in every lesson, read-only (nil: none
	// reported yet).
	Progress *lesson.Progress `json:"progress,omitempty"`
	// Work is their training at a glance (SetWork), for the class wall;
	// nil: none reported (no trainer open, or not since they connected).
	Work *ClassWork `json:"work,omitempty"`
}
