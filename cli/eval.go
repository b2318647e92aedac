package cli

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/internal/safetext"
	"backprop/network"
)

func evalCommand() command {
	return command{
		name:    "eval",
		summary: "evaluate a model file on a data set: loss, accuracy, confusion matrix",
		usage:   "backprop eval --model FILE [--data SET] [flags]",
		about: `Evaluate a model file: loss, accuracy and a labelled confusion matrix
(rows: actual class, columns: predicted). The data defaults to the one the
model file names (written by train --out or the trainer); data flags given
here override it.`,
		groups: []flagGroup{
			{"flags", []string{"model", "on", "json", "sharpness", "sharpness-samples", "gradcheck"}},
			{"data", append(setup.DataFlagNames(), setup.MaxDataFlag)},
		},
		footer: `exit status: 0 evaluated; 1 bad model or data file; 2 bad flags (including a
model whose shape does not fit the data).

--gradcheck compares backprop's ∂C/∂w with centred finite differences
(fourth order, step 1e-3) for every weight and bias on the first 5 training
samples and prints "gradcheck: max relative error E over N parameters";
it exits 1 when E > 1e-5. A step layer (no derivative) is reported, not
failed, and so are checks whose differences cross a ReLU kink.`,
		examples: []string{
			"backprop eval --model digits.json",
			"backprop eval --model digits.json --on all --json",
			"backprop eval --model circle.json --seed 2   # the same generator, other points",
			"backprop eval --model circle.json --sharpness   # λ_max and the stable learning rate 2/λ_max",
			"backprop eval --model circle.json --gradcheck",
		},
		flags: func(fs *flag.FlagSet) runFunc {
			sf := setup.AddDataFlags(fs)
			model := fs.String("model", "", "the model `FILE` to evaluate (required)")
			on := fs.String("on", "test", "which part of the data: test (the train part if there is no test set), train, or all")
			asJSON := fs.Bool("json", false, "print the result as one JSON object")
			var sh sharpOpts
			fs.BoolVar(&sh.on, "sharpness", false, sharpnessNote)
			fs.IntVar(&sh.samples, "sharpness-samples", 0, sharpnessSamplesNote)
			check := fs.Bool("gradcheck", false, "check backprop's gradient against finite differences instead (exit 1 when the error is above 1e-5)")
			return func(stdout, stderr io.Writer) int {
				var err error
				if *check {
					err = evalGradCheck(sf, *model, *asJSON, stdout)
				} else {
					err = eval(sf, *model, *on, *asJSON, sh, stdout)
				}
				if err != nil {
					if errors.Is(err, errGradCheck) {
						return 1
					}
					fmt.Fprintf(stderr, "backprop eval: %v\n", err)
					return setup.ExitCode(err)
				}
				return 0
			}
		},
	}
}

// evalResult is eval's output. Accuracy, Correct, Classes and Confusion
// are for classification, null for regression (as train --json reports what
// it did not measure); never omitted: 0 correct is a result.
type evalResult struct {
	Model     string   `json:"model"`
	Shape     string   `json:"shape"`
	Data      string   `json:"data"`
	Part      string   `json:"part"`
	Samples   int      `json:"samples"`
	Loss      jsonNum  `json:"loss"`
	Accuracy  *jsonNum `json:"accuracy"`
	Correct   *int     `json:"correct"`
	Classes   []string `json:"classes"`
	Confusion [][]int  `json:"confusion"` // [actual][predicted]
	// With --sharpness: λ_max of the training cost, 2/λ_max, and the
	// training samples it averages over.
	LambdaMax        *jsonNum `json:"lambda_max,omitempty"`
	StabilityLimit   *jsonNum `json:"stability_limit,omitempty"`
	SharpnessSamples int      `json:"sharpness_samples,omitempty"`
}

// sharpOpts are --sharpness and --sharpness-samples.
type sharpOpts struct {
	on      bool
	samples int
}

func eval(sf *setup.Flags, model, on string, asJSON bool, sh sharpOpts, w io.Writer) error {
	if model == "" {
		return setup.Errorf("model", "required: the model file to evaluate")
	}
	if sh.samples < 0 {
		return setup.Errorf("sharpness-samples", "must be ≥ 0 (0: every training sample), got %d", sh.samples)
	}
	if sf.Given("sharpness-samples") && !sh.on {
		return setup.Errorf("sharpness-samples", "is for --sharpness; add it or drop --sharpness-samples")
	}
	switch on {
	case "test", "train", "all":
	default:
		return setup.Errorf("on", "must be test, train or all, got %q", on)
	}
	mf, err := setup.Open(model, sf, setup.Limits{})
	if err != nil {
		return err
	}
	net, ds := mf.Net, mf.Dataset
	set, part := evalPart(ds, on)
	netSet, err := setup.NetSetFor(net, set)
	if err != nil {
		return err
	}
	met := net.Evaluate(netSet)
	r := evalResult{Model: safetext.Line(model), Shape: describeNet(net), Data: ds.Name, Part: part, Samples: set.Len(), Loss: jsonNum(met.Loss)}
	if ds.Kind == datasets.Classification && met.Confusion != nil {
		a := jsonNum(met.Accuracy)
		r.Accuracy = &a
		correct := 0
		for i := range met.Confusion {
			correct += met.Confusion[i][i]
		}
		r.Correct = &correct
		r.Confusion = met.Confusion
		r.Classes = ds.Classes
	}
	var sharp network.Sharpness
	if sh.on {
		h, err := mf.Model.Hyper()
		if err != nil {
			return err
		}
		train, err := setup.NetSetFor(net, ds.Train)
		if err != nil {
			return err
		}
		if sharp, err = sharpness(net, h, train, sh.samples, nil); err != nil {
			return fmt.Errorf("%s: %v", safetext.Line(model), err)
		}
		lam, lim := jsonNum(sharp.LambdaMax), jsonNum(sharp.Limit())
		r.LambdaMax, r.StabilityLimit, r.SharpnessSamples = &lam, &lim, sharp.Samples
	}
	if asJSON {
		b, err := json.Marshal(r)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	fmt.Fprintf(w, "model     %s: %s\n", r.Model, r.Shape)
	unit := "samples"
	if set.Seq > 0 {
		unit = "sequences"
	}
	fmt.Fprintf(w, "data      %s, %s part: %d %s\n", r.Data, r.Part, r.Samples, unit)
	fmt.Fprintf(w, "loss      %.6f\n", met.Loss)
	if r.Accuracy != nil {
		total, of := r.Samples, ""
		if set.Seq > 0 { // every step with a target counts
			total, of = 0, " steps with a target"
			for _, row := range met.Confusion {
				for _, n := range row {
					total += n
				}
			}
		}
		fmt.Fprintf(w, "accuracy  %.4f (%d/%d%s)\n", met.Accuracy, *r.Correct, total, of)
		fmt.Fprintf(w, "\nconfusion matrix (rows: actual, columns: predicted)\n%s", confusionTable(r.Classes, r.Confusion))
	}
	if sh.on {
		if r.Accuracy != nil {
			fmt.Fprintln(w)
		}
		fmt.Fprint(w, sharpnessLines(sharp))
	}
	return nil
}

// evalGradCheck is eval --gradcheck (gradCheck on the model file).
func evalGradCheck(sf *setup.Flags, model string, asJSON bool, w io.Writer) error {
	if model == "" {
		return setup.Errorf("model", "required: the model file to check")
	}
	mf, err := setup.Open(model, sf, setup.Limits{})
	if err != nil {
		return err
	}
	return gradCheck(mf, safetext.Line(model), asJSON, w)
}

// describeNet is "64→30→10, sigmoid/sigmoid, quadratic".
func describeNet(net *network.Network) string {
	acts := make([]string, len(net.Layers))
	for i, l := range net.Layers {
		acts[i] = l.Act.String()
	}
	return fmt.Sprintf("%s, %s, %s", setup.SizesString(net.Sizes), strings.Join(acts, "/"), net.Cost)
}

// confusionTable renders conf[actual][predicted] with class labels. When the
// labels would make it wider than 100 columns, the columns are headed by
// class number and the rows say "number name".
func confusionTable(classes []string, conf [][]int) string {
	label := func(i int) string {
		if i < len(classes) {
			return classes[i]
		}
		return strconv.Itoa(i)
	}
	runes := func(s string) int { return len([]rune(s)) }
	cells := 1
	for i := range conf {
		for _, v := range conf[i] {
			cells = max(cells, len(strconv.Itoa(v)))
		}
	}
	colLabel, rowLabel := label, label
	width := cells
	for i := range conf {
		width = max(width, runes(label(i)))
	}
	if (width+1)*len(conf) > 100 {
		colLabel = strconv.Itoa
		rowLabel = func(i int) string { return strconv.Itoa(i) + " " + label(i) }
		width = max(cells, len(strconv.Itoa(len(conf)-1)))
	}
	first := runes("actual")
	for i := range conf {
		first = max(first, runes(rowLabel(i)))
	}
	pad := func(s string, n int) string { return strings.Repeat(" ", max(0, n-runes(s))) + s }
	var b strings.Builder
	b.WriteString(pad("actual", first) + " │")
	for j := range conf {
		b.WriteString(" " + pad(colLabel(j), width))
	}
	b.WriteString("\n" + strings.Repeat("─", first+1) + "┼" + strings.Repeat("─", (width+1)*len(conf)) + "\n")
	for i, row := range conf {
		b.WriteString(pad(rowLabel(i), first) + " │")
		for _, v := range row {
			b.WriteString(" " + pad(strconv.Itoa(v), width))
		}
		b.WriteString("\n")
	}
	return b.String()
}
