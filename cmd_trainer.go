package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	tea "charm.land/bubbletea/v2"

	"backprop/tui"
)

// runTrainer runs the interactive trainer (the default command): the
// launcher, or straight into a preset, a model file or flag-built setup.
func runTrainer(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backprop", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts tui.Options
	fs.StringVar(&opts.Preset, "preset", "", "open a preset directly: "+presetNames())
	fs.StringVar(&opts.Theme, "theme", "", "colour theme: dark, light, high-contrast, colorblind, mono (default: from the terminal background; NO_COLOR gives mono)")
	fs.StringVar(&opts.Lesson, "lesson", "", "open a lesson file (Markdown)")
	fs.StringVar(&opts.ModelPath, "model", "", "resume from a model file saved by the trainer or `backprop train --out`")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: backprop [flags]\n\nWatch a neural network learn and step it by hand. With no flags, a launcher lists the presets.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "backprop: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	if opts.Preset != "" {
		if _, err := tui.FindPreset(opts.Preset); err != nil {
			fmt.Fprintf(stderr, "backprop: --preset: %v\n", err)
			return 2
		}
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

func presetNames() string {
	s := ""
	for i, p := range tui.Presets() {
		if i > 0 {
			s += ", "
		}
		s += p.Name
	}
	return s
}
