package tui

// CONTRACT: the trainer's entry point, used by main.go and server/. Names and
// signatures stay; fields may be added.

import (
	"time"

	"backprop/datasets"
	"backprop/network"
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
	// Classroom connects the session to a teacher-led class; nil = alone.
	Classroom Classroom
}

// Setup is a fully specified session: data, network and hyper-parameters.
type Setup struct {
	Data  datasets.Spec
	Net   network.Spec
	Hyper network.Hyper
}

// Limits caps what one session may build.
type Limits struct {
	MaxNeurons int
	MaxWeights int
	MaxSamples int
}

// Budget hands out training time. Grant blocks for no longer than it takes
// to decide and returns how long the caller may train now (possibly 0).
// Done reports the time actually used.
type Budget interface {
	Grant(want time.Duration) time.Duration
	Done(used time.Duration)
}

// Classroom is implemented by the SSH server's classroom hub. Defined here so
// tui never imports server. (Shape to be finalised with the classroom work.)
type Classroom interface {
	// IsTeacher reports whether this session drives the shared network.
	IsTeacher() bool
}
