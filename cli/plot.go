package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/figures"
	"backprop/internal/safetext"
	"backprop/network"
	"backprop/themes"
)

// plotKinds are plot's figures, in help order, with one line each.
func plotKinds() [][2]string {
	return [][2]string{
		{"loss", "train and test cost C and accuracy per epoch (--history FILE.csv, or the history in --model FILE)"},
		{"boundary", "2-D data: the output over the plane, the training and test points, the decision contour"},
		{"fit", "data of one input (sine, bump): the network's output y = f(x) through the samples"},
		{"neurons", "2-D data: every neuron's activation over the plane; images: layer 1's receptive fields"},
		{"confusion", "the confusion matrix of --on test|train|all, with counts"},
		{"weights", "a Hinton diagram of every layer's weights w and biases b"},
	}
}

// plotOpts are plot's own flags besides the data flags.
type plotOpts struct {
	out, model, history string
	width, height       int
	theme, title, on    string
	log                 bool
}

func plotCommand() command {
	var kinds strings.Builder
	for _, k := range plotKinds() {
		fmt.Fprintf(&kinds, "  %-10s %s\n", k[0], k[1])
	}
	return command{
		name:    "plot",
		summary: "draw a figure for a handout or slide (PNG, SVG, PDF): loss, boundary, fit, neurons, confusion, weights",
		usage:   "backprop plot KIND -o FILE [--model FILE | --history FILE.csv] [flags]",
		args:    "KIND",
		about: `Draw a figure of a trained model with gonum/plot, in the format the extension
of -o FILE names: .png, .svg or .pdf. Colours are the trainer's (a light
palette for print), labels use the textbook names (w, b, a, z, C, epoch).

` + kinds.String() + `
The model's data (named in the model file) is loaded as eval loads it; data
flags given here override it.`,
		groups: []flagGroup{
			{"flags", []string{"out", "o", "model", "history", "width", "height", "theme", "title", "log", "on"}},
			{"data", append(setup.DataFlagNames(), setup.MaxDataFlag)},
		},
		footer: `exit status: 0 written; 1 a bad model, history or data file, or a figure the
data can't have (boundary of data that is not 2-D, fit of data of more than
one input); 2 bad flags.`,
		examples: []string{
			"backprop train --data circle --layers _,8,_ --act tanh,sigmoid --cost cross-entropy --epochs 50 --out c.json --history c.csv",
			"backprop plot loss --history c.csv -o loss.png",
			"backprop plot boundary --model c.json -o boundary.svg",
			"backprop plot fit --model sine.json -o fit.png",
			"backprop plot neurons --model c.json -o neurons.pdf",
			"backprop plot confusion --model digits.json --on all -o confusion.png --width 1200 --height 1100",
			"backprop plot weights --model c.json --theme colorblind -o weights.png",
		},
		flags: func(fs *flag.FlagSet) runFunc {
			sf := setup.AddDataFlags(fs)
			var o plotOpts
			fs.StringVar(&o.out, "out", "", "write the figure to `FILE`: .png, .svg or .pdf (required)")
			fs.StringVar(&o.out, "o", "", "short for --out `FILE` (-o FILE)")
			fs.StringVar(&o.model, "model", "", "the model `FILE` (train --out, or the trainer's save)")
			fs.StringVar(&o.history, "history", "", "plot loss: the per-epoch `FILE.csv` of train --history (or a Keras CSVLogger file)")
			fs.IntVar(&o.width, "width", 0, fmt.Sprintf("`N` pixels wide, %d..%d (default: the figure's own, e.g. 960 for loss)", figures.MinSide, figures.MaxSide))
			fs.IntVar(&o.height, "height", 0, fmt.Sprintf("`N` pixels high, %d..%d (default: the figure's own, e.g. 440 for loss)", figures.MinSide, figures.MaxSide))
			fs.StringVar(&o.theme, "theme", "light", "colours: `NAME` is one of "+strings.Join(themes.Names(), ", ")+" (the light variant for print; mono is greys)")
			fs.StringVar(&o.title, "title", "", "the figure's title `TEXT` (default: what it shows)")
			fs.BoolVar(&o.log, "log", false, "plot loss: draw C on a log scale")
			fs.StringVar(&o.on, "on", "test", "plot confusion: which `PART` of the data: test (the train part if there is no test set), train, or all")
			return func(stdout, stderr io.Writer) int {
				kind := ""
				if fs.NArg() > 0 {
					kind = fs.Arg(0)
				}
				if err := plot(sf, kind, fs.Args(), o, stdout); err != nil {
					fmt.Fprintf(stderr, "backprop plot: %s\n", safetext.Line(err.Error()))
					if errors.As(err, new(usageError)) {
						return 2
					}
					return setup.ExitCode(err)
				}
				return 0
			}
		},
	}
}

// usageError is a mistake in plot's arguments (exit status 2) that is not
// about one flag.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// plot runs `backprop plot` with its flags parsed.
func plot(sf *setup.Flags, kind string, args []string, o plotOpts, stdout io.Writer) error {
	if err := checkPlotArgs(sf, kind, args, o); err != nil {
		return err
	}
	opts := figures.Options{Width: o.width, Height: o.height, Theme: o.theme, Title: o.title}
	var (
		fig *figures.Figure
		err error
	)
	if kind == "loss" && o.model == "" {
		h, err := readHistory(o.history)
		if err != nil {
			return err
		}
		opts.Subtitle = filepath.Base(o.history)
		if fig, err = figures.Loss(h, o.log, opts); err != nil {
			return err
		}
	} else {
		if fig, err = plotModel(sf, kind, o, opts); err != nil {
			return err
		}
	}
	if err := fig.Save(o.out); err != nil {
		return fmt.Errorf("writing %s: %v", o.out, err)
	}
	fmt.Fprintf(stdout, "wrote %s (%s, %d×%d)\n", safetext.Line(o.out), kind, fig.Width, fig.Height)
	return nil
}

// checkPlotArgs checks the kind and the flags before anything is loaded.
func checkPlotArgs(sf *setup.Flags, kind string, args []string, o plotOpts) error {
	var names []string
	for _, k := range plotKinds() {
		names = append(names, k[0])
	}
	switch {
	case kind == "":
		return usageError{"name the figure: backprop plot " + strings.Join(names, "|") + " -o FILE (see backprop plot --help)"}
	case len(args) > 1:
		return usageError{fmt.Sprintf("one figure at a time: unexpected %q after %s", args[1], kind)}
	}
	known := false
	for _, n := range names {
		known = known || n == kind
	}
	if !known {
		msg := fmt.Sprintf("unknown figure %q (want %s)", kind, strings.Join(names, ", "))
		if s := nearest(kind, names); s != "" {
			msg = fmt.Sprintf("unknown figure %q (did you mean %s?)", kind, s)
		}
		return usageError{msg}
	}
	if o.out == "" {
		return setup.Errorf("out", "required: the file to write, ending in .png, .svg or .pdf (-o FILE)")
	}
	if _, err := figures.FormatOf(o.out); err != nil {
		return setup.Errorf("out", "%s", strings.TrimPrefix(err.Error(), "figures: "))
	}
	if err := checkOutPath("out", o.out); err != nil {
		return err
	}
	for _, s := range []struct {
		name string
		v    int
	}{{"width", o.width}, {"height", o.height}} {
		if s.v != 0 && (s.v < figures.MinSide || s.v > figures.MaxSide) {
			return setup.Errorf(s.name, "must be %d..%d pixels, got %d", figures.MinSide, figures.MaxSide, s.v)
		}
	}
	if !themes.Valid(o.theme) {
		return setup.Errorf("theme", "unknown %q (want %s)", o.theme, strings.Join(themes.Names(), ", "))
	}
	switch o.on {
	case "test", "train", "all":
	default:
		return setup.Errorf("on", "must be test, train or all, got %q", o.on)
	}
	onlyFor := map[string]string{"log": "loss", "history": "loss", "on": "confusion"}
	for flagName, k := range onlyFor {
		if sf.Given(flagName) && kind != k {
			return setup.Errorf(flagName, "is for plot %s, not plot %s", k, kind)
		}
	}
	switch {
	case kind == "loss" && o.model == "" && o.history == "":
		return setup.Errorf("history", "required: the FILE.csv of train --history (or --model FILE, whose file keeps its history)")
	case kind != "loss" && o.model == "":
		return setup.Errorf("model", "required: the model file to draw (train --out FILE, or the trainer's save)")
	}
	return nil
}

// readHistory reads a history CSV file.
func readHistory(path string) ([]network.EpochStats, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, fmt.Errorf("%s is a directory; want the FILE.csv of train --history", path)
	}
	return figures.ReadHistory(f, path)
}

// plotModel draws a figure of the model file's network and data.
func plotModel(sf *setup.Flags, kind string, o plotOpts, opts figures.Options) (*figures.Figure, error) {
	mf, err := setup.Open(o.model, sf, setup.Limits{})
	if err != nil {
		return nil, err
	}
	net, ds := mf.Net, mf.Dataset
	epoch := 0
	var hist []network.EpochStats
	if s, err := mf.Session(nil, setup.Limits{UndoBudget: -1}); err == nil {
		epoch = s.Stepper.Pos().Epoch
		hist = s.Stepper.History()
	} else if kind == "loss" && o.history == "" {
		return nil, err
	}
	opts.Subtitle = figures.Caption(datasetName(ds), net, epoch)
	switch kind {
	case "loss":
		if o.history != "" {
			if hist, err = readHistory(o.history); err != nil {
				return nil, err
			}
		}
		if len(hist) == 0 {
			return nil, fmt.Errorf("%s has no history yet: train it for an epoch first", o.model)
		}
		return figures.Loss(hist, o.log, opts)
	case "boundary":
		return model2D(figures.Boundary(net, ds, opts))
	case "fit":
		return model2D(figures.Fit(net, ds, opts))
	case "neurons":
		return model2D(figures.Neurons(net, ds, opts))
	case "confusion":
		if ds.Kind != datasets.Classification {
			return nil, fmt.Errorf("%s is regression data: a confusion matrix needs classes", datasetName(ds))
		}
		set, part := evalPart(ds, o.on)
		netSet, err := setup.NetSetFor(net, set)
		if err != nil {
			return nil, err
		}
		met := net.Evaluate(netSet)
		if met.Confusion == nil {
			return nil, fmt.Errorf("the %s part of %s has no samples to count", part, datasetName(ds))
		}
		opts.Subtitle += " · " + part + fmt.Sprintf(" (%d samples)", set.Len())
		return figures.Confusion(met.Confusion, ds.Classes, opts)
	case "weights":
		return figures.Weights(net, opts)
	}
	return nil, usageError{fmt.Sprintf("unknown figure %q", kind)}
}

// model2D turns figures.ErrNot2D into the message the command prints.
func model2D(f *figures.Figure, err error) (*figures.Figure, error) {
	if errors.Is(err, figures.ErrNot2D) || errors.Is(err, figures.ErrNot1D) {
		return nil, errors.New(strings.TrimPrefix(err.Error(), "figures: "))
	}
	return f, err
}

// datasetName is the data set's name, a CSV path shortened to its base.
func datasetName(ds *datasets.Dataset) string {
	if strings.ContainsAny(ds.Name, `/\`) {
		return filepath.Base(ds.Name)
	}
	return ds.Name
}

// evalPart is the part of ds that --on names, and how to call it (as
// eval chooses).
func evalPart(ds *datasets.Dataset, on string) (datasets.Set, string) {
	switch {
	case on == "train" || (on == "test" && ds.Test.Len() == 0):
		if on == "test" {
			return ds.Train, "train (no test set)"
		}
		return ds.Train, "train"
	case on == "all":
		return datasets.Join(ds.Train, ds.Test), "all"
	}
	return ds.Test, "test"
}
