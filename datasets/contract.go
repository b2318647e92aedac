package datasets

// CONTRACT: fixes the public API of datasets so the CLI, the trainer and the
// engine work can proceed in parallel. Implementations replace the TODO
// bodies; names and signatures stay (additions are fine).

import (
	"errors"

	"backprop/internal/compact"
)

// Set is a data set: X[i] is an input vector, Y[i] its target vector. It
// converts directly to network.Set. A compact set (the idx images) holds
// its inputs in U8 instead and X is nil: input i is U8's row i, byte b read
// as b/255; read inputs through Len and Input to take both forms. Its Y
// rows may share backing arrays (one one-hot vector per class): sets are
// read-only once loaded.
//
// A sequence set (Seq > 0) holds one sequence per row: X[i] is T_i time
// steps of Seq values (step t at X[i][t·Seq:(t+1)·Seq]) and Y[i] T_i steps
// of targets; a step whose targets are NaN has none (see network.Set).
type Set struct {
	X, Y [][]float64
	U8   *compact.U8
	Seq  int // inputs per time step of a sequence set; 0 otherwise
}

// Kind says what the targets mean.
type Kind uint8

const (
	Classification Kind = iota // Y is one-hot over Classes, or a single 0/1 column for two classes
	Regression                 // Y holds real values
)

// Dataset is a loaded, split data set ready for training.
type Dataset struct {
	Name     string   // "xor", "digits", or the CSV path
	About    string   // one line: what it is and where it comes from
	Features []string // input names, e.g. "tickets cheap"
	Targets  []string // output names (class names for one-hot, or target columns)
	Classes  []string // class names; nil for regression
	Kind     Kind
	Train    Set
	Test     Set // empty when Split is 1
	// Shared is set on a data set handed out by a Shared cache: its rows
	// are one read-only copy that every session holds, charged once
	// (Limits.MaxSamples does not count them against a session).
	Shared bool
	// Image is the W×H shape of an input that is a picture (8×8 digits), or 0×0.
	ImageW, ImageH int
	// Lo and Hi bound each feature (for plotting 2-D data).
	Lo, Hi []float64
	// Vocab is a text set's characters, in code point order: character k
	// is input and output k (see SampleText). nil for other sets.
	Vocab []rune
}

// Spec names a data set and how to prepare it. Name is a built-in name (see
// Names) or a CSV path.
type Spec struct {
	Name      string   `json:"name"`
	Target    []string `json:"target,omitempty"`    // CSV target columns, by header name or 0-based index; default: the last column
	Noise     float64  `json:"noise,omitempty"`     // generators: noise, TF Playground scale 0..MaxNoise (0.5; e.g. 0.1)
	Samples   int      `json:"samples,omitempty"`   // generators: number of points; 0 means the default
	Split     float64  `json:"split,omitempty"`     // fraction used for training, (0,1]; 0 means the default for the set; 1 means no test set
	Seed      uint64   `json:"seed"`                // generators and the split
	Normalize bool     `json:"normalize,omitempty"` // standardise features to zero mean, unit variance (train statistics)
	// Raw keeps the features of iris, wine and breast-cancer as they are
	// (those three are normalised by default; Normalize forces it for any set).
	Raw bool `json:"raw,omitempty"`
	// TargetKind overrides how CSV targets are read: "" (auto, see ReadCSV),
	// "class" or "real".
	TargetKind string `json:"target_kind,omitempty"`
	// Steps is the length of a generated sequence (sequence sets; 0: the
	// set's default) and Delay echo's delay (0: 2).
	Steps int `json:"steps,omitempty"`
	Delay int `json:"delay,omitempty"`
	// DataDir is where the mnist and fashion-mnist presets look for idx
	// files (the CLI fills it from --data-dir or $BACKPROP_DATA).
	DataDir string `json:"data_dir,omitempty"`
	// MaxBytes bounds the decoded data a file may hold: the text of a CSV
	// (after gunzip), the pixels an idx header claims, and the memory the
	// loaded rows take (8 bytes a value). 0 means DefaultMaxBytes (1 GiB).
	// Loaders check it before they allocate and stop with a *LimitError.
	// It is a limit of the running program, not part of the data's
	// description, so model files do not keep it.
	MaxBytes int64 `json:"-"`
}

// Info describes a built-in data set for menus and --help.
type Info struct {
	Name, About string
	Inputs      int
	Outputs     int
}

// ErrUnknown is returned for a name that is neither built in nor a file.
var ErrUnknown = errors.New("datasets: unknown data set")
