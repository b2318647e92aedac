// Command backprop lets a person watch a neural network learn and drive it by
// hand. With no subcommand it opens the interactive trainer; train and eval
// work headless.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// command is one entry of the subcommand table.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

// defaultCommand runs when the first argument is not a subcommand.
const defaultCommand = "trainer"

// commands is the subcommand table, in help order. (A function, not a
// variable: the program holds no package-level mutable state.)
func commands() []command {
	return []command{
		{"trainer", "open the interactive trainer (the default; `backprop --help` lists its flags)", runTrainer},
		{"train", "train headless with Keras-style progress; save the model with --out", runTrain},
		{"eval", "evaluate a model file on a data set: loss, accuracy, confusion matrix", runEval},
		{"serve", "serve the trainer over SSH to a class (auth, limits, classroom mode)", runServe},
		{"export", "write a model as a self-checking PyTorch or numpy script", runExport},
		{"help", "show this help, or a command's: backprop help train", nil},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches args to a subcommand and returns the exit status.
func run(args []string, stdout, stderr io.Writer) int {
	name, rest := defaultCommand, args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, rest = args[0], args[1:]
	}
	if name == "help" {
		if len(rest) == 0 {
			usage(stdout)
			return 0
		}
		name, rest = rest[0], []string{"--help"}
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(rest, stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "backprop: unknown command %q\n\n", name)
	usage(stderr)
	return 2
}

// usage prints the top-level help.
func usage(w io.Writer) {
	fmt.Fprintf(w, "backprop: watch a neural network learn, and drive it by hand.\n\n")
	fmt.Fprintf(w, "usage:\n  backprop [flags]            open the trainer\n  backprop COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nexamples:\n")
	fmt.Fprintf(w, "  backprop train --data xor --layers 2,4,1 --lr 2 --epochs 500\n")
	fmt.Fprintf(w, "  backprop train --data digits --layers 64,30,10 --act sigmoid --cost quadratic --lr 3 --batch 10 --epochs 30 --seed 1 --out digits.json\n")
	fmt.Fprintf(w, "  backprop eval --model digits.json\n")
	fmt.Fprintf(w, "\nRun backprop COMMAND --help for a command's flags.\n")
}

// parseFlags parses args with fs. --help prints the help to stdout (status
// 0); a bad flag prints one line naming it and a hint (status 2).
func parseFlags(fs *flag.FlagSet, args []string, help func(io.Writer), stdout, stderr io.Writer) (status int, ok bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if err == flag.ErrHelp {
		help(stdout)
		return 0, false
	}
	if err != nil {
		fmt.Fprintf(stderr, "backprop %s: %v\nRun backprop %s --help for the flags.\n", fs.Name(), fixDashes(err.Error()), fs.Name())
		return 2, false
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "backprop %s: unexpected argument %q (flags start with --)\n", fs.Name(), fs.Arg(0))
		return 2, false
	}
	return 0, true
}

// fixDashes rewrites the flag package's "-name" to "--name" in messages.
func fixDashes(msg string) string {
	msg = strings.Replace(msg, "flag provided but not defined: -", "unknown flag --", 1)
	msg = strings.Replace(msg, "for flag -", "for flag --", 1)
	msg = strings.Replace(msg, "flag needs an argument: -", "flag needs an argument: --", 1)
	return msg
}

// printFlags writes fs's flags as "  --name TYPE  usage (default x)".
func printFlags(w io.Writer, fs *flag.FlagSet, names []string) {
	for _, n := range names {
		fl := fs.Lookup(n)
		if fl == nil {
			continue
		}
		typ, use := flag.UnquoteUsage(fl)
		head := "--" + fl.Name
		if typ != "" {
			head += " " + typ
		}
		def := ""
		if fl.DefValue != "" && fl.DefValue != "0" && fl.DefValue != "false" && !strings.Contains(use, "(default") {
			def = " (default " + fl.DefValue + ")"
		}
		fmt.Fprintf(w, "  %-22s %s%s\n", head, use, def)
	}
}
