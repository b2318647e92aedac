package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"backprop/cli/setup"
)

// raceOpts are race's own flags besides the setup flags.
type raceOpts struct {
	epochs      int
	vary, until listFlag
	out         string // a folder: one model per variant
	history     string // a folder: one CSV per variant
	json        bool
	threads     int
}

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, " ") }
func (l *listFlag) Set(s string) error { *l = append(*l, s); return nil }

// maxVariants bounds a race's cross product.
const maxVariants = 64

func raceCommand() command {
	return command{
		name:    "race",
		summary: "train variants of one setup from the same start and compare them: --vary opt=sgd,adam",
		usage:   "backprop race --data SET [train flags] --vary NAME=V1,V2,... [--vary ...]",
		about: `Train several variants of one setup side by side and print one table row
per variant: final loss and accuracy on the training and the test part, and
the epoch at which each reached the finish line (--until). --vary NAME=V1,V2
takes any setup flag of train (opt, lr, batch, momentum, l1, l2, init, act,
out-act, cost, layers, rule, data, noise, samples, split, normalize, seed,
...); several --vary give every combination. Values are separated by
commas; for --layers, --act and --target, whose values are comma lists
themselves, by / (--vary layers=_,4,_/_,8,_).

Every variant is built from the same seed, so variants of the same shape
and init start from bit-identical weights and see the same shuffles; the
start column names each distinct starting point (A, B, ...), and a note says
why a variant could not share (other layer sizes, init or seed). Variants
train in parallel (--threads, shared among the variants running at once)
with results bit-identical to one thread.`,
		groups: []flagGroup{
			{"race", []string{"vary", "epochs", "until", "threads"}},
			{"data", append(setup.DataFlagNames(), setup.MaxDataFlag)},
			{"network", setup.NetworkFlagNames()},
			{"training", []string{"rule", "opt", "lr", "momentum", "batch", "l1", "l2", "clip", "bptt", "model"}},
			{"output", []string{"history", "out", "json"}},
		},
		footer: `exit status: 0 raced (a variant that diverged is a row of the table); 1 a bad
data or model file, or a file that could not be written; 2 bad flags.`,
		examples: []string{
			"backprop race --data circle --layers _,4,2,_ --act tanh --vary opt=sgd,momentum,adam --epochs 100 --seed 1",
			"backprop race --data circle --layers _,8,_ --act tanh --vary lr=0.03,0.3,3 --until acc=0.9",
			"backprop race --data xor --layers 2,4,1 --vary init=normal,xavier --vary act=sigmoid,tanh --epochs 300",
			"backprop race --data spiral --vary layers=_,8,_/_,8,8,_ --act tanh --epochs 200 --history runs/",
			"backprop race --data mnist --layers 784,30,10 --act sigmoid --cost cross-entropy --lr 0.1 --l2 5 --epochs 1 --vary init=normal,lecun",
			"backprop race --data digits --layers 64,30,10 --vary batch=1,10,100 --json | jq '.variants[].val_accuracy'",
		},
		flags: func(fs *flag.FlagSet) runFunc {
			sf, o := raceFlags(fs)
			return func(stdout, stderr io.Writer) int {
				if err := race(fs, sf, *o, stdout, stderr); err != nil {
					fmt.Fprintf(stderr, "backprop race: %v\n", err)
					return setup.ExitCode(err)
				}
				return 0
			}
		},
	}
}

// raceFlags registers race's flags on fs: the setup flags and its own.
func raceFlags(fs *flag.FlagSet) (*setup.Flags, *raceOpts) {
	sf := setup.AddFlags(fs)
	o := &raceOpts{}
	fs.Var(&o.vary, "vary", "vary a setup flag: `NAME=V1,V2,...`, one variant per value (several --vary: every combination)")
	fs.IntVar(&o.epochs, "epochs", defaultEpochs, "epochs each variant trains (at most)")
	fs.Var(&o.until, "until", "the finish line `METRIC=V`, with METRIC acc, loss, val_acc or val_loss (accuracy ≥ V, loss ≤ V); a variant stops when it crosses it (default: acc=0.95, loss=0.1 for regression, and all train every epoch)")
	fs.IntVar(&o.threads, "threads", 0, fmt.Sprintf("goroutines that train, 1..%d (default: every core): up to that many variants at once, each with its share; the results are the same bits for any number", maxThreads))
	fs.StringVar(&o.history, "history", "", "write each variant's epoch,loss,accuracy,val_loss,val_accuracy to `DIR`/VARIANT.csv")
	fs.StringVar(&o.out, "out", "", "save each variant's trained model to `DIR`/VARIANT.json")
	fs.BoolVar(&o.json, "json", false, "print the result as one JSON object")
	return sf, o
}

// race runs `backprop race` with its flags parsed.
func race(fs *flag.FlagSet, sf *setup.Flags, o raceOpts, stdout, stderr io.Writer) error {
	if o.epochs < 1 {
		return setup.Errorf("epochs", "must be ≥ 1, got %d", o.epochs)
	}
	threads, err := resolveThreads(o.threads)
	if err != nil {
		return err
	}
	for _, d := range []struct{ flag, dir string }{{"history", o.history}, {"out", o.out}} {
		if err := checkOutDir(d.flag, d.dir); err != nil {
			return err
		}
	}
	axes, err := parseVary(fs, o.vary)
	if err != nil {
		return err
	}
	// min(variants, threads) variants at once, each with its share.
	parallel := min(threads, len(combinations(axes)))
	vs, err := buildVariants(fs, sf, axes, setup.Limits{UndoBudget: -1, Threads: threads / parallel})
	if err != nil {
		return err
	}
	lines, err := parseUntil(o.until, vs[0].sess)
	if err != nil {
		return err
	}
	groupStarts(vs)
	runVariants(vs, o.epochs, lines, len(o.until) > 0, parallel)
	res := raceResult{Axes: axes, Epochs: o.epochs, Lines: lines, Variants: vs}
	if o.json {
		err = res.writeJSON(stdout)
	} else {
		err = res.writeTable(stdout)
	}
	if err != nil {
		return err
	}
	return saveRace(vs, o)
}

// checkOutDir fails early when dir is a file or its parent does not
// exist; a missing dir itself is made when the files are written.
func checkOutDir(flagName, dir string) error {
	if dir == "" {
		return nil
	}
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return setup.Errorf(flagName, "%s is a file; race wants a folder (one file per variant goes in it)", dir)
		}
		return nil
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if st, err := os.Stat(parent); err != nil || !st.IsDir() {
		return setup.Errorf(flagName, "directory %s does not exist", parent)
	}
	return nil
}
