package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"backprop/datasets"
	"backprop/network"
)

const exportUsage = `usage: backprop export --format pytorch|numpy --model FILE [--out model.py] [--probes N] [--seed S] [--data-probes]

Writes a self-contained Python 3 script that rebuilds the model's network with
its exact weights: in PyTorch (torch.nn.Sequential in float64, with loss_fn and
a train() loop to carry on training) or in plain numpy. The script defines
predict(x), and checks itself when run: it compares predict() on N embedded
probe inputs with the outputs the Go engine computed, within 1e-9, and prints
OK or exits 1. With --predict it reads a JSON list of inputs on stdin and
prints a JSON list of outputs.

  backprop export --format pytorch --model xor.json --out model.py
  python3 model.py                          # OK: 5 probes match the Go engine within 1e-09
  echo '[[0, 1]]' | python3 model.py --predict

flags:
  --format F   pytorch or numpy (required)
  --model F    model file, as saved by the trainer or 'backprop train --out' (required)
  --out F      write the script to F, atomically (default: standard output)
  --probes N   how many probe inputs to embed, 1..10000 (default 5); drawn
               uniformly from [-1, 1)
  --seed S     seed for the probe inputs (default 1)
  --data-probes
               embed the first N samples of the model's own data set (its test
               split, or the training set when there is none) as the probes,
               instead of random inputs; the model file must name its data, as
               'backprop train --out' files do ($BACKPROP_DATA as in train)

Needs python3 with torch (Debian: python3-torch) or numpy (python3-numpy).
`

// runExport implements `backprop export`: it loads a model file and writes a
// Python script (network.Export). Exit status 0 on success, 1 when the model
// can't be read or the script can't be written, 2 for bad usage.
func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backprop export", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	format := fs.String("format", "", "")
	modelPath := fs.String("model", "", "")
	out := fs.String("out", "", "")
	nProbes := fs.Int("probes", 5, "")
	seed := fs.Uint64("seed", 1, "")
	dataProbes := fs.Bool("data-probes", false, "")
	usageErr := func(format string, a ...any) int {
		fmt.Fprintf(stderr, "backprop export: "+format+"\nrun 'backprop export --help' for usage\n", a...)
		return 2
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(stdout, exportUsage)
			return 0
		}
		return usageErr("%s", fixDashes(err.Error()))
	}
	switch {
	case fs.NArg() > 0:
		return usageErr("unexpected argument %q", fs.Arg(0))
	case *format == "":
		return usageErr("--format is required: pytorch or numpy")
	case *format != network.FormatPyTorch && *format != network.FormatNumPy:
		return usageErr("--format: unknown %q (want pytorch or numpy)", *format)
	case *modelPath == "":
		return usageErr("--model is required: a model file saved by the trainer or 'backprop train --out'")
	case *nProbes < 1 || *nProbes > 10000:
		return usageErr("--probes: must be 1..10000, got %d", *nProbes)
	}

	if *out != "" && *out != "-" {
		if err := checkOutPath("out", *out); err != nil {
			return usageErr("%v", err)
		}
		if mi, err := os.Stat(*modelPath); err == nil {
			if oi, err := os.Stat(*out); err == nil && os.SameFile(mi, oi) {
				return usageErr("--out %s is the model file; pick another name (e.g. model.py)", *out)
			}
		}
	}
	m, err := network.LoadModel(*modelPath)
	if err != nil {
		fmt.Fprintf(stderr, "backprop export: %v\n", err)
		return 1
	}
	net, err := m.Network()
	if err != nil {
		fmt.Fprintf(stderr, "backprop export: %s: %v\n", *modelPath, err)
		return 1
	}
	var probes [][]float64
	opts := network.ExportOptions{Source: "model file " + filepath.Base(*modelPath)}
	if *dataProbes {
		probes, opts.Probes, err = exportDataProbes(m, *modelPath, net, *nProbes)
	} else {
		probes, err = network.ExportProbes(net, *nProbes, rand.New(rand.NewPCG(*seed, 0)))
		opts.Probes = fmt.Sprintf("random inputs, uniform in [-1, 1), seed %d", *seed)
	}
	if err != nil {
		fmt.Fprintf(stderr, "backprop export: %s: %v\n", *modelPath, err)
		return 1
	}
	var script bytes.Buffer
	if err := network.ExportWith(&script, net, *format, probes, opts); err != nil {
		fmt.Fprintf(stderr, "backprop export: %s: %v\n", *modelPath, err)
		return 1
	}
	if *out == "" || *out == "-" {
		if _, err := stdout.Write(script.Bytes()); err != nil {
			fmt.Fprintf(stderr, "backprop export: writing standard output: %v\n", err)
			return 1
		}
		return 0
	}
	if err := network.WriteFileAtomic(*out, script.Bytes()); err != nil {
		fmt.Fprintf(stderr, "backprop export: %v\n", err)
		return 1
	}
	fmt.Fprintf(stderr, "backprop export: wrote %s (%s, %d bytes); check it with: python3 %s\n",
		*out, *format, script.Len(), shellQuote(*out))
	return 0
}

// exportDataProbes takes up to n probes from the data set the model file
// names: its test split, or the training set when there is no test split.
// Samples that put a step unit at its threshold are skipped.
func exportDataProbes(m *network.Model, modelPath string, net *network.Network, n int) (probes [][]float64, about string, err error) {
	if len(m.Data) == 0 || string(m.Data) == "null" {
		return nil, "", errors.New("--data-probes: the model file does not name its data set (drop --data-probes for random probes)")
	}
	var spec datasets.Spec
	if err := json.Unmarshal(m.Data, &spec); err != nil {
		return nil, "", fmt.Errorf("--data-probes: data: %v", err)
	}
	spec = besideModel(modelPath, spec)
	if spec.DataDir == "" {
		spec.DataDir = os.Getenv("BACKPROP_DATA")
	}
	ds, err := datasets.Load(spec)
	if err != nil {
		return nil, "", fmt.Errorf("--data-probes: %w", err)
	}
	set, split := ds.Test, "test split"
	if len(set.X) == 0 {
		set, split = ds.Train, "training set"
	}
	if len(set.X) > 0 && len(set.X[0]) != net.Sizes[0] {
		return nil, "", fmt.Errorf("--data-probes: %s has %d inputs, the model takes %d", ds.Name, len(set.X[0]), net.Sizes[0])
	}
	for _, x := range set.X {
		if len(probes) == n {
			break
		}
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
