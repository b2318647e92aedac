package figures

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"backprop/network"
)

// MaxHistoryBytes bounds a history file ReadHistory reads (a million
// epochs is about 60 MB).
const MaxHistoryBytes = 64 << 20

// ReadHistory parses the per-epoch CSV that `backprop train --history`
// and the trainer write (network.HistoryCSV): a header naming the columns,
// then one row per epoch. Columns are found by name, in any order, so a
// Keras CSVLogger file reads too: epoch and loss are required; accuracy,
// val_loss and val_accuracy are optional; others are ignored. An empty
// cell (or nan) is a metric that was not measured. name labels errors,
// which give the line and column: "c.csv:3:2: loss: want a number, got "x"".
func ReadHistory(r io.Reader, name string) ([]network.EpochStats, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxHistoryBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	if len(data) > MaxHistoryBytes {
		return nil, fmt.Errorf("%s: more than %d MiB; a history file is one short line per epoch", name, MaxHistoryBytes>>20)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = true
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty; want a header such as epoch,loss,accuracy,val_loss,val_accuracy", name)
	}
	if err != nil {
		return nil, csvError(name, err)
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; dup && h != "" {
			return nil, fmt.Errorf("%s:1:%d: column %s appears twice", name, i+1, quote(h))
		}
		col[h] = i
	}
	for _, need := range []string{"epoch", "loss"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%s:1: no %q column; want a header such as epoch,loss,accuracy,val_loss,val_accuracy (as train --history writes)", name, need)
		}
	}
	var h []network.EpochStats
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue
		}
		if len(rec) != len(head) {
			return nil, fmt.Errorf("%s:%d: %d fields; the header has %d", name, line, len(rec), len(head))
		}
		e, err := parseEpoch(rec, col, func(i int) string {
			l, c := cr.FieldPos(i)
			return fmt.Sprintf("%s:%d:%d", name, l, c)
		})
		if err != nil {
			return nil, err
		}
		if n := len(h); n > 0 && e.Epoch <= h[n-1].Epoch {
			return nil, fmt.Errorf("%s:%d: epoch %d after epoch %d; want increasing epochs", name, line, e.Epoch, h[n-1].Epoch)
		}
		h = append(h, e)
	}
	if len(h) == 0 {
		return nil, fmt.Errorf("%s: a header but no epochs", name)
	}
	return h, nil
}

// parseEpoch reads one row; where names a field's position for errors.
func parseEpoch(rec []string, col map[string]int, where func(i int) string) (network.EpochStats, error) {
	var e network.EpochStats
	i := col["epoch"]
	s := strings.TrimSpace(rec[i])
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return e, fmt.Errorf("%s: epoch: want a whole number ≥ 0, got %s", where(i), quote(s))
	}
	e.Epoch = n
	for _, f := range []struct {
		name string
		dst  *float64
	}{{"loss", &e.TrainLoss}, {"accuracy", &e.TrainAcc}, {"val_loss", &e.TestLoss}, {"val_accuracy", &e.TestAcc}} {
		*f.dst = math.NaN()
		i, ok := col[f.name]
		if !ok {
			continue
		}
		s := strings.TrimSpace(rec[i])
		if s == "" || strings.EqualFold(s, "nan") {
			continue
		}
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsInf(v, 0) {
			return e, fmt.Errorf("%s: %s: want a number, got %s", where(i), f.name, quote(s))
		}
		*f.dst = v
	}
	return e, nil
}

// csvError reports a CSV syntax error with its line and column.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %v", name, err)
}

// quote is s in Go quotes (control characters escaped), cut to 40 runes.
func quote(s string) string {
	if r := []rune(s); len(r) > 40 {
		return strconv.Quote(string(r[:40])) + "…"
	}
	return strconv.Quote(s)
}
