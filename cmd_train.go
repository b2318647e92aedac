package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"backprop/datasets"
	"backprop/network"
)

// trainOpts are train's own flags besides the setup flags.
type trainOpts struct {
	out, history string
	json         bool
	progress     string // auto, bar, plain
}

func trainHelp(fs *flag.FlagSet) func(io.Writer) {
	return func(w io.Writer) {
		fmt.Fprintf(w, `usage: backprop train --data SET [flags]

Train a network headless. On a terminal it shows Keras-style progress
(Epoch 3/30, a progress bar with samples/s and ETA, then loss, accuracy,
val_loss, val_accuracy); piped, one plain line per epoch; with --json, one
JSON object per epoch and a final one. The same flags and seed give the same
numbers on every run. val_* are measured on the test part (--split).

data:
`)
		printFlags(w, fs, dataFlagNames())
		fmt.Fprintf(w, "\nnetwork:\n")
		printFlags(w, fs, netFlagNames())
		fmt.Fprintf(w, "\ntraining:\n")
		printFlags(w, fs, trainFlagNames())
		fmt.Fprintf(w, "\noutput:\n")
		printFlags(w, fs, []string{"out", "history", "json", "progress"})
		fmt.Fprintf(w, `
exit status: 0 trained; 1 failed (bad data file, divergence: no files are
written); 2 bad flags.

example:
  backprop train --data digits --layers 64,30,10 --act sigmoid --cost quadratic \
      --lr 3 --batch 10 --epochs 30 --seed 1 --out digits.json --history digits.csv
`)
	}
}

// runTrain is `backprop train`.
func runTrain(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	sf := AddSetupFlags(fs)
	var o trainOpts
	fs.StringVar(&o.out, "out", "", "save the trained model to `FILE` (JSON, written atomically)")
	fs.StringVar(&o.history, "history", "", "write epoch,loss,accuracy,val_loss,val_accuracy per epoch to `FILE.csv`")
	fs.BoolVar(&o.json, "json", false, "print one JSON object per epoch, then a final object")
	fs.StringVar(&o.progress, "progress", "auto", "auto (a bar on a terminal, plain lines when piped), bar or plain")
	if status, ok := parseFlags(fs, args, trainHelp(fs), stdout, stderr); !ok {
		return status
	}
	if err := train(sf, o, stdout); err != nil {
		fmt.Fprintf(stderr, "backprop train: %v\n", err)
		return ExitCode(err)
	}
	return 0
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
		return flagErr(flagName, "directory %s does not exist", dir)
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return flagErr(flagName, "%s is a directory", path)
	}
	return nil
}

// trainSession is a stepper ready to train, with what it trains on.
type trainSession struct {
	st   *network.Stepper
	data datasets.Spec
	ds   *datasets.Dataset
}

// newSession builds the stepper from the flags, or from --model.
func newTrainSession(sf *SetupFlags) (*trainSession, error) {
	if sf.Model == "" {
		setup, err := sf.Resolve()
		if err != nil {
			return nil, err
		}
		net, err := setup.NewNet()
		if err != nil {
			return nil, err
		}
		st, err := network.NewStepper(net, setup.Hyper, netSet(setup.Dataset.Train), netSet(setup.Dataset.Test))
		if errors.Is(err, network.ErrStepBackprop) {
			return nil, flagErr("act", "%v", err)
		}
		if err != nil {
			return nil, err
		}
		return &trainSession{st: st, data: setup.Data, ds: setup.Dataset}, nil
	}
	if c := sf.shapeConflicts(); len(c) > 0 {
		return nil, flagErr(strings.TrimPrefix(c[0], "--"), "cannot be used with --model: the model file fixes the network (drop %s)", strings.Join(c, ", "))
	}
	m, ds, spec, err := loadModelData(sf, sf.Model)
	if err != nil {
		return nil, err
	}
	st, err := m.Stepper(netSet(ds.Train), netSet(ds.Test))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", sf.Model, err)
	}
	cur := st.Hyper()
	h, err := sf.Hyper(&cur)
	if err != nil {
		return nil, err
	}
	if h != cur {
		if err := st.SetHyper(h); err != nil {
			return nil, err
		}
	}
	return &trainSession{st: st, data: spec, ds: ds}, nil
}

// loadModelData reads a model file and loads the data it names (or the one
// the data flags name), checking that the shapes fit.
func loadModelData(sf *SetupFlags, path string) (*network.Model, *datasets.Dataset, datasets.Spec, error) {
	var spec datasets.Spec
	m, err := network.LoadModel(path)
	if err != nil {
		return nil, nil, spec, err
	}
	var base *datasets.Spec
	if len(m.Data) > 0 && string(m.Data) != "null" {
		var s datasets.Spec
		if err := json.Unmarshal(m.Data, &s); err != nil {
			return nil, nil, spec, fmt.Errorf("%s: data: %v", path, err)
		}
		s = besideModel(path, s)
		base = &s
	}
	if base == nil && !sf.Given("data") {
		return nil, nil, spec, flagErr("data", "required: the model file %s does not name its data", path)
	}
	if spec, err = sf.DataSpec(base); err != nil {
		return nil, nil, spec, err
	}
	ds, err := datasets.Load(spec)
	if err != nil {
		return nil, nil, spec, err
	}
	net, err := m.Network()
	if err != nil {
		return nil, nil, spec, fmt.Errorf("%s: %w", path, err)
	}
	in, out := net.Sizes[0], net.Sizes[len(net.Sizes)-1]
	if in != len(ds.Features) || out != len(ds.Targets) {
		return nil, nil, spec, flagErr("data", "the model %s takes %d inputs and gives %d outputs (%s), but %s has %d inputs and %d outputs",
			path, in, out, sizesString(net.Sizes), ds.Name, len(ds.Features), len(ds.Targets))
	}
	return m, ds, spec, nil
}

// epochRecord is one epoch's metrics; NaN means "not measured".
type epochRecord struct {
	Epoch, Epochs            int
	Loss, Acc, ValLoss, ValA float64
	Seconds                  float64
	SamplesPerSec            float64
	Trained                  int // epochs trained by this run
}

// reporter shows training progress.
type reporter interface {
	start(epoch, epochs, n int)
	progress(done, n int, elapsed time.Duration)
	end(r epochRecord)
	final(r epochRecord, total time.Duration, samples int, note string)
}

func train(sf *SetupFlags, o trainOpts, stdout io.Writer) error {
	if err := checkOutPath("out", o.out); err != nil {
		return err
	}
	if err := checkOutPath("history", o.history); err != nil {
		return err
	}
	switch o.progress {
	case "auto", "bar", "plain":
	default:
		return flagErr("progress", "must be auto, bar or plain, got %q", o.progress)
	}
	if sf.Epochs < 1 {
		return flagErr("epochs", "must be ≥ 1, got %d", sf.Epochs)
	}
	s, err := newTrainSession(sf)
	if err != nil {
		return err
	}
	regression := s.ds.Kind == datasets.Regression
	var rep reporter
	switch {
	case o.json:
		rep = &jsonReporter{w: stdout, regression: regression}
	case o.progress == "bar" || (o.progress == "auto" && isTerminal(stdout)):
		rep = &barReporter{w: stdout, regression: regression}
	default:
		rep = &plainReporter{w: stdout, regression: regression}
	}
	st := s.st
	n := s.ds.Train.Len()
	bar := func() bool { _, ok := rep.(*barReporter); return ok }()

	// A model saved mid-epoch first finishes that epoch.
	if p := st.Pos(); !(p.Phase == network.PhaseEpochEnd || (p.Phase == network.PhaseIdle && p.Steps == 0)) {
		if err := st.Step(network.ByEpoch); err != nil {
			return diverged(err, st)
		}
	}
	var (
		last       epochRecord
		begin      = time.Now()
		samples    int
		stopReason string
	)
	// Epochs are numbered from the start of training, so a resumed model
	// goes on counting (as the history does).
	first := st.Pos().Epoch
	total := first + sf.Epochs
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
		last.Trained = e - first
		rep.end(last)
		if status := st.Status(); status != network.Training {
			switch status {
			case network.Converged:
				stopReason = fmt.Sprintf("converged after %d epochs: a whole epoch without a mistake", e)
			case network.NotConverging:
				stopReason = fmt.Sprintf("not converging after %d epochs (the data may not be linearly separable)", e)
			default:
				stopReason = status.String()
			}
			break
		}
	}
	rep.final(last, time.Since(begin), samples, stopReason)
	return saveOutputs(s, o)
}

// saveOutputs writes --out and --history: both or neither. Both files are
// first written in full to temporary files beside their targets; only when
// both are ready are they renamed into place, so a failure leaves any old
// model or history file as it was.
func saveOutputs(s *trainSession, o trainOpts) error {
	type output struct{ path, tmp string }
	var outs []output
	cleanup := func() {
		for _, f := range outs {
			os.Remove(f.tmp)
		}
	}
	stage := func(path string, data []byte) error {
		tmp, err := stageFile(path, data)
		if err != nil {
			cleanup()
			return fmt.Errorf("writing %s: %v; no files were written", path, err)
		}
		outs = append(outs, output{path, tmp})
		return nil
	}
	if o.out != "" {
		m := s.st.Model()
		if m == nil {
			return errors.New("the engine returned no model to save; no files were written")
		}
		data, err := json.Marshal(savedDataSpec(s.data))
		if err != nil {
			return err
		}
		m.Data = data
		var b bytes.Buffer
		if err := m.Write(&b); err != nil {
			return fmt.Errorf("%v; no files were written", err)
		}
		if err := stage(o.out, b.Bytes()); err != nil {
			return err
		}
	}
	if o.history != "" {
		if err := stage(o.history, network.HistoryCSV(s.st.History())); err != nil {
			return err
		}
	}
	for i, f := range outs {
		if err := os.Rename(f.tmp, f.path); err != nil {
			cleanup()
			if i == 0 {
				return fmt.Errorf("writing %s: %v; no files were written", f.path, err)
			}
			return fmt.Errorf("writing %s: %v (%s was written)", f.path, err, outs[0].path)
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

// record builds the metrics of the epoch just finished.
func record(st *network.Stepper, e, epochs int, dt time.Duration, samples int) epochRecord {
	r := epochRecord{Epoch: e, Epochs: epochs, Loss: math.NaN(), Acc: math.NaN(), ValLoss: math.NaN(), ValA: math.NaN(), Seconds: dt.Seconds()}
	if dt > 0 {
		r.SamplesPerSec = float64(samples) / dt.Seconds()
	}
	if h := st.History(); len(h) > 0 {
		s := h[len(h)-1]
		r.Loss, r.Acc, r.ValLoss, r.ValA = s.TrainLoss, s.TrainAcc, s.TestLoss, s.TestAcc
	}
	return r
}

// metrics formats "loss: 0.0123 - accuracy: 0.9512 - val_loss: …" (Keras
// style), leaving out what was not measured.
func metrics(r epochRecord, regression bool, sep string) string {
	var parts []string
	add := func(name string, v float64, skip bool) {
		if !skip && !math.IsNaN(v) {
			parts = append(parts, name+": "+num4(v))
		}
	}
	add("loss", r.Loss, false)
	add("accuracy", r.Acc, regression)
	add("val_loss", r.ValLoss, false)
	add("val_accuracy", r.ValA, regression)
	return strings.Join(parts, sep)
}

// num4 formats a metric with 4 decimals, or 4 significant digits when huge.
func num4(v float64) string {
	if math.Abs(v) >= 1e6 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(v, 'f', 4, 64)
}

// plainReporter prints one line per epoch (for pipes and logs).
type plainReporter struct {
	w          io.Writer
	regression bool
}

func (p *plainReporter) start(int, int, int)              {}
func (p *plainReporter) progress(int, int, time.Duration) {}
func (p *plainReporter) end(r epochRecord) {
	fmt.Fprintf(p.w, "Epoch %d/%d - %s - %s\n", r.Epoch, r.Epochs, seconds(r.Seconds), metrics(r, p.regression, " - "))
}
func (p *plainReporter) final(r epochRecord, total time.Duration, samples int, note string) {
	finalLines(p.w, r, total, samples, note, p.regression)
}

func finalLines(w io.Writer, r epochRecord, total time.Duration, samples int, note string, regression bool) {
	if note != "" {
		fmt.Fprintf(w, "Stopped: %s\n", note)
	}
	what := "test"
	loss, acc := r.ValLoss, r.ValA
	if math.IsNaN(loss) {
		what, loss, acc = "train (no test set)", r.Loss, r.Acc
	}
	line := fmt.Sprintf("Final %s: loss %s", what, num4(loss))
	if !regression && !math.IsNaN(acc) {
		line += " - accuracy " + num4(acc)
	}
	rate := 0.0
	if total > 0 {
		rate = float64(samples) / total.Seconds()
	}
	epochs := "epochs"
	if r.Trained == 1 {
		epochs = "epoch"
	}
	fmt.Fprintf(w, "%s (%d %s in %s, %s samples/s)\n", line, r.Trained, epochs, seconds(total.Seconds()), thousands(rate))
}

// seconds formats a duration in seconds as Keras does ("0s", "12s"), with
// more precision under 10 s.
func seconds(s float64) string {
	if s < 10 {
		return strconv.FormatFloat(s, 'f', 2, 64) + "s"
	}
	return strconv.FormatFloat(s, 'f', 0, 64) + "s"
}

// thousands formats v rounded, with thin separators: 29,950.
func thousands(v float64) string {
	s := strconv.FormatInt(int64(math.Round(v)), 10)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// barReporter draws Keras-style progress on a terminal.
type barReporter struct {
	w          io.Writer
	regression bool
}

const barWidth = 30

func progressBar(done, n int) string {
	if n <= 0 {
		n = 1
	}
	filled := done * barWidth / n
	if done >= n {
		return "[" + strings.Repeat("=", barWidth) + "]"
	}
	return "[" + strings.Repeat("=", filled) + ">" + strings.Repeat(".", barWidth-filled-1) + "]"
}

func (b *barReporter) start(epoch, epochs, n int) {
	fmt.Fprintf(b.w, "Epoch %d/%d\n", epoch, epochs)
}

func (b *barReporter) progress(done, n int, elapsed time.Duration) {
	rate := float64(done) / max(elapsed.Seconds(), 1e-9)
	eta := float64(n-done) / max(rate, 1e-9)
	w := len(strconv.Itoa(n))
	fmt.Fprintf(b.w, "\r%*d/%d %s - ETA: %s - %s samples/s\x1b[K", w, done, n, progressBar(done, n), seconds(eta), thousands(rate))
}

func (b *barReporter) end(r epochRecord) {
	n := int(math.Round(r.SamplesPerSec * r.Seconds))
	perSample := time.Duration(r.Seconds / max(float64(n), 1) * float64(time.Second))
	w := len(strconv.Itoa(n))
	fmt.Fprintf(b.w, "\r%*d/%d %s - %s %s/sample - %s samples/s - %s\x1b[K\n", w, n, n, progressBar(n, n),
		seconds(r.Seconds), perSample.Round(time.Microsecond/10), thousands(r.SamplesPerSec), metrics(r, b.regression, " - "))
}

func (b *barReporter) final(r epochRecord, total time.Duration, samples int, note string) {
	finalLines(b.w, r, total, samples, note, b.regression)
}

// jsonReporter prints one JSON object per epoch and a final one.
type jsonReporter struct {
	w          io.Writer
	regression bool
}

// jsonNum is a float that encodes NaN as null.
type jsonNum float64

func (v jsonNum) MarshalJSON() ([]byte, error) {
	if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(float64(v), 'g', -1, 64)), nil
}

type jsonEpoch struct {
	Final         bool     `json:"final,omitempty"`
	Epoch         int      `json:"epoch"`
	Epochs        int      `json:"epochs"`
	Loss          jsonNum  `json:"loss"`
	Accuracy      *jsonNum `json:"accuracy,omitempty"`
	ValLoss       jsonNum  `json:"val_loss"`
	ValAccuracy   *jsonNum `json:"val_accuracy,omitempty"`
	Seconds       float64  `json:"seconds"`
	SamplesPerSec float64  `json:"samples_per_sec"`
	Stopped       string   `json:"stopped,omitempty"`
}

func (j *jsonReporter) obj(r epochRecord) jsonEpoch {
	o := jsonEpoch{Epoch: r.Epoch, Epochs: r.Epochs, Loss: jsonNum(r.Loss), ValLoss: jsonNum(r.ValLoss),
		Seconds: r.Seconds, SamplesPerSec: math.Round(r.SamplesPerSec)}
	if !j.regression {
		a, v := jsonNum(r.Acc), jsonNum(r.ValA)
		o.Accuracy, o.ValAccuracy = &a, &v
	}
	return o
}

func (j *jsonReporter) start(int, int, int)              {}
func (j *jsonReporter) progress(int, int, time.Duration) {}
func (j *jsonReporter) end(r epochRecord) {
	b, _ := json.Marshal(j.obj(r))
	fmt.Fprintf(j.w, "%s\n", b)
}
func (j *jsonReporter) final(r epochRecord, total time.Duration, samples int, note string) {
	o := j.obj(r)
	o.Final, o.Stopped, o.Seconds = true, note, total.Seconds()
	if total > 0 {
		o.SamplesPerSec = math.Round(float64(samples) / total.Seconds())
	}
	b, _ := json.Marshal(o)
	fmt.Fprintf(j.w, "%s\n", b)
}

// savedDataSpec is spec as a model file keeps it: a CSV path, an idx:DIR
// and --data-dir made absolute, so eval, export and --model find the data
// from any working directory (a relative path only worked from the one
// train ran in).
func savedDataSpec(spec datasets.Spec) datasets.Spec {
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	return mapDataPaths(spec, abs)
}

// besideModel is a model file's data spec with relative paths that don't
// exist from the working directory looked up next to the model file (files
// saved before paths were made absolute, or by the trainer).
func besideModel(modelPath string, spec datasets.Spec) datasets.Spec {
	return mapDataPaths(spec, func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
		alt := filepath.Join(filepath.Dir(modelPath), p)
		if _, err := os.Stat(alt); err == nil {
			return alt
		}
		return p
	})
}

// mapDataPaths applies f to the file paths in spec: a CSV name, the DIR of
// idx:DIR, and DataDir. Built-in names are left alone.
func mapDataPaths(spec datasets.Spec, f func(string) string) datasets.Spec {
	builtin := false
	for _, in := range datasets.Names() {
		builtin = builtin || in.Name == spec.Name
	}
	switch {
	case strings.HasPrefix(spec.Name, "idx:"):
		if dir := strings.TrimPrefix(spec.Name, "idx:"); dir != "" {
			spec.Name = "idx:" + f(dir)
		}
	case !builtin && spec.Name != "":
		spec.Name = f(spec.Name)
	}
	if spec.DataDir != "" {
		spec.DataDir = f(spec.DataDir)
	}
	return spec
}

// stageFile writes data to a synced temporary file in path's directory
// (renamed over path by the caller) and returns its name.
func stageFile(path string, data []byte) (string, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return "", err
	}
	if _, err = tmp.Write(data); err == nil {
		if err = tmp.Chmod(0o644); err == nil {
			err = tmp.Sync()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(tmp.Name())
		return "", err
	}
	return tmp.Name(), nil
}
