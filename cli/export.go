package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"backprop/cli/setup"
	"backprop/network"
)

func exportCommand() command {
	return command{
		name:    "export",
		summary: "write a model as a self-checking PyTorch or numpy script",
		usage:   "backprop export --format pytorch|numpy --model FILE [--out model.py] [--probes N] [--seed S] [--data-probes]",
		about: `Writes a self-contained Python 3 script that rebuilds the model's network with
its exact weights: in PyTorch (torch.nn.Sequential in float64, with loss_fn and
a train() loop to carry on training) or in plain numpy. The script defines
predict(x), and checks itself when run: it compares predict() on N embedded
probe inputs with the outputs the Go engine computed, within 1e-9, and prints
OK or exits 1. With --predict it reads a JSON list of inputs on stdin and
prints a JSON list of outputs.`,
		groups: []flagGroup{{"flags", []string{"format", "model", "out", "probes", "seed", "data-probes"}}},
		footer: `The script needs python3 with PyTorch (pip install torch; Debian: apt-get
install python3-torch) or numpy (pip install numpy; Debian: python3-numpy); a
python3 without it prints one line that says so.

exit status: 0 written; 1 the model can't be read or the script can't be
written; 2 bad flags.`,
		examples: []string{
			"backprop export --format pytorch --model xor.json --out model.py",
			"python3 model.py                          # OK: 5 probes match the Go engine within 1e-09",
			"echo '[[0, 1]]' | python3 model.py --predict",
			"backprop export --format numpy --model digits.json --data-probes --probes 20 --out digits.py",
		},
		flags: func(fs *flag.FlagSet) runFunc {
			var o exportOpts
			fs.StringVar(&o.format, "format", "", "the script's library, `pytorch|numpy` (required)")
			fs.StringVar(&o.model, "model", "", "model `FILE`, as saved by the trainer or 'backprop train --out' (required)")
			fs.StringVar(&o.out, "out", "", "write the script to `FILE`, atomically (default: standard output)")
			fs.IntVar(&o.probes, "probes", 5, "how many probe inputs to embed, 1..10000; drawn uniformly from [-1, 1)")
			fs.Uint64Var(&o.seed, "seed", 1, "seed for the random probe inputs")
			fs.BoolVar(&o.dataProbes, "data-probes", false, "embed the first N samples of the model's own data set (its test split, or the training set when there is none) as the probes, instead of random inputs; the model file must name its data, as 'backprop train --out' files do ($BACKPROP_DATA as in train)")
			return func(stdout, stderr io.Writer) int { return export(fs, o, stdout, stderr) }
		},
	}
}

// exportOpts are export's flags.
type exportOpts struct {
	format, model, out string
	probes             int
	seed               uint64
	dataProbes         bool
}

// export loads a model file and writes a Python script (network.Export).
// Exit status 0 on success, 1 when the model can't be read or the script
// can't be written, 2 for bad usage.
func export(fs *flag.FlagSet, o exportOpts, stdout, stderr io.Writer) int {
	usageErr := func(err error) int {
		fmt.Fprintf(stderr, "backprop export: %v\n", err)
		return 2
	}
	given := func(name string) bool {
		seen := false
		fs.Visit(func(f *flag.Flag) { seen = seen || f.Name == name })
		return seen
	}
	switch {
	case o.format == "":
		return usageErr(setup.Errorf("format", "required: pytorch or numpy"))
	case o.format != network.FormatPyTorch && o.format != network.FormatNumPy:
		return usageErr(setup.Errorf("format", "unknown %q (want pytorch or numpy)", o.format))
	case o.model == "":
		return usageErr(setup.Errorf("model", "required: a model file saved by the trainer or 'backprop train --out'"))
	case o.probes < 1 || o.probes > 10000:
		return usageErr(setup.Errorf("probes", "must be 1..10000, got %d", o.probes))
	case o.dataProbes && given("seed"):
		return usageErr(setup.Errorf("seed", "seeds the random probes; --data-probes takes the data's own samples (drop one of them)"))
	}

	if o.out != "" && o.out != "-" {
		if err := checkOutPath("out", o.out); err != nil {
			return usageErr(err)
		}
		if mi, err := os.Stat(o.model); err == nil {
			if oi, err := os.Stat(o.out); err == nil && os.SameFile(mi, oi) {
				return usageErr(setup.Errorf("out", "%s is the model file; pick another name (e.g. model.py)", o.out))
			}
		}
	}
	m, err := network.LoadModel(o.model)
	if err != nil {
		fmt.Fprintf(stderr, "backprop export: %v\n", err)
		return 1
	}
	net, err := m.Network()
	if err != nil {
		fmt.Fprintf(stderr, "backprop export: %s: %v\n", o.model, err)
		return 1
	}
	var probes [][]float64
	opts := network.ExportOptions{Source: "model file " + filepath.Base(o.model)}
	if o.dataProbes {
		probes, opts.Probes, err = exportDataProbes(m, o.model, net, o.probes)
		if err != nil { // names the model file or the data set
			fmt.Fprintf(stderr, "backprop export: %v\n", err)
			return 1
		}
	} else {
		probes, err = network.ExportProbes(net, o.probes, rand.New(rand.NewPCG(o.seed, 0)))
		opts.Probes = fmt.Sprintf("random inputs, uniform in [-1, 1), seed %d", o.seed)
	}
	if err != nil {
		fmt.Fprintf(stderr, "backprop export: %s: %v\n", o.model, err)
		return 1
	}
	var script bytes.Buffer
	if err := network.ExportWith(&script, net, o.format, probes, opts); err != nil {
		fmt.Fprintf(stderr, "backprop export: %s: %v\n", o.model, err)
		return 1
	}
	if o.out == "" || o.out == "-" {
		if _, err := stdout.Write(script.Bytes()); err != nil {
			fmt.Fprintf(stderr, "backprop export: writing standard output: %v\n", err)
			return 1
		}
		return 0
	}
	if err := network.WriteFileAtomic(o.out, script.Bytes()); err != nil {
		fmt.Fprintf(stderr, "backprop export: %v\n", err)
		return 1
	}
	need := network.ExportNeeds(o.format)
	fmt.Fprintf(stderr, "backprop export: wrote %s (%s, %d bytes); check it with: python3 %s (it needs %s: %s)\n",
		o.out, o.format, script.Len(), shellQuote(o.out), need[0], need[1])
	return 0
}

// exportDataProbes takes up to n probes from the data set the model file
// names: its test split, or the training set when there is no test split.
// Samples that put a step unit at its threshold are skipped.
func exportDataProbes(m *network.Model, modelPath string, net *network.Network, n int) (probes [][]float64, about string, err error) {
	if len(m.Data) == 0 || string(m.Data) == "null" {
		return nil, "", errors.New("--data-probes: the model file does not name its data set (drop --data-probes for random probes)")
	}
	// No data flags here, but $BACKPROP_DATA applies as in train and eval.
	mf, err := setup.OpenModel(m, modelPath, setup.NoFlags(), setup.Limits{})
	var fe *setup.FlagError
	if errors.As(err, &fe) {
		err = errors.New(fe.Msg) // the data doesn't fit: no flag of export's to blame
	}
	if err != nil {
		return nil, "", fmt.Errorf("--data-probes: %w", err)
	}
	ds := mf.Dataset
	set, split := ds.Test, "test split"
	if set.Len() == 0 {
		set, split = ds.Train, "training set"
	}
	for i := range set.Len() {
		if len(probes) == n {
			break
		}
		x := set.Input(i, nil)
		if network.ExportProbeOK(net, x) == nil {
			probes = append(probes, x)
		}
	}
	if len(probes) == 0 {
		return nil, "", fmt.Errorf("--data-probes: no sample of %s is usable as a probe (each puts a step unit at its threshold, where rounding decides)", ds.Name)
	}
	return probes, fmt.Sprintf("the first %d usable samples of %s (%s)", len(probes), ds.Name, split), nil
}

// shellQuote quotes s for a shell command line when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
