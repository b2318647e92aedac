package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"backprop/datasets"
	"backprop/internal/safetext"
	"backprop/network"
)

// raceResult is a finished race, for the table and --json.
type raceResult struct {
	Axes     []axis
	Epochs   int
	Lines    []finishLine
	Variants []*variant
}

// regression reports whether the race's data has no classes.
func (r raceResult) regression() bool {
	return r.Variants[0].sess.Dataset.Kind == datasets.Regression
}

// hasTest reports whether some variant's data has a test part.
func (r raceResult) hasTest() bool {
	for _, v := range r.Variants {
		if v.sess.Dataset.Test.Len() > 0 {
			return true
		}
	}
	return false
}

// best is the variant with the lowest final test loss (training loss
// without a test part), or nil when every variant diverged.
func (r raceResult) best() (*variant, string, float64) {
	var best *variant
	what, bestV := "val_loss", math.Inf(1)
	if !r.hasTest() {
		what = "loss"
	}
	for _, v := range r.Variants {
		if v.err != nil || v.last == nil {
			continue
		}
		x := v.last.TestLoss
		if what == "loss" {
			x = v.last.TrainLoss
		}
		if x < bestV {
			best, bestV = v, x
		}
	}
	return best, what, bestV
}

// writeTable prints the race as a table with notes under it.
func (r raceResult) writeTable(w io.Writer) error {
	vs := r.Variants
	var sets []string
	for _, v := range vs {
		ds := v.sess.Dataset
		s := fmt.Sprintf("%s (%d training samples", safetext.Line(ds.Name), ds.Train.Len())
		if ds.Test.Len() > 0 {
			s += fmt.Sprintf(", %d test", ds.Test.Len())
		}
		if s += ")"; !slices.Contains(sets, s) {
			sets = append(sets, s)
		}
	}
	each := fmt.Sprintf("up to %d epochs each", r.Epochs)
	if r.Epochs == 1 {
		each = "one epoch each"
	}
	fmt.Fprintf(w, "%d variants on %s, %s\n\n", len(vs), strings.Join(sets, ", "), each)
	rows := [][]string{r.header()}
	for _, v := range vs {
		rows = append(rows, r.row(v))
	}
	writeColumns(w, rows, len(r.Axes)+1)
	fmt.Fprintln(w)
	for _, l := range r.notes() {
		fmt.Fprintln(w, l)
	}
	return nil
}

// showEpochs reports whether the table needs an epochs column: some
// variant trained fewer than all the epochs.
func (r raceResult) showEpochs() bool {
	for _, v := range r.Variants {
		if v.trained != r.Epochs {
			return true
		}
	}
	return false
}

// header is the table's first row.
func (r raceResult) header() []string {
	var h []string
	for _, a := range r.Axes {
		h = append(h, a.Name)
	}
	h = append(h, "start")
	if r.showEpochs() {
		h = append(h, "epochs")
	}
	h = append(h, "loss")
	if !r.regression() {
		h = append(h, "accuracy")
	}
	if r.hasTest() {
		h = append(h, "val_loss")
		if !r.regression() {
			h = append(h, "val_accuracy")
		}
	}
	for _, l := range r.Lines {
		h = append(h, l.String())
	}
	return h
}

// row is v's row of the table.
func (r raceResult) row(v *variant) []string {
	var c []string
	for _, x := range v.Values {
		c = append(c, safetext.Line(x))
	}
	c = append(c, startName(v.start))
	if r.showEpochs() {
		c = append(c, strconv.Itoa(v.trained))
	}
	m := func(x float64) string {
		if v.err != nil || v.last == nil || math.IsNaN(x) {
			return "—"
		}
		return num4(x)
	}
	var last network.EpochStats
	if v.last != nil {
		last = *v.last
	}
	loss := m(last.TrainLoss)
	if v.err != nil {
		loss = "diverged"
	}
	c = append(c, loss)
	if !r.regression() {
		c = append(c, m(last.TrainAcc))
	}
	if r.hasTest() {
		c = append(c, m(last.TestLoss))
		if !r.regression() {
			c = append(c, m(last.TestAcc))
		}
	}
	for _, e := range v.reached {
		if e == 0 {
			c = append(c, "—")
		} else {
			c = append(c, "epoch "+strconv.Itoa(e))
		}
	}
	return c
}

// notes are the lines under the table: the finish line, the starts, the
// divergences and the best variant.
func (r raceResult) notes() []string {
	var out []string
	for _, l := range r.Lines {
		out = append(out, fmt.Sprintf("%s: the first epoch whose metrics reached it (—: none within %d).", l, r.Epochs))
	}
	starts := 0
	for _, v := range r.Variants {
		starts = max(starts, v.start+1)
	}
	if starts == 1 {
		all := fmt.Sprintf("all %d variants", len(r.Variants))
		if len(r.Variants) == 2 {
			all = "both variants"
		}
		out = append(out, "start A: "+all+" started from bit-identical weights, with the same shuffle seed.")
	} else {
		for _, v := range r.Variants {
			if v.note != "" {
				out = append(out, fmt.Sprintf("start %s (%s): %s.", startName(v.start), v.label, v.note))
			}
		}
	}
	for _, v := range r.Variants {
		switch {
		case v.err != nil:
			out = append(out, fmt.Sprintf("%s: %v", v.label, v.err))
		case v.stopped != "":
			out = append(out, fmt.Sprintf("%s: stopped, %s, after %d epochs.", v.label, v.stopped, v.trained))
		}
	}
	if b, what, x := r.best(); b != nil && len(r.Variants) > 1 {
		out = append(out, fmt.Sprintf("lowest %s: %s (%s).", what, b.label, num4(x)))
	}
	return out
}

// writeColumns prints rows as columns two spaces apart: the first left
// columns left-aligned, the others right-aligned.
func writeColumns(w io.Writer, rows [][]string, left int) {
	width := map[int]int{}
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		var b strings.Builder
		for i, c := range row {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if i < left {
				b.WriteString(c + pad)
			} else {
				b.WriteString(pad + c)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
}

// jsonVariant is one variant in --json.
type jsonVariant struct {
	Vary        map[string]string `json:"vary"`
	Start       string            `json:"start"`
	StartNote   string            `json:"start_note,omitempty"`
	Epochs      int               `json:"epochs"`
	Loss        jsonNum           `json:"loss"`
	Accuracy    *jsonNum          `json:"accuracy,omitempty"`
	ValLoss     jsonNum           `json:"val_loss"`
	ValAccuracy *jsonNum          `json:"val_accuracy,omitempty"`
	Reached     []*int            `json:"reached"` // per --until: the epoch, or null
	Stopped     string            `json:"stopped,omitempty"`
	Diverged    string            `json:"diverged,omitempty"`
}

// writeJSON prints the race as one JSON object.
func (r raceResult) writeJSON(w io.Writer) error {
	type line struct {
		Metric string  `json:"metric"`
		Value  float64 `json:"value"`
	}
	out := struct {
		Data     string        `json:"data"`
		Epochs   int           `json:"epochs"`
		Vary     []axis        `json:"vary"`
		Until    []line        `json:"until"`
		Variants []jsonVariant `json:"variants"`
	}{Data: r.Variants[0].sess.Dataset.Name, Epochs: r.Epochs, Vary: r.Axes}
	for _, l := range r.Lines {
		out.Until = append(out.Until, line{l.Metric, l.Value})
	}
	for _, v := range r.Variants {
		out.Variants = append(out.Variants, r.jsonVariant(v))
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

func (r raceResult) jsonVariant(v *variant) jsonVariant {
	j := jsonVariant{Vary: map[string]string{}, Start: startName(v.start), StartNote: v.note, Epochs: v.trained, Stopped: v.stopped}
	for i, a := range r.Axes {
		j.Vary[a.Name] = v.Values[i]
	}
	last := network.EpochStats{TrainLoss: math.NaN(), TrainAcc: math.NaN(), TestLoss: math.NaN(), TestAcc: math.NaN()}
	if v.last != nil && v.err == nil {
		last = *v.last
	}
	if v.err != nil {
		j.Diverged = v.err.Error()
	}
	j.Loss, j.ValLoss = jsonNum(last.TrainLoss), jsonNum(last.TestLoss)
	if !r.regression() {
		a, va := jsonNum(last.TrainAcc), jsonNum(last.TestAcc)
		j.Accuracy, j.ValAccuracy = &a, &va
	}
	for _, e := range v.reached {
		if e == 0 {
			j.Reached = append(j.Reached, nil)
		} else {
			j.Reached = append(j.Reached, &e)
		}
	}
	return j
}

// fileNames gives each variant a file name stem from its values
// ("opt-sgd_lr-0.3"), made unique.
func fileNames(vs []*variant) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		stem := strings.Map(func(r rune) rune {
			switch {
			case r == '=':
				return '-'
			case r == ' ':
				return '_'
			case r == '.' || r == '-' || r == '_' || r == ',' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z':
				return r
			}
			return '-'
		}, v.label)
		if stem == "" {
			stem = "variant"
		}
		name := stem
		for k := 2; seen[name]; k++ {
			name = stem + "-" + strconv.Itoa(k)
		}
		seen[name] = true
		out = append(out, name)
	}
	return out
}

// saveRace writes --history (one CSV per variant) and --out (one model per
// variant that did not diverge): every file is staged first and put in
// place only when all are ready, so a failure writes none.
func saveRace(vs []*variant, o raceOpts) error {
	if o.history == "" && o.out == "" {
		return nil
	}
	var staged []*network.Staged
	abort := func() {
		for _, f := range staged {
			f.Abort()
		}
	}
	stage := func(path string, write func(io.Writer) error) error {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return err
		}
		f, err := network.Stage(path, write)
		if err == nil {
			staged = append(staged, f)
		}
		return err
	}
	names := fileNames(vs)
	for i, v := range vs {
		if o.history != "" {
			csv := network.HistoryCSV(v.history)
			if err := stage(filepath.Join(o.history, names[i]+".csv"), func(w io.Writer) error { _, err := w.Write(csv); return err }); err != nil {
				abort()
				return fmt.Errorf("%v; no files were written", err)
			}
		}
		if o.out != "" && v.err == nil {
			m, err := v.sess.ModelFile()
			if err == nil {
				err = stage(filepath.Join(o.out, names[i]+".json"), m.Write)
			}
			if err != nil {
				abort()
				return fmt.Errorf("%v; no files were written", err)
			}
		}
	}
	for i, f := range staged {
		if err := f.Commit(); err != nil {
			abort()
			return fmt.Errorf("%v (%d of %d files were written)", err, i, len(staged))
		}
	}
	return nil
}
