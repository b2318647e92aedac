package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/internal/numfmt"
	"backprop/network"
)

// trainOpts are train's own flags besides the setup flags.
type trainOpts struct {
	epochs       int
	threads      int
	out, history string
	json         bool
	progress     string // auto, bar, plain
	sharp        sharpOpts
}

// defaultEpochs is --epochs' default.
const defaultEpochs = 10

func trainCommand() command {
	return command{
		name:    "train",
		summary: "train headless with Keras-style progress; save the model with --out",
		usage:   "backprop train --data SET [flags]",
		about: `Train a network headless. On a terminal it shows Keras-style progress
(Epoch 3/30, a progress bar with samples/s and ETA, then loss, accuracy,
val_loss, val_accuracy); piped, one plain line per epoch; with --json, one
JSON object per epoch and a final one. The same flags and seed give the same
numbers on every run. val_* are measured on the test part (--split).`,
		groups: []flagGroup{
			{"data", append(setup.DataFlagNames(), setup.MaxDataFlag)},
			{"network", setup.NetworkFlagNames()},
			{"training", []string{"rule", "opt", "lr", "momentum", "batch", "epochs", "l1", "l2", "clip", "bptt", "threads", "model"}},
			{"output", []string{"out", "history", "json", "progress", "sharpness", "sharpness-samples"}},
		},
		footer: `exit status: 0 trained; 1 failed (bad data file, divergence: no files are
written); 2 bad flags.`,
		examples: []string{
			"backprop train --data xor --layers 2,4,1 --lr 2 --epochs 500",
			"backprop train --data digits --layers 64,30,10 --act sigmoid --cost quadratic --lr 3 --batch 10 --epochs 30 --seed 1 --out digits.json --history digits.csv",
			"backprop train --data circle --noise 0.2 --layers _,8,_ --act tanh,sigmoid --cost cross-entropy --epochs 50 --out circle.json",
			"backprop train --data measurements.csv --target species --normalize --epochs 100",
			"backprop train --model digits.json --epochs 5 --lr 1 --out digits.json   # resume",
			"backprop train --data circle --layers _,8,_ --act tanh --epochs 20 --json --sharpness   # λ_max per epoch",
		},
		flags: func(fs *flag.FlagSet) runFunc {
			sf := setup.AddFlags(fs)
			var o trainOpts
			fs.IntVar(&o.epochs, "epochs", defaultEpochs, "number of epochs to train")
			threads := threadsFlag(fs)
			fs.StringVar(&o.out, "out", "", "save the trained model to `FILE` (JSON, written atomically)")
			fs.StringVar(&o.history, "history", "", "write epoch,loss,accuracy,val_loss,val_accuracy,grad_norm_1,… per epoch to `FILE.csv`")
			fs.BoolVar(&o.json, "json", false, "print one JSON object per epoch, then a final object")
			fs.StringVar(&o.progress, "progress", "auto", "auto (a bar on a terminal, plain lines when piped), bar or plain")
			fs.BoolVar(&o.sharp.on, "sharpness", false, sharpnessNote+", after every epoch")
			fs.IntVar(&o.sharp.samples, "sharpness-samples", 0, sharpnessSamplesNote)
			return func(stdout, stderr io.Writer) int {
				o.threads = *threads
				if err := train(sf, o, stdout); err != nil {
					fmt.Fprintf(stderr, "backprop train: %v\n", err)
					return setup.ExitCode(err)
				}
				return 0
			}
		},
	}
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// checkOutPath fails early when path's directory does not exist.
func checkOutPath(flagName, path string) error {
	if path == "" {
		return nil
	}
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return setup.Errorf(flagName, "directory %s does not exist", dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return setup.Errorf(flagName, "%s is a directory", path)
	}
	return nil
}

// train runs `backprop train` with its flags parsed.
func train(sf *setup.Flags, o trainOpts, stdout io.Writer) error {
	if err := checkOutPath("out", o.out); err != nil {
		return err
	}
	if err := checkOutPath("history", o.history); err != nil {
		return err
	}
	switch o.progress {
	case "auto", "bar", "plain":
	default:
		return setup.Errorf("progress", "must be auto, bar or plain, got %q", o.progress)
	}
	if o.json && sf.Given("progress") {
		return setup.Errorf("progress", "has no effect with --json (one JSON object per epoch); drop one of them")
	}
	if o.epochs < 1 {
		return setup.Errorf("epochs", "must be ≥ 1, got %d", o.epochs)
	}
	if o.sharp.samples < 0 {
		return setup.Errorf("sharpness-samples", "must be ≥ 0 (0: every training sample), got %d", o.sharp.samples)
	}
	if sf.Given("sharpness-samples") && !o.sharp.on {
		return setup.Errorf("sharpness-samples", "is for --sharpness; add it or drop --sharpness-samples")
	}
	threads, err := resolveThreads(o.threads)
	if err != nil {
		return err
	}
	// Headless training never undoes: no snapshots.
	s, err := sf.Session(setup.Limits{UndoBudget: -1, Threads: threads})
	if err != nil {
		return err
	}
	defer s.Stepper.Close()
	if h := s.Stepper.Hyper(); sf.Given("momentum") && h.Opt != network.Momentum {
		return setup.Errorf("momentum", "is for --opt momentum; the optimizer is %s (add --opt momentum or drop --momentum)", h.Opt)
	}
	regression := s.Dataset.Kind == datasets.Regression
	var rep reporter
	switch {
	case o.json:
		rep = &jsonReporter{w: stdout, regression: regression}
	case o.progress == "bar" || (o.progress == "auto" && isTerminal(stdout)):
		rep = &barReporter{w: stdout, regression: regression}
	default:
		rep = &plainReporter{w: stdout, regression: regression}
	}
	st := s.Stepper
	n := s.Dataset.Train.Len()
	bar := func() bool { _, ok := rep.(*barReporter); return ok }()

	// A model saved mid-epoch first finishes that epoch.
	if p := st.Pos(); !(p.Phase == network.PhaseEpochEnd || (p.Phase == network.PhaseIdle && p.Steps == 0)) {
		if err := st.Step(network.ByEpoch); err != nil {
			return diverged(err, st)
		}
	}
	var (
		last                epochRecord
		begin               = time.Now()
		samples             int
		trainTime, evalTime time.Duration // of the epochs (a resumed model's first partial epoch aside)
		stopReason          string
		warm                []float64 // the last λ_max's eigenvector: the next one starts there
	)
	// Epochs are numbered from the start of training, so a resumed model
	// goes on counting (as the history does).
	first := st.Pos().Epoch
	total := first + o.epochs
	for e := first + 1; e <= total; e++ {
		rep.start(e, total, n)
		epoch0, steps0 := st.Pos().Epoch, st.Pos().Steps
		t0 := time.Now()
		chunk := n
		if bar {
			chunk = min(n, 64)
		}
		for st.Pos().Epoch == epoch0 {
			left := n - (st.Pos().Steps - steps0)
			if left <= 0 {
				break
			}
			c0 := time.Now()
			did, err := st.Run(min(chunk, left))
			if err != nil {
				return diverged(err, st)
			}
			if did == 0 {
				break
			}
			if bar {
				rep.progress(st.Pos().Steps-steps0, n, time.Since(t0))
				// Aim for about ten redraws a second.
				if dt := time.Since(c0).Seconds(); dt > 0 {
					chunk = max(1, min(n, int(float64(did)*0.1/dt)))
				}
			}
		}
		if st.Pos().Epoch == epoch0 {
			return fmt.Errorf("epoch %d did not finish (stepper at %+v)", e, st.Pos())
		}
		dt := time.Since(t0)
		done := st.Pos().Steps - steps0
		samples += done
		last = record(st, e, total, dt, done)
		trainTime += dt - st.EvalTime()
		evalTime += st.EvalTime()
		last.Trained = e - first
		if o.sharp.on && st.Status() == network.Training {
			sh, err := sharpness(st.Net(), st.Hyper(), st.Train(), o.sharp.samples, warm)
			if err != nil {
				return fmt.Errorf("epoch %d: %v", e, err)
			}
			warm, last.Sharp = sh.Vector, sh.LambdaMax
		}
		rep.end(last)
		if status := st.Status(); status != network.Training {
			switch status {
			case network.Converged:
				stopReason = fmt.Sprintf("converged after %s: a whole epoch without a mistake", numfmt.Count(e, "epoch"))
			case network.NotConverging:
				stopReason = fmt.Sprintf("not converging after %s (the data may not be linearly separable)", numfmt.Count(e, "epoch"))
			default:
				stopReason = status.String()
			}
			break
		}
	}
	rep.final(last, finalTimes{total: time.Since(begin), train: trainTime, eval: evalTime}, samples, stopReason)
	return saveOutputs(s, o)
}

// saveOutputs writes --out and --history: both or neither. Both files are
// first written in full to temporary files beside their targets; only when
// both are ready are they renamed into place, so a failure leaves any old
// model or history file as it was.
func saveOutputs(s *setup.Session, o trainOpts) error {
	var staged []*network.Staged
	abort := func() {
		for _, f := range staged {
			f.Abort()
		}
	}
	stage := func(path string, write func(io.Writer) error) error {
		f, err := network.Stage(path, write)
		if err != nil {
			abort()
			return fmt.Errorf("%v; no files were written", err)
		}
		staged = append(staged, f)
		return nil
	}
	if o.out != "" {
		m, err := s.ModelFile()
		if err != nil {
			return fmt.Errorf("%v; no files were written", err)
		}
		if err := stage(o.out, m.Write); err != nil { // streamed, not held in memory
			return err
		}
	}
	if o.history != "" {
		csv := network.HistoryCSV(s.Stepper.History(), s.Stepper.GradNorms()...)
		if err := stage(o.history, func(w io.Writer) error { _, err := w.Write(csv); return err }); err != nil {
			return err
		}
	}
	for i, f := range staged {
		if err := f.Commit(); err != nil {
			abort()
			if i == 0 {
				return fmt.Errorf("%v; no files were written", err)
			}
			return fmt.Errorf("%v (%s was written)", err, staged[0].Path())
		}
	}
	return nil
}

// diverged explains a training failure; the caller writes no files.
func diverged(err error, st *network.Stepper) error {
	if errors.Is(err, network.ErrDiverged) {
		return fmt.Errorf("%v (--lr %g); no files were written", err, st.Hyper().Eta)
	}
	return err
}
