package bench

import (
	"fmt"
	"io"
	"math"
	"sort"

	"backprop/datasets"
)

// Target is a curve y = f(x) the functions bench approximates: sample
// points, and the data set the trainer loads to fine-tune on them.
type Target struct {
	Name  string // "sine", "bump" or the CSV's file name
	Title string // "y = sin x", …
	// Data is the data set the points came from (the trainer's).
	Data datasets.Spec
	// X, Y are the points, sorted by x.
	X, Y []float64
	// Lo, Hi are the x range drawn.
	Lo, Hi float64
}

// builtinTargets are the bench's own targets: a sine and a bump, the
// built-in data sets of the same names (200 points, no noise).
func builtinTargets() ([]Target, error) {
	var ts []Target
	for _, t := range []struct{ name, title string }{
		{"sine", "y = sin x"},
		{"bump", "y = 1 on [−1, 1], else 0"},
	} {
		spec := datasets.Spec{Name: t.name, Seed: 1, Split: 1}
		ds, err := datasets.Load(spec)
		if err != nil {
			return nil, err
		}
		tg, err := targetOf(ds, spec)
		if err != nil {
			return nil, err
		}
		tg.Name, tg.Title = t.name, t.title
		ts = append(ts, tg)
	}
	return ts, nil
}

// maxCurvePoints bounds a CSV target (the MSE is computed every frame).
const maxCurvePoints = 100_000

// ParseCurve reads a CSV target: a header, then rows of x and y (two
// numeric columns; the data set loader's rules, with real targets). Errors
// name the file, line and column (name:line:col: …), as the loader's do.
func ParseCurve(name string, r io.Reader) (Target, error) {
	spec := datasets.Spec{Name: name, Split: 1, TargetKind: "real"}
	ds, err := datasets.ReadCSV(name, io.LimitReader(r, 16<<20), spec)
	if err != nil {
		return Target{}, err
	}
	return targetOf(ds, spec)
}

// LoadCurve reads a CSV target from the file at path.
func LoadCurve(path string) (Target, error) {
	spec := datasets.Spec{Name: path, Split: 1, TargetKind: "real", MaxBytes: 16 << 20}
	ds, err := datasets.LoadCSV(path, spec)
	if err != nil {
		return Target{}, err
	}
	return targetOf(ds, spec)
}

// targetOf takes the points of a 1-input, 1-output regression set.
func targetOf(ds *datasets.Dataset, spec datasets.Spec) (Target, error) {
	if ds.Kind != datasets.Regression || len(ds.Features) != 1 || len(ds.Targets) != 1 {
		return Target{}, fmt.Errorf("%s: want two numeric columns, x and y; got %d input(s) and %d target(s)",
			ds.Name, len(ds.Features), len(ds.Targets))
	}
	n := ds.Train.Len() + ds.Test.Len()
	if n < 2 || n > maxCurvePoints {
		return Target{}, fmt.Errorf("%s: %d rows; want 2 to %d", ds.Name, n, maxCurvePoints)
	}
	t := Target{Name: ds.Name, Title: ds.Name, Data: spec}
	for _, set := range []datasets.Set{ds.Train, ds.Test} {
		for i := range set.Len() {
			t.X = append(t.X, set.X[i][0])
			t.Y = append(t.Y, set.Y[i][0])
		}
	}
	sort.Sort(byX{t.X, t.Y})
	t.Lo, t.Hi = t.X[0], t.X[len(t.X)-1]
	if len(ds.Lo) == 1 && len(ds.Hi) == 1 && ds.Lo[0] < ds.Hi[0] {
		t.Lo, t.Hi = math.Min(t.Lo, ds.Lo[0]), math.Max(t.Hi, ds.Hi[0])
	}
	if !(t.Lo < t.Hi) {
		return Target{}, fmt.Errorf("%s: every x is %v; want a range of x", ds.Name, t.Lo)
	}
	return t, nil
}

type byX struct{ x, y []float64 }

func (b byX) Len() int           { return len(b.x) }
func (b byX) Less(i, j int) bool { return b.x[i] < b.x[j] }
func (b byX) Swap(i, j int) {
	b.x[i], b.x[j] = b.x[j], b.x[i]
	b.y[i], b.y[j] = b.y[j], b.y[i]
}
