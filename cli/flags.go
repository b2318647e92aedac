package cli

import (
	"cmp"
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"backprop/cli/setup"
	"backprop/network"
)

// parseFlags parses args with fs. --help prints c's help to stdout (status
// 0); a bad flag prints one line that names it and says why, with the
// nearest known flag for an unknown one (status 2).
func parseFlags(fs *flag.FlagSet, args []string, c command, stdout, stderr io.Writer) (status int, ok bool) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	// A command that takes positional words may have flags after them
	// (backprop plot loss --history c.csv): parse on past each word.
	var words []string
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			c.help(stdout, fs)
			return 0, false
		}
		if err != nil {
			fmt.Fprintf(stderr, "%s: %s\n", progName(fs), describeParseError(fs, err))
			return 2, false
		}
		rest := fs.Args()
		if len(rest) == 0 || c.args == "" || (len(rest) < len(args) && args[len(args)-len(rest)-1] == "--") {
			words = append(words, rest...)
			break
		}
		words, args = append(words, rest[0]), rest[1:]
	}
	if len(words) > 0 && c.args == "" {
		fmt.Fprintf(stderr, "%s: unexpected argument %q (flags start with --; see %s --help)\n", progName(fs), words[0], progName(fs))
		return 2, false
	}
	_ = fs.Parse(append([]string{"--"}, words...)) // fs.Args() are the words
	return 0, true
}

// progName is "backprop train", or "backprop" for the trainer.
func progName(fs *flag.FlagSet) string {
	if fs.Name() == defaultCommand {
		return "backprop"
	}
	return "backprop " + fs.Name()
}

// The flag package's error messages, with the flag name captured.
var (
	reUndefined = regexp.MustCompile(`^flag provided but not defined: -+(.*)$`)
	reNoArg     = regexp.MustCompile(`^flag needs an argument: -+(.*)$`)
	reBadValue  = regexp.MustCompile(`^invalid (?:boolean )?value ("(?:[^"\\]|\\.)*") for (?:flag )?-+([^:]*): `)
)

// describeParseError rewrites a flag package error as one line in the
// program's own words: "unknown flag --epoch (did you mean --epochs?)",
// "--lr: invalid value "fast": want a number", "--lr: needs a value".
func describeParseError(fs *flag.FlagSet, err error) string {
	msg := err.Error()
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		name := m[1]
		var known []string
		fs.VisitAll(func(f *flag.Flag) { known = append(known, f.Name) })
		if s := suggestFlag(name, known); s != "" {
			return fmt.Sprintf("unknown flag --%s (did you mean --%s?)", name, s)
		}
		if other := commandWithFlag(name, fs.Name()); other != "" {
			return fmt.Sprintf("unknown flag --%s (it is a flag of %s)", name, other)
		}
		return fmt.Sprintf("unknown flag --%s (see %s --help)", name, progName(fs))
	}
	if m := reNoArg.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("--%s: needs a value (--%s %s)", m[1], m[1], valueName(fs.Lookup(m[1])))
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		f := fs.Lookup(m[2])
		want := "see " + progName(fs) + " --help"
		if f != nil {
			want = "want " + wantOf(f)
		}
		return fmt.Sprintf("--%s: invalid value %s: %s", m[2], m[1], want)
	}
	return strings.Replace(msg, " -", " --", 1)
}

// commandWithFlag is "backprop train" when that command, not the one called
// self, has a flag called name; "" when none has. The headless commands
// are named before the trainer, which shares most of train's flags.
func commandWithFlag(name, self string) string {
	cs := commands()
	slices.SortStableFunc(cs, func(a, b command) int {
		return cmp.Compare(boolInt(a.name == defaultCommand), boolInt(b.name == defaultCommand))
	})
	for _, c := range cs {
		if c.flags == nil || c.name == self {
			continue
		}
		fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
		c.flags(fs)
		if fs.Lookup(name) != nil {
			if c.name == defaultCommand {
				return "the trainer"
			}
			return progName(fs)
		}
	}
	return ""
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// wantOf says what kind of value flag f takes.
func wantOf(f *flag.Flag) string {
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return "a value"
	}
	switch g.Get().(type) {
	case bool:
		return "true or false"
	case int, int64:
		return "a whole number"
	case uint, uint64:
		return "a whole number ≥ 0"
	case float64:
		return "a number"
	case time.Duration:
		return "a duration such as 30s, 5m or 2h"
	}
	return "a value"
}

// valueName is the placeholder for f's value in messages: its `NAME` from
// the usage string, or one from its type.
func valueName(f *flag.Flag) string {
	if f == nil {
		return "VALUE"
	}
	name, _ := flag.UnquoteUsage(f)
	switch name {
	case "", "value", "string":
		return "VALUE"
	case "float", "int", "uint", "uint64", "int64":
		return "N"
	case "duration":
		return "D"
	}
	return name
}

// printFlags writes fs's flags as "  --name TYPE  usage (default x)", the
// usages in one column as wide as fs's longest head (at least 22, at most
// flagHeadMax cells; a longer head has its own line).
func printFlags(w io.Writer, fs *flag.FlagSet, names []string) {
	width := 22
	fs.VisitAll(func(fl *flag.Flag) {
		if n := len(flagHead(fl)); n <= flagHeadMax {
			width = max(width, n+1) // two spaces before the usage
		}
	})
	for _, n := range names {
		fl := fs.Lookup(n)
		if fl == nil {
			continue
		}
		_, use := flag.UnquoteUsage(fl)
		head := flagHead(fl)
		def := ""
		if fl.DefValue != "" && fl.DefValue != "0" && fl.DefValue != "false" && !strings.Contains(use, "(default") {
			def = " (default " + fl.DefValue + ")"
		}
		if len(head) > width {
			fmt.Fprintf(w, "  %s\n  %-*s %s%s\n", head, width, "", use, def)
			continue
		}
		fmt.Fprintf(w, "  %-*s %s%s\n", width, head, use, def)
	}
}

// flagHeadMax is the widest flag head the usage column moves right for.
const flagHeadMax = 30

// flagHead is "--name TYPE".
func flagHead(fl *flag.Flag) string {
	typ, _ := flag.UnquoteUsage(fl)
	if typ != "" {
		return "--" + fl.Name + " " + typ
	}
	return "--" + fl.Name
}

// synonyms maps names people type from other tools to ours.
func synonyms() map[string]string {
	return map[string]string{
		"learning-rate": "lr", "eta": "lr", "rate": "lr",
		"batch-size": "batch", "minibatch": "batch", "mini-batch": "batch",
		"activation": "act", "activations": "act", "optimizer": "opt", "optimiser": "opt",
		"dataset": "data", "hidden": "layers", "sizes": "layers", "loss": "cost",
		"output": "out", "o": "out", "port": "listen", "addr": "listen",
		"normalise": "normalize", "v": "version",
	}
}

// suggestFlag is the known flag nearest to the unknown name, or "".
func suggestFlag(name string, known []string) string {
	if to, ok := synonyms()[strings.ToLower(name)]; ok {
		for _, k := range known {
			if k == to {
				return to
			}
		}
	}
	return nearest(name, known)
}

// nearest is the candidate closest to s by edit distance (adjacent
// transpositions count once), if it is close enough to be what was meant:
// at most one edit for short names, a third of the length for long ones; or
// the only candidate that s is a prefix of. Ties go to the first in order.
func nearest(s string, candidates []string) string {
	s = strings.ToLower(s)
	best, bestD := "", -1
	for _, c := range candidates {
		if d := editDistance(s, c); bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	if best != "" && bestD <= max(1, len([]rune(s))/3) {
		return best
	}
	var prefixed []string
	for _, c := range candidates {
		if len(s) >= 2 && strings.HasPrefix(c, s) {
			prefixed = append(prefixed, c)
		}
	}
	sort.Strings(prefixed)
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// editDistance is the optimal-string-alignment distance between a and b:
// insertions, deletions, substitutions and swaps of adjacent runes.
func editDistance(a, b string) int {
	x, y := []rune(a), []rune(b)
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			cost := 1
			if x[i-1] == y[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)]
}

// maxThreads bounds --threads.
const maxThreads = 256

// threadsFlag adds --threads; 0 (the default) means every core the Go
// runtime may use (resolveThreads).
func threadsFlag(fs *flag.FlagSet) *int {
	return fs.Int("threads", 0, fmt.Sprintf("goroutines that train, 1..%d (default: every core); the weights are the same bits for any number", maxThreads))
}

// resolveThreads validates --threads and puts every core for 0.
func resolveThreads(n int) (int, error) {
	if n == 0 {
		return network.DefaultThreads(), nil
	}
	if n < 1 || n > maxThreads {
		return 0, setup.Errorf("threads", "must be 1..%d (or 0 for every core), got %d", maxThreads, n)
	}
	return n, nil
}
