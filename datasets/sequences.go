package datasets

import (
	_ "embed"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// Sequence sets: one sequence per row (Set.Seq > 0). Each is seeded by
// Spec.Seed; Spec.Samples counts sequences and Spec.Steps their length.
//
//	echo       random bits; the target at t is the input at t − Delay (2 by
//	           default), none before: the net must remember Delay steps
//	parity     random bits; the target at t is x_0 ⊕ … ⊕ x_t (running parity)
//	sine-next  a noisy sine of random phase and frequency; the target at t
//	           is the next sample x_{t+1} (regression)
//	text       characters of a built-in text (the Gettysburg Address), one-hot;
//	           the target at t is the next character
//	text:FILE  the same for a small UTF-8 text file
//	seq:FILE   a sequence file, one sequence per line (see ReadSeqCSV)

// Defaults of the sequence sets.
const (
	DefaultSeqSamples = 400 // sequences (split 0.5)
	DefaultSteps      = 20  // steps per sequence (text: 25)
	DefaultDelay      = 2   // echo
	MaxSteps          = 1 << 16
)

// IsSequence reports whether name is a sequence set (built in, text:FILE
// or seq:FILE).
func IsSequence(name string) bool {
	switch name {
	case "echo", "parity", "sine-next", "text":
		return true
	}
	return strings.HasPrefix(name, "text:") || strings.HasPrefix(name, "seq:")
}

// seqInfos are the built-in sequence sets for Names.
func seqInfos() []builtin {
	v := vocabSize(gettysburg)
	return []builtin{
		{info: Info{"echo", "sequences of random bits; the target at t is the input at t − delay (default 2): memory", 1, 1}},
		{info: Info{"parity", "sequences of random bits; the target at t is the parity of the bits so far", 1, 1}},
		{info: Info{"sine-next", "noisy sine waves; the target at t is the next sample (regression)", 1, 1}},
		{info: Info{"text", "characters of the Gettysburg Address (public domain), one-hot; predict the next one", v, v}},
	}
}

// seqShape returns the number of sequences and steps spec asks for.
func seqShape(spec Spec, steps int) (n, T int, err error) {
	n, T = spec.Samples, spec.Steps
	if n == 0 {
		n = DefaultSeqSamples
	}
	if T == 0 {
		T = steps
	}
	if n < 2 || n > MaxSamples {
		return 0, 0, fmt.Errorf("datasets: %s: samples (sequences) must be in [2, %d], got %d", spec.Name, MaxSamples, n)
	}
	if T < 1 || T > MaxSteps {
		return 0, 0, fmt.Errorf("datasets: %s: steps must be in [1, %d], got %d", spec.Name, MaxSteps, T)
	}
	if int64(n)*int64(T) > MaxSamples*8 {
		return 0, 0, fmt.Errorf("datasets: %s: %d sequences of %d steps is more than %d steps in all", spec.Name, n, T, MaxSamples*8)
	}
	return n, T, nil
}

// loadSequence builds the built-in sequence set spec names.
func loadSequence(spec Spec) (*Dataset, error) {
	switch {
	case spec.Name == "text":
		return textSet(spec, "text", gettysburg)
	case strings.HasPrefix(spec.Name, "text:"):
		return LoadText(strings.TrimPrefix(spec.Name, "text:"), spec)
	case strings.HasPrefix(spec.Name, "seq:"):
		return LoadSeqCSV(strings.TrimPrefix(spec.Name, "seq:"), spec)
	}
	n, T, err := seqShape(spec, DefaultSteps)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(spec.Seed, streamGen))
	d := &Dataset{Features: []string{"x"}, Targets: []string{"y"}, Kind: Classification, Classes: []string{"0", "1"}}
	x, y := make([][]float64, n), make([][]float64, n)
	switch spec.Name {
	case "echo":
		delay := spec.Delay
		if delay == 0 {
			delay = DefaultDelay
		}
		if delay < 0 || delay >= T {
			return nil, fmt.Errorf("datasets: echo: delay must be in [1, %d] (below the %d steps), got %d", T-1, T, delay)
		}
		d.About = fmt.Sprintf("random bits; the target at t is the input at t − %d (%d steps)", delay, T)
		for i := range n {
			x[i], y[i] = bits(rng, T), make([]float64, T)
			for t := range T {
				y[i][t] = math.NaN()
				if t >= delay {
					y[i][t] = x[i][t-delay]
				}
			}
		}
	case "parity":
		d.About = fmt.Sprintf("random bits; the target at t is the parity of bits 0..t (%d steps)", T)
		for i := range n {
			x[i], y[i] = bits(rng, T), make([]float64, T)
			p := 0.0
			for t := range T {
				p = math.Mod(p+x[i][t], 2)
				y[i][t] = p
			}
		}
	case "sine-next":
		d.Kind, d.Classes = Regression, nil
		noise := spec.Noise
		d.About = fmt.Sprintf("x_t = sin(ωt + φ) + noise %.2g; the target is x_{t+1} (%d steps)", noise, T)
		for i := range n {
			x[i], y[i] = make([]float64, T), make([]float64, T)
			w, phi := uniform(rng, 0.2, 0.6), uniform(rng, 0, 2*math.Pi)
			v := func(t int) float64 { return math.Sin(w*float64(t)+phi) + noise*rng.NormFloat64() }
			cur := v(0)
			for t := range T {
				next := v(t + 1)
				x[i][t], y[i][t] = cur, next
				cur = next
			}
		}
	default:
		return nil, fmt.Errorf("%w %q", ErrUnknown, spec.Name)
	}
	return finishSeq(d, x, y, 1, spec)
}

// vocabSize is the number of distinct characters of text.
func vocabSize(text string) int {
	seen := map[rune]bool{}
	for _, r := range strings.ReplaceAll(text, "\r\n", "\n") {
		seen[r] = true
	}
	return len(seen)
}

func bits(rng *rand.Rand, T int) []float64 {
	v := make([]float64, T)
	for t := range v {
		v[t] = float64(rng.IntN(2))
	}
	return v
}

// finishSeq splits sequences (split 0.5 by default) and fills the bounds
// over all steps.
func finishSeq(d *Dataset, x, y [][]float64, seq int, spec Spec) (*Dataset, error) {
	if len(x) == 0 {
		return nil, fmt.Errorf("datasets: %s: no sequences", spec.Name)
	}
	split := spec.Split
	if split == 0 {
		split = SplitGenerated
	}
	d.Train, d.Test = splitRows(x, y, split, spec.Seed)
	d.Train.Seq, d.Test.Seq = seq, seq
	d.Lo, d.Hi = make([]float64, seq), make([]float64, seq)
	for j := range seq {
		d.Lo[j], d.Hi[j] = math.Inf(1), math.Inf(-1)
	}
	for _, s := range []Set{d.Train, d.Test} {
		for _, row := range s.X {
			for k, v := range row {
				d.Lo[k%seq], d.Hi[k%seq] = min(d.Lo[k%seq], v), max(d.Hi[k%seq], v)
			}
		}
	}
	return d, nil
}

// Steps is the number of time steps of row i of a sequence set (1 for a
// set of independent rows).
func (s Set) Steps(i int) int {
	if s.Seq > 0 {
		return len(s.X[i]) / s.Seq
	}
	return 1
}

// StepInput is step t of sequence i's input (a view).
func (s Set) StepInput(i, t int) []float64 { return s.X[i][t*s.Seq : (t+1)*s.Seq] }

// StepTarget is step t of sequence i's target (a view; NaN values: none).
func (s Set) StepTarget(i, t int) []float64 {
	out := len(s.Y[i]) / s.Steps(i)
	return s.Y[i][t*out : (t+1)*out]
}

// gettysburg is the built-in text of the text preset: Lincoln's Gettysburg
// Address (1863; the Bliss copy), in the public domain.
//
//go:embed data/gettysburg.txt
var gettysburg string
