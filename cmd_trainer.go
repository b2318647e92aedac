package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	tea "charm.land/bubbletea/v2"

	"backprop/datasets"
	"backprop/themes"
	"backprop/tui"
)

// runTrainer runs the interactive trainer (the default command): the
// launcher, or straight into a preset, a model file or a setup built from
// the shared setup flags (--data, --layers, --lr, ...).
func runTrainer(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("trainer", flag.ContinueOnError)
	var opts tui.Options
	fs.StringVar(&opts.Preset, "preset", "", "open a preset directly: "+presetNames())
	fs.StringVar(&opts.Theme, "theme", "", "colour theme: dark, light, high-contrast, colorblind, mono (default: dark or light from the terminal; NO_COLOR gives mono)")
	fs.StringVar(&opts.Lesson, "lesson", "", "open a lesson file (Markdown)")
	sf := AddSetupFlags(fs) // includes --model
	help := func(w io.Writer) {
		fmt.Fprintf(w, "usage: backprop [flags]\n\n")
		fmt.Fprintf(w, "Watch a neural network learn and step it by hand. With no flags a launcher\n")
		fmt.Fprintf(w, "lists the presets; --preset, --data or --model skip it.\n\n")
		fmt.Fprintf(w, "trainer flags:\n")
		printFlags(w, fs, []string{"preset", "theme", "lesson", "model"})
		fmt.Fprintf(w, "\ndata flags (with --preset they change the preset's data):\n")
		printFlags(w, fs, dataFlagNames())
		fmt.Fprintf(w, "\nnetwork flags:\n")
		printFlags(w, fs, netFlagNames())
		fmt.Fprintf(w, "\ntraining flags:\n")
		printFlags(w, fs, []string{"rule", "opt", "lr", "momentum", "batch", "l1", "l2"})
		fmt.Fprintf(w, "\nIn the trainer press ? for every key.\n")
		fmt.Fprintf(w, "Other commands: train, eval, export, serve (backprop help COMMAND).\n")
	}
	if status, ok := parseFlags(fs, args, help, stdout, stderr); !ok {
		return status
	}
	if !themes.Valid(opts.Theme) {
		fmt.Fprintf(stderr, "backprop: --theme: unknown theme %q (want one of %s)\n", opts.Theme, strings.Join(themes.Names(), ", "))
		return 2
	}
	if opts.Preset != "" {
		if _, err := tui.FindPreset(opts.Preset); err != nil {
			fmt.Fprintf(stderr, "backprop: --preset: %v\n", err)
			return 2
		}
	}
	opts.ModelPath = sf.Model
	opts.DataDir = sf.DataDir
	if opts.DataDir == "" {
		opts.DataDir = os.Getenv("BACKPROP_DATA")
	}
	custom, err := trainerSetup(sf, opts.Preset)
	if err != nil {
		fmt.Fprintf(stderr, "backprop: %v\n", err)
		return ExitCode(err)
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

// trainerSetup turns the setup flags into a custom tui.Setup, or nil when
// none is needed (launcher, a plain --preset, or --model). With --preset,
// the flags given change the preset's setup.
func trainerSetup(sf *SetupFlags, preset string) (*tui.Setup, error) {
	var given []string
	for _, group := range [][]string{dataFlagNames(), netFlagNames(), trainFlagNames()} {
		for _, n := range group {
			if n != "model" && n != "epochs" && sf.Given(n) {
				given = append(given, n)
			}
		}
	}
	if sf.Model != "" {
		if preset != "" {
			given = append(given, "preset")
		}
		if len(given) > 0 {
			return nil, flagErr("model", "resumes the file's own data, network and training; drop --%s", strings.Join(given, ", --"))
		}
		return nil, nil
	}
	if len(given) == 0 {
		return nil, nil
	}
	if preset == "" {
		if !sf.Given("data") {
			return nil, flagErr(given[0], "needs --data (or --preset) to say what to train on")
		}
		s, err := sf.Resolve()
		if err != nil {
			return nil, err
		}
		return &tui.Setup{Data: savedDataSpec(s.Data), Net: s.Net, Hyper: s.Hyper}, nil
	}
	p, err := tui.FindPreset(preset)
	if err != nil {
		return nil, flagErr("preset", "%v", err)
	}
	setup := p.Setup
	if setup.Data, err = sf.DataSpec(&setup.Data); err != nil {
		return nil, err
	}
	if setup.Hyper, err = sf.Hyper(&setup.Hyper); err != nil {
		return nil, err
	}
	// Any data or network flag: rebuild the network spec from the preset's,
	// so its ends follow the data and unchanged choices stay the preset's.
	ds, err := datasets.Load(setup.Data)
	if err != nil {
		return nil, err
	}
	if setup.Net, err = sf.NetSpec(ds, &setup.Net); err != nil {
		return nil, err
	}
	setup.Data = savedDataSpec(setup.Data)
	return &setup, nil
}

func presetNames() string {
	var names []string
	for _, p := range tui.Presets() {
		names = append(names, p.Name)
	}
	return strings.Join(names, ", ")
}
