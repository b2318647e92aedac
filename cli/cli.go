package cli

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"backprop/internal/safetext"
)

// command is one entry of the subcommand table.
type command struct {
	name    string
	summary string // one line for the command list
	// usage is the synopsis after "usage: "; about the paragraphs under it.
	usage, about string
	// args names the positional arguments the command takes ("" for none).
	args string
	// groups lists the flags by topic for --help (every flag in one group).
	groups []flagGroup
	// footer follows the flags (exit status, notes).
	footer string
	// examples are shell lines ("backprop train …", an optional "# note").
	examples []string
	// flags registers the command's flags on fs and returns the function
	// that runs the command once they are parsed. nil for help.
	flags func(fs *flag.FlagSet) runFunc
}

// runFunc runs a command whose flags are parsed; it returns the exit status.
type runFunc func(stdout, stderr io.Writer) int

// flagGroup is a titled group of flags in a command's --help.
type flagGroup struct {
	title string
	names []string
}

// defaultCommand runs when the first argument is not a subcommand.
const defaultCommand = "trainer"

// commands is the subcommand table, in help order. (A function, not a
// variable: the program holds no package-level mutable state.)
func commands() []command {
	return []command{
		trainerCommand(),
		trainCommand(),
		raceCommand(),
		evalCommand(),
		sampleCommand(),
		exportCommand(),
		plotCommand(),
		serveCommand(),
		reportCommand(),
		versionCommand(),
		completionCommand(),
		{name: "help", summary: "show this help, or a command's: backprop help train", usage: "backprop help [COMMAND]",
			examples: []string{"backprop help", "backprop help train"}},
	}
}

// findCommand returns the command called name.
func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// Run dispatches args (without the program name) to a subcommand and
// returns the exit status. Everything written to stderr (errors, which
// quote file names, flags and data; serve's logs) passes through
// safetext.Writer, so no text from outside reaches the terminal raw;
// stdout carries the trainer's own escape sequences and is cleaned where
// its text comes from (data sets, file names).
func Run(args []string, stdout, stderr io.Writer) int {
	stderr = safetext.NewWriter(stderr, safetext.Newline|safetext.Tab)
	name, rest := defaultCommand, args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, rest = args[0], args[1:]
	}
	if name == "help" {
		if len(rest) == 0 || rest[0] == "help" {
			usage(stdout)
			return 0
		}
		name, rest = rest[0], []string{"--help"}
	}
	c, ok := findCommand(name)
	if !ok || c.flags == nil {
		msg := fmt.Sprintf("backprop: unknown command %q", name)
		var names []string
		for _, c := range commands() {
			names = append(names, c.name)
		}
		if s := nearest(name, names); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		} else {
			msg += " (backprop help lists the commands)"
		}
		fmt.Fprintln(stderr, msg)
		return 2
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	run := c.flags(fs)
	if status, ok := parseFlags(fs, rest, c, stdout, stderr); !ok {
		return status
	}
	return run(stdout, stderr)
}

// usage prints the top-level help.
func usage(w io.Writer) {
	fmt.Fprintf(w, "backprop: watch a neural network learn, and drive it by hand.\n\n")
	fmt.Fprintf(w, "usage:\n  backprop [flags]            open the trainer\n  backprop COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nexamples:\n")
	fmt.Fprintf(w, "  backprop --preset xor\n")
	fmt.Fprintf(w, "  backprop train --data xor --layers 2,4,1 --lr 2 --epochs 500\n")
	fmt.Fprintf(w, "  backprop train --data digits --layers 64,30,10 --act sigmoid --cost quadratic --lr 3 --batch 10 --epochs 30 --seed 1 --out digits.json\n")
	fmt.Fprintf(w, "  backprop eval --model digits.json\n")
	fmt.Fprintf(w, "\nRun backprop COMMAND --help for a command's flags and examples.\n")
}

// help prints c's --help: usage, about, the flags by group, the footer and
// the examples.
func (c command) help(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "usage: %s\n", c.usage)
	if c.about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(c.about, "\n"))
	}
	for _, g := range c.groups {
		fmt.Fprintf(w, "\n%s:\n", g.title)
		printFlags(w, fs, g.names)
	}
	if c.footer != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimRight(c.footer, "\n"))
	}
	if len(c.examples) > 0 {
		fmt.Fprintf(w, "\nexamples:\n")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}
