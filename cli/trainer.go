package cli

import (
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
	"backprop/tui"
)

func trainerCommand() command {
	training := []string{"rule", "opt", "lr", "momentum", "batch", "l1", "l2", "clip", "bptt", "threads"}
	return command{
		name:    "trainer",
		summary: "open the interactive trainer (the default; `backprop --help` lists its flags)",
		usage:   "backprop [flags]",
		about: `Watch a neural network learn and step it by hand. With no flags a launcher
lists the presets; --preset, --data or --model skip it.`,
		groups: []flagGroup{
			{"trainer flags", []string{"preset", "theme", "lesson", "model", "blowup-factor", "version"}},
			{"data flags (with --preset they change the preset's data)", append(setup.DataFlagNames(), setup.MaxDataFlag)},
			{"network flags", setup.NetworkFlagNames()},
			{"training flags", training},
		},
		footer: "In the trainer press ? for every key.\nOther commands: train, race, eval, sample, export, plot, serve, report, version, completion (backprop help COMMAND).",
		examples: []string{
			"backprop                                   # the launcher: pick a preset with ↑/↓ and enter",
			"backprop --preset xor --lr 5 --batch 4     # a preset with some settings changed",
			"backprop --data circle --layers _,8,_ --act tanh,sigmoid --cost cross-entropy --lr 0.5",
			"backprop --model saved.json                # resume a saved model exactly where it stopped",
			"backprop --theme light --lesson my-lesson.md",
		},
		flags: func(fs *flag.FlagSet) runFunc {
			var opts tui.Options
			fs.StringVar(&opts.Preset, "preset", "", "open a preset directly: "+setup.PresetNames())
			fs.StringVar(&opts.Theme, "theme", "", "colour theme: "+strings.Join(themes.Names(), ", ")+" (default: dark or light from the terminal; NO_COLOR gives mono)")
			fs.StringVar(&opts.Lesson, "lesson", "", "open a lesson `FILE` (Markdown)")
			version := fs.Bool("version", false, "print the version and exit")
			fs.Float64Var(&opts.BlowupFactor, "blowup-factor", network.DefaultBlowupFactor,
				"pause run mode and explain when a mini-batch's loss exceeds `F` times the mean of the last 10 (F > 1; 0 turns it off)")
			threads := threadsFlag(fs)
			sf := setup.AddFlags(fs) // includes --model
			return func(stdout, stderr io.Writer) int {
				if *version {
					fmt.Fprintln(stdout, versionLine())
					return 0
				}
				switch f := opts.BlowupFactor; {
				case f == 0:
					opts.BlowupFactor = -1 // off
				case !(f > 1) || math.IsInf(f, 0):
					fmt.Fprintf(stderr, "backprop: --blowup-factor: must be a number > 1, or 0 for off, got %g\n", f)
					return 2
				}
				n, err := resolveThreads(*threads)
				if err != nil {
					fmt.Fprintf(stderr, "backprop: %v\n", err)
					return setup.ExitCode(err)
				}
				opts.Limits.Threads = n
				return runTrainer(sf, opts, stdout, stderr)
			}
		},
	}
}

// runTrainer runs the interactive trainer (the default command): the
// launcher, or straight into a preset, a model file or a setup built from
// the setup flags (--data, --layers, --lr, ...).
func runTrainer(sf *setup.Flags, opts tui.Options, stdout, stderr io.Writer) int {
	if !themes.Valid(opts.Theme) {
		fmt.Fprintf(stderr, "backprop: --theme: unknown theme %q (want one of %s)\n", opts.Theme, strings.Join(themes.Names(), ", "))
		return 2
	}
	if opts.Preset != "" {
		if _, err := setup.FindPreset(opts.Preset); err != nil {
			fmt.Fprintf(stderr, "backprop: --preset: %v\n", err)
			return 2
		}
	}
	var err error
	opts.ModelPath = sf.Model
	opts.DataDir = sf.DataDir
	if opts.DataDir == "" {
		opts.DataDir = os.Getenv("BACKPROP_DATA")
	}
	// Rebuilds and the launcher's presets reuse one copy of MNIST.
	opts.Limits.Shared = datasets.NewShared()
	if opts.Limits.MaxDataBytes, err = sf.MaxDataBytes(); err != nil {
		fmt.Fprintf(stderr, "backprop: %v\n", err)
		return setup.ExitCode(err)
	}
	custom, err := trainerSetup(sf, opts.Preset)
	if err != nil {
		fmt.Fprintf(stderr, "backprop: %v\n", err)
		return setup.ExitCode(err)
	}
	if custom != nil {
		opts.Custom = custom
		opts.Preset = ""
	}
	m, err := tui.New(opts)
	if err != nil {
		fmt.Fprintf(stderr, "backprop: %v\n", err)
		return 1
	}
	p := tea.NewProgram(m, tea.WithOutput(stdout), tea.WithInput(os.Stdin))
	if _, err := p.Run(); err != nil {
		fmt.Fprintf(stderr, "backprop: %v\n", err)
		return 1
	}
	return 0
}

// trainerSetup turns the setup flags into a custom setup, or nil when none
// is needed (launcher, a plain --preset, or --model). With --preset, the
// flags given change the preset's setup.
func trainerSetup(sf *setup.Flags, preset string) (*setup.Setup, error) {
	var given []string
	for _, group := range [][]string{setup.DataFlagNames(), setup.NetworkFlagNames(), setup.TrainingFlagNames()} {
		for _, n := range group {
			if n != "model" && sf.Given(n) {
				given = append(given, n)
			}
		}
	}
	if sf.Model != "" {
		if preset != "" {
			given = append(given, "preset")
		}
		if len(given) > 0 {
			return nil, setup.Errorf("model", "resumes the file's own data, network and training; drop --%s", strings.Join(given, ", --"))
		}
		return nil, nil
	}
	if len(given) == 0 {
		return nil, nil
	}
	var s setup.Setup
	if preset == "" {
		if !sf.Given("data") {
			return nil, setup.Errorf(given[0], "needs --data (or --preset) to say what to train on")
		}
		var err error
		if s, _, err = sf.Resolve(); err != nil {
			return nil, err
		}
	} else {
		p, err := setup.FindPreset(preset)
		if err != nil {
			return nil, setup.Errorf("preset", "%v", err)
		}
		if s, err = sf.Over(p.Setup); err != nil {
			return nil, err
		}
	}
	s.Data = setup.SavedDataSpec(s.Data)
	return &s, nil
}
