package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"backprop/network"
)

// epochRecord is one epoch's metrics; NaN means "not measured".
type epochRecord struct {
	Epoch, Epochs            int
	Loss, Acc, ValLoss, ValA float64
	Seconds                  float64 // the whole epoch, its evaluation included
	EvalSeconds              float64 // the epoch-end evaluation of the train and test sets
	Samples                  int     // trained in the epoch
	SamplesPerSec            float64 // over the training time only (Seconds − EvalSeconds)
	Trained                  int     // epochs trained by this run
	Sharp                    float64 // λ_max with --sharpness (0: not measured)
	// GradNorm is the epoch's mean ‖∂C/∂W^l‖_F per layer (Stepper.GradNorms).
	GradNorm []float64
}

// finalTimes are a run's wall time, and the parts of its epochs spent
// training and evaluating.
type finalTimes struct{ total, train, eval time.Duration }

// rate is samples per second of training time (0 when none was measured).
func (t finalTimes) rate(samples int) float64 {
	if t.train <= 0 {
		return 0
	}
	return float64(samples) / t.train.Seconds()
}

// reporter shows training progress.
type reporter interface {
	start(epoch, epochs, n int)
	progress(done, n int, elapsed time.Duration)
	end(r epochRecord)
	final(r epochRecord, t finalTimes, samples int, note string)
}

// record builds the metrics of the epoch just finished.
func record(st *network.Stepper, e, epochs int, dt time.Duration, samples int) epochRecord {
	eval := st.EvalTime()
	r := epochRecord{Epoch: e, Epochs: epochs, Loss: math.NaN(), Acc: math.NaN(), ValLoss: math.NaN(), ValA: math.NaN(),
		Seconds: dt.Seconds(), EvalSeconds: eval.Seconds(), Samples: samples}
	if train := dt - eval; train > 0 {
		r.SamplesPerSec = float64(samples) / train.Seconds()
	}
	if h := st.History(); len(h) > 0 {
		s := h[len(h)-1]
		r.Loss, r.Acc, r.ValLoss, r.ValA = s.TrainLoss, s.TrainAcc, s.TestLoss, s.TestAcc
		if g := st.GradNorms(); len(g) == len(h) {
			r.GradNorm = g[len(g)-1]
		}
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
	if r.Sharp != 0 {
		parts = append(parts, "λ_max: "+num4(r.Sharp), "2/λ_max: "+num4(2/r.Sharp))
	}
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
func (p *plainReporter) final(r epochRecord, t finalTimes, samples int, note string) {
	finalLines(p.w, r, t, samples, note, p.regression)
}

// finalLines ends a run: the final metrics, the wall time and the training
// rate (evaluation not counted).
func finalLines(w io.Writer, r epochRecord, t finalTimes, samples int, note string, regression bool) {
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
	epochs := "epochs"
	if r.Trained == 1 {
		epochs = "epoch"
	}
	fmt.Fprintf(w, "%s (%d %s in %s, %s samples/s)\n", line, r.Trained, epochs, seconds(t.total.Seconds()), thousands(t.rate(samples)))
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
	n := r.Samples
	perSample := time.Duration((r.Seconds - r.EvalSeconds) / max(float64(n), 1) * float64(time.Second))
	w := len(strconv.Itoa(n))
	fmt.Fprintf(b.w, "\r%*d/%d %s - %s %s/sample - %s samples/s - %s\x1b[K\n", w, n, n, progressBar(n, n),
		seconds(r.Seconds), perSample.Round(time.Microsecond/10), thousands(r.SamplesPerSec), metrics(r, b.regression, " - "))
}

func (b *barReporter) final(r epochRecord, t finalTimes, samples int, note string) {
	finalLines(b.w, r, t, samples, note, b.regression)
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
	EvalSeconds   float64  `json:"eval_seconds"`
	// With --sharpness: λ_max of the training cost and 2/λ_max.
	LambdaMax      *jsonNum `json:"lambda_max,omitempty"`
	StabilityLimit *jsonNum `json:"stability_limit,omitempty"`
	// GradNorm: per layer, first layer first, the mean over the epoch's
	// mini-batches of ‖(1/m) Σ_x ∂C_x/∂W‖_F (no regularisation term).
	GradNorm []jsonNum `json:"grad_norm,omitempty"`
	Stopped  string    `json:"stopped,omitempty"`
}

func (j *jsonReporter) obj(r epochRecord) jsonEpoch {
	o := jsonEpoch{Epoch: r.Epoch, Epochs: r.Epochs, Loss: jsonNum(r.Loss), ValLoss: jsonNum(r.ValLoss),
		Seconds: r.Seconds, SamplesPerSec: math.Round(r.SamplesPerSec), EvalSeconds: r.EvalSeconds}
	for _, g := range r.GradNorm {
		o.GradNorm = append(o.GradNorm, jsonNum(g))
	}
	if !j.regression {
		a, v := jsonNum(r.Acc), jsonNum(r.ValA)
		o.Accuracy, o.ValAccuracy = &a, &v
	}
	if r.Sharp != 0 {
		l, s := jsonNum(r.Sharp), jsonNum(2/r.Sharp)
		o.LambdaMax, o.StabilityLimit = &l, &s
	}
	return o
}

func (j *jsonReporter) start(int, int, int)              {}
func (j *jsonReporter) progress(int, int, time.Duration) {}
func (j *jsonReporter) end(r epochRecord) {
	b, _ := json.Marshal(j.obj(r))
	fmt.Fprintf(j.w, "%s\n", b)
}
func (j *jsonReporter) final(r epochRecord, t finalTimes, samples int, note string) {
	o := j.obj(r)
	o.Final, o.Stopped, o.Seconds = true, note, t.total.Seconds()
	o.SamplesPerSec, o.EvalSeconds = math.Round(t.rate(samples)), t.eval.Seconds()
	b, _ := json.Marshal(o)
	fmt.Fprintf(j.w, "%s\n", b)
}
