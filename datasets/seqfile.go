package datasets

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"backprop/internal/safetext"
)

// Text and sequence files.

// Limits of text:FILE: the text's size and its distinct characters (each
// is an input and an output of the network).
const (
	MaxTextBytes = 256 << 10
	MaxVocab     = 128
	SplitText    = 0.9
)

// LoadText reads a small UTF-8 text for character-level next-character
// prediction (see ReadText).
func LoadText(path string, spec Spec) (*Dataset, error) {
	limit := min(maxBytes(spec), MaxTextBytes)
	f, _, err := openData(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fileErr(path, err)
	}
	if int64(len(data)) > limit {
		return nil, &LimitError{File: safetext.Line(path), What: "the text holds", Size: int64(len(data)), Limit: limit, AtLeast: true}
	}
	spec.Name = "text:" + path
	return textSet(spec, safetext.Line(path), string(data))
}

// ReadText builds the text set of text (what LoadText does with a file's
// contents): the vocabulary is its distinct characters in code point
// order, x_t is character t one-hot and the target y_t character t+1, cut
// into sequences of Spec.Steps characters (25 by default), split 0.9.
func ReadText(text string, spec Spec) (*Dataset, error) { return textSet(spec, "text", text) }

func textSet(spec Spec, name, text string) (*Dataset, error) {
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("datasets: %s: the text is not valid UTF-8", name)
	}
	runes := []rune(strings.ReplaceAll(text, "\r\n", "\n"))
	T := spec.Steps
	if T == 0 {
		T = 25
	}
	if T < 1 || T > MaxSteps {
		return nil, fmt.Errorf("datasets: %s: steps must be in [1, %d], got %d", name, MaxSteps, T)
	}
	vocab := slices.Clone(runes)
	slices.Sort(vocab)
	vocab = slices.Compact(vocab)
	if len(vocab) > MaxVocab {
		return nil, fmt.Errorf("datasets: %s: the text has %d distinct characters, the limit is %d", name, len(vocab), MaxVocab)
	}
	n := (len(runes) - 1) / T
	if n < 2 {
		return nil, fmt.Errorf("datasets: %s: %d characters make fewer than 2 sequences of %d steps", name, len(runes), T)
	}
	if cost := int64(n) * int64(T) * int64(2*len(vocab)*valueBytes); cost > maxBytes(spec) {
		return nil, &LimitError{File: safetext.Line(name), What: "its one-hot sequences take", Size: cost, Limit: maxBytes(spec)}
	}
	index := make(map[rune]int, len(vocab))
	names := make([]string, len(vocab))
	for i, r := range vocab {
		index[r] = i
		names[i] = CharName(r)
	}
	V := len(vocab)
	x, y := make([][]float64, n), make([][]float64, n)
	for i := range n {
		x[i], y[i] = make([]float64, T*V), make([]float64, T*V)
		for t := range T {
			c := i*T + t
			x[i][t*V+index[runes[c]]] = 1
			y[i][t*V+index[runes[c+1]]] = 1
		}
	}
	d := &Dataset{About: fmt.Sprintf("%s: %d characters, %d distinct, in %d sequences of %d; predict the next character", name, len(runes), V, n, T),
		Features: names, Targets: names, Classes: names, Kind: Classification, Vocab: vocab}
	if spec.Split == 0 {
		spec.Split = SplitText
	}
	return finishSeq(d, x, y, V, spec)
}

// CharName is how a character of a text set is shown: itself, or a
// visible stand-in for space (␣), newline (⏎), tab (⇥) and other control
// characters (U+XXXX).
func CharName(r rune) string {
	switch {
	case r == ' ':
		return "␣"
	case r == '\n':
		return "⏎"
	case r == '\t':
		return "⇥"
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return fmt.Sprintf("U+%04X", r)
	}
	return string(r)
}

// SampleText generates n characters from a text set's network: prime's
// characters are fed first (those not in the vocabulary are skipped), then
// each step draws the next character from the output (treated as
// probabilities, sharpened by 1/temperature; temperature ≤ 0 takes the
// most likely) and feeds it back. step feeds one one-hot x_t and returns
// the output (a network.Runner's Step).
func SampleText(d *Dataset, step func(x []float64) []float64, prime string, n int, temperature float64, rng *rand.Rand) string {
	V := len(d.Vocab)
	if V == 0 || n <= 0 {
		return ""
	}
	x := make([]float64, V)
	var out []float64
	feed := func(k int) {
		clear(x)
		x[k] = 1
		out = step(x)
	}
	for _, r := range prime {
		if k, ok := slices.BinarySearch(d.Vocab, r); ok {
			feed(k)
		}
	}
	if out == nil {
		feed(0)
	}
	var b strings.Builder
	p := make([]float64, V)
	for range n {
		k := pick(out, p, temperature, rng)
		b.WriteRune(d.Vocab[k])
		feed(k)
	}
	return b.String()
}

// pick draws an index from the weights out (p is scratch).
func pick(out, p []float64, temperature float64, rng *rand.Rand) int {
	best := 0
	for k, v := range out {
		if v > out[best] {
			best = k
		}
	}
	if temperature <= 0 || rng == nil {
		return best
	}
	sum := 0.0
	for k, v := range out {
		p[k] = math.Pow(max(v, 0), 1/temperature)
		sum += p[k]
	}
	if !(sum > 0) || math.IsInf(sum, 0) {
		return best
	}
	u := rng.Float64() * sum
	for k, v := range p {
		if u < v {
			return k
		}
		u -= v
	}
	return best
}

// LoadSeqCSV reads a sequence file (see ReadSeqCSV).
func LoadSeqCSV(path string, spec Spec) (*Dataset, error) {
	limit := maxBytes(spec)
	f, _, err := openData(path, limit)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	d, err := ReadSeqCSV(io.LimitReader(f, limit+1), safetext.Line(path), spec)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// ReadSeqCSV reads one sequence per line. A line is the input steps,
// separated by spaces, each step its values separated by commas; then
// optionally "|" and the target steps the same way, "-" for a step without
// a target. Without "|" the target at t is the input at t+1 (next-step
// prediction; the last step has none). Blank lines and lines starting with
// # are skipped. Every step has as many values as the first line's. Targets
// that are all 0/1 in one column make a two-class set, else regression.
// Errors name the line and column; name labels them.
//
//	# echo with delay 1
//	0 1 1 0 | - 0 1 1
//	1 0 0 1 | - 1 0 0
func ReadSeqCSV(r io.Reader, name string, spec Spec) (*Dataset, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxRecordBytes)
	var x, y [][]float64
	in, out := 0, 0
	var used int64
	limit := maxBytes(spec)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Bytes()
		if t := bytes.TrimSpace(text); len(t) == 0 || t[0] == '#' {
			continue
		}
		xs, ys, err := parseSeqLine(string(text), &in, &out)
		if err != nil {
			return nil, fmt.Errorf("datasets: %s:%d:%w", name, line, err)
		}
		used += int64(len(xs)+len(ys))*valueBytes + rowOverhead + splitBytes
		if used > limit {
			return nil, &LimitError{File: name, What: "its sequences take", Size: used, Limit: limit, AtLeast: true}
		}
		if len(x) >= MaxSamples {
			return nil, fmt.Errorf("datasets: %s:%d: more than %d sequences", name, line, MaxSamples)
		}
		x, y = append(x, xs), append(y, ys)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("datasets: %s:%d: a line is longer than %d bytes", name, line+1, MaxRecordBytes)
		}
		return nil, fmt.Errorf("datasets: %s: %w", name, err)
	}
	if len(x) < 2 {
		return nil, fmt.Errorf("datasets: %s: %d sequences; need at least 2", name, len(x))
	}
	d := &Dataset{About: fmt.Sprintf("%s: %d sequences, %d values a step", name, len(x), in), Kind: Regression}
	for j := range in {
		d.Features = append(d.Features, "x"+strconv.Itoa(j+1))
	}
	for j := range out {
		d.Targets = append(d.Targets, "y"+strconv.Itoa(j+1))
	}
	if out == 1 && binaryTargets(y) {
		d.Kind, d.Classes = Classification, []string{"0", "1"}
	}
	return finishSeq(d, x, y, in, spec)
}

func binaryTargets(y [][]float64) bool {
	for _, row := range y {
		for _, v := range row {
			if v != 0 && v != 1 && !math.IsNaN(v) {
				return false
			}
		}
	}
	return true
}

// parseSeqLine parses one line; *in and *out are the values per step
// (fixed by the first line when 0).
func parseSeqLine(text string, in, out *int) (xs, ys []float64, err error) {
	left, right, hasY := strings.Cut(text, "|")
	xs, T, err := parseSteps(left, in, 0, false)
	if err != nil {
		return nil, nil, err
	}
	if T > MaxSteps {
		return nil, nil, fmt.Errorf("1: %d steps, the limit is %d", T, MaxSteps)
	}
	if !hasY {
		if *out == 0 {
			*out = *in
		}
		if *out != *in {
			return nil, nil, fmt.Errorf("1: no targets (next-step prediction) but earlier lines have %d target values a step", *out)
		}
		ys = make([]float64, len(xs))
		copy(ys, xs[*in:])
		for k := len(xs) - *in; k < len(xs); k++ {
			ys[k] = math.NaN()
		}
		return xs, ys, nil
	}
	ys, TY, err := parseSteps(right, out, len(left)+1, true)
	if err != nil {
		return nil, nil, err
	}
	if TY != T {
		return nil, nil, fmt.Errorf("%d: %d target steps for %d input steps", len(left)+2, TY, T)
	}
	return xs, ys, nil
}

// parseSteps parses whitespace-separated steps of comma-separated values
// (col0 is the text's column in the line; "-" is a step without target
// when missing is allowed).
func parseSteps(text string, width *int, col0 int, missing bool) ([]float64, int, error) {
	var vals []float64
	T := 0
	pos := 0
	fields := strings.Fields(text)
	if *width == 0 && missing {
		for _, f := range fields {
			if f != "-" && f != "?" {
				*width = strings.Count(f, ",") + 1
				break
			}
		}
	}
	for _, f := range fields {
		at := strings.Index(text[pos:], f) + pos
		pos = at + len(f)
		col := col0 + at + 1
		if missing && (f == "-" || f == "?") {
			if *width == 0 {
				return nil, 0, fmt.Errorf("%d: no step of the first line has a target (how many values is a target?)", col)
			}
			for range *width {
				vals = append(vals, math.NaN())
			}
			T++
			continue
		}
		parts := strings.Split(f, ",")
		if *width == 0 {
			if len(parts) > 1<<16 {
				return nil, 0, fmt.Errorf("%d: %d values in a step, the limit is %d", col, len(parts), 1<<16)
			}
			*width = len(parts)
		}
		if len(parts) != *width {
			return nil, 0, fmt.Errorf("%d: step %d has %d values, want %d", col, T+1, len(parts), *width)
		}
		for _, p := range parts {
			v, err := strconv.ParseFloat(p, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, 0, fmt.Errorf("%d: %q is not a finite number", col, safetext.Line(p))
			}
			vals = append(vals, v)
		}
		T++
	}
	if T == 0 {
		return nil, 0, fmt.Errorf("%d: no steps", col0+1)
	}
	return vals, T, nil
}
