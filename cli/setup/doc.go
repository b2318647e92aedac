// Package setup is backprop's one session builder: the setup type (data,
// network, hyper-parameters), the presets, the flags that fill a Setup, and
// the functions that turn a Setup or a model file into a Session, a stepper
// ready to train with the data it trains on. `backprop train`, `eval`,
// `export`, the trainer (launcher, presets, lessons, the load key, the
// classroom) and every `serve` session build through it.
//
// # Why a package of its own
//
// The command-line package cli imports tui to run the trainer, and the
// trainer builds sessions itself long after the flags are parsed (the
// launcher, a lesson's scene, a loaded file, a teacher's network). The
// builder must therefore sit below both: cli → setup and tui → setup, and
// setup imports only network and datasets. Injecting a builder through
// tui.Options instead would put a hook in every place the trainer opens a
// session and in every server session's options, for one implementation.
//
// # Building
//
//	Setup{Data, Net, Hyper} ──New──▶ Session{Preset, Setup, Dataset, Stepper}
//	model file ──Open──▶ File{Model, Net, Data, Dataset} ──Session──▶ Session
//	flags ──Flags.Resolve──▶ Setup;  Flags.Session: Resolve+New, or Open+Session with --model
//
// New loads the data, fits the network's ends to it (Sizes[0] = inputs,
// Sizes[L] = outputs), checks the Limits, draws the initial weights from
// network.NewRand(Hyper.Seed) and makes the stepper. Open reads a model file,
// decodes its "data" (a datasets.Spec and the preset it came from), looks up
// relative data paths next to the model file when they don't exist from the
// working directory, applies data flags, loads the data and checks that the
// network's ends fit it.
//
// # Invariants
//
//   - The package holds no mutable state; every call builds fresh values.
//   - The same Setup gives the same initial weights and the same training,
//     whichever command builds it.
//   - Flag mistakes are *FlagError (ExitCode 2) and name the flag; bad files
//     and data are plain errors (ExitCode 1) that name the file.
//   - A model file written by Session.ModelFile names its data by absolute
//     paths, so any command finds the data from any working directory.
package setup
