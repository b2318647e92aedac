package datasets

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"

	"backprop/internal/compact"
	"backprop/internal/safetext"
)

// Default split ratios (fraction used for training).
const (
	SplitGenerated = 0.5  // 2-D generators and regression, as TF Playground's default
	SplitReal      = 0.75 // embedded real data and CSV files (scikit-learn's default)
	DefaultSamples = 200  // generators
)

// PCG stream constants: one stream for generating points, one for the split.
const (
	streamGen   = 0x6261636b70726f70 // "backprop"
	streamSplit = 0x73706c6974000000 // "split"
)

// raw is a whole, unsplit data set as a builder produces it.
type raw struct {
	about    string
	features []string
	targets  []string
	classes  []string
	kind     Kind
	x, y     [][]float64
	imageW   int
	imageH   int
	lo, hi   []float64 // fixed plot bounds; nil: computed from the data
	split    float64   // default split
	norm     bool      // normalised unless Spec.Raw
}

// builtin is one entry of the built-in table.
type builtin struct {
	info  Info
	build func(spec Spec) (*raw, error)
}

// builtins is the table behind Names and Load. It is a function so that the
// package holds no mutable state.
func builtins() []builtin {
	return []builtin{
		{Info{"vacation", vacationAbout, 3, 1}, func(Spec) (*raw, error) { return vacation(), nil }},
		{Info{"and", "logic gate AND: 1 iff both inputs are 1 (4 rows)", 2, 1}, gateBuilder("and")},
		{Info{"or", "logic gate OR: 1 iff either input is 1 (4 rows)", 2, 1}, gateBuilder("or")},
		{Info{"nand", "logic gate NAND: 0 iff both inputs are 1 (4 rows)", 2, 1}, gateBuilder("nand")},
		{Info{"xor", "logic gate XOR: 1 iff exactly one input is 1; not linearly separable (4 rows)", 2, 1}, gateBuilder("xor")},
		{Info{"circle", "2-D: a disc of class 1 inside a ring of class 0 (TF Playground)", 2, 1}, genBuilder(circle)},
		{Info{"xor-quadrants", "2-D: class 1 where x·y ≥ 0, the quadrants XOR (TF Playground)", 2, 1}, genBuilder(xorQuadrants)},
		{Info{"gaussians", "2-D: two Gaussian blobs around (2,2) and (−2,−2) (TF Playground)", 2, 1}, genBuilder(gaussians)},
		{Info{"spiral", "2-D: two interleaved spirals (TF Playground)", 2, 1}, genBuilder(spiral)},
		{Info{"moons", "2-D: two interleaving half circles (scikit-learn's make_moons)", 2, 1}, genBuilder(moons)},
		{Info{"sine", "regression 1-D: y = sin x on [−π, π]", 1, 1}, genBuilder(sine)},
		{Info{"bump", "regression 1-D: y = 1 on [−1, 1], 0 elsewhere on [−π, π]", 1, 1}, genBuilder(bump)},
		{Info{"plane", "regression 2-D: y = (x₁ + x₂)/10 on [−6, 6]² (TF Playground)", 2, 1}, genBuilder(plane)},
		{Info{"iris", irisAbout, 4, 3}, func(Spec) (*raw, error) { return iris() }},
		{Info{"wine", wineAbout, 13, 3}, func(Spec) (*raw, error) { return wine() }},
		{Info{"breast-cancer", breastCancerAbout, 30, 1}, func(Spec) (*raw, error) { return breastCancer() }},
		{Info{"digits", digitsAbout, 64, 10}, func(Spec) (*raw, error) { return digits() }},
		{Info{"mnist", mnistAbout, 784, 10}, nil},
		{Info{"fashion-mnist", fashionAbout, 784, 10}, nil},
	}
}

// Names lists the built-in data sets in a stable order. The mnist and
// fashion-mnist entries need files outside the binary (see Spec.DataDir).
func Names() []Info {
	bs := append(builtins(), seqInfos()...)
	out := make([]Info, len(bs))
	for i, b := range bs {
		out[i] = b.info
	}
	return out
}

// nameList is "a, b, c" of the built-in names, for error messages.
func nameList() string {
	var names []string
	for _, b := range append(builtins(), seqInfos()...) {
		names = append(names, b.info.Name)
	}
	return strings.Join(names, ", ")
}

// Load builds or reads the data set that spec names: a built-in name (see
// Names), "idx:DIR" for MNIST-format files in DIR, or a CSV path.
func Load(spec Spec) (*Dataset, error) {
	if err := checkSpec(spec); err != nil {
		return nil, err
	}
	name := spec.Name
	switch {
	case IsSequence(name):
		d, err := loadSequence(spec)
		if err != nil {
			return nil, err
		}
		if d.Name == "" {
			d.Name = name
		}
		return d, nil
	case name == "mnist" || name == "fashion-mnist":
		return loadPreset(spec)
	case strings.HasPrefix(name, "idx:"):
		if strings.TrimSpace(strings.TrimPrefix(name, "idx:")) == "" {
			return nil, fmt.Errorf("%w %q: give the directory holding the idx files, e.g. idx:./mnist", ErrUnknown, name)
		}
		return LoadIDX(strings.TrimPrefix(name, "idx:"), name, spec)
	}
	for _, b := range builtins() {
		if b.info.Name == name {
			r, err := b.build(spec)
			if err != nil {
				return nil, err
			}
			d, err := finish(r, spec)
			if err != nil {
				return nil, err
			}
			d.Name, d.About = name, b.info.About
			return d, nil
		}
	}
	if name == "" {
		return nil, fmt.Errorf("%w: no name given; built-in sets are %s, or give a CSV path or idx:DIR", ErrUnknown, nameList())
	}
	if st, err := os.Stat(name); err == nil && !st.IsDir() {
		return LoadCSV(name, spec)
	} else if err == nil {
		return nil, fmt.Errorf("%w %q: is a directory (for MNIST-format files use idx:%s)", ErrUnknown, name, safetext.Line(name))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fileErr(name, err)
	}
	return nil, fmt.Errorf("%w %q: not a built-in set (%s) and no such file", ErrUnknown, name, nameList())
}

// checkSpec validates the numeric fields of spec.
func checkSpec(spec Spec) error {
	if math.IsNaN(spec.Split) || spec.Split < 0 || spec.Split > 1 {
		return fmt.Errorf("datasets: split must be in (0, 1] (0 for the default), got %g", spec.Split)
	}
	if math.IsNaN(spec.Noise) || spec.Noise < 0 || spec.Noise > MaxNoise {
		return fmt.Errorf("datasets: noise must be in [0, %g], got %g", MaxNoise, spec.Noise)
	}
	if spec.MaxBytes < 0 {
		return fmt.Errorf("datasets: the data limit must be ≥ 0 bytes (0 for the default), got %d", spec.MaxBytes)
	}
	if spec.Samples < 0 {
		return fmt.Errorf("datasets: samples must be ≥ 0, got %d", spec.Samples)
	}
	if spec.Steps < 0 || spec.Steps > MaxSteps {
		return fmt.Errorf("datasets: steps must be in [1, %d] (0 for the default), got %d", MaxSteps, spec.Steps)
	}
	if spec.Delay < 0 {
		return fmt.Errorf("datasets: delay must be ≥ 1 (0 for the default 2), got %d", spec.Delay)
	}
	switch spec.TargetKind {
	case "", "class", "real":
	default:
		return fmt.Errorf("datasets: target kind must be \"class\", \"real\" or empty (auto), got %q", spec.TargetKind)
	}
	return nil
}

// finish splits r by spec (or its default), normalises if asked and fills
// the bounds.
func finish(r *raw, spec Spec) (*Dataset, error) {
	n := len(r.x)
	if n == 0 {
		return nil, errors.New("datasets: no rows")
	}
	split := spec.Split
	if split == 0 {
		split = r.split
	}
	d := &Dataset{
		About:    r.about,
		Features: r.features,
		Targets:  r.targets,
		Classes:  r.classes,
		Kind:     r.kind,
		ImageW:   r.imageW,
		ImageH:   r.imageH,
	}
	d.Train, d.Test = splitRows(r.x, r.y, split, spec.Seed)
	lo, hi := r.lo, r.hi
	if spec.Normalize || (r.norm && !spec.Raw) {
		mean, std := Standardize(d.Train, d.Test)
		if lo != nil {
			lo, hi = slices.Clone(lo), slices.Clone(hi)
			for j := range lo {
				lo[j] = (lo[j] - mean[j]) / std[j]
				hi[j] = (hi[j] - mean[j]) / std[j]
			}
		}
	}
	dlo, dhi := Bounds(d.Train, d.Test)
	if lo == nil {
		lo, hi = dlo, dhi
	} else {
		// Fixed plot bounds, widened to cover noisy points.
		lo, hi = slices.Clone(lo), slices.Clone(hi)
		for j := range lo {
			lo[j], hi[j] = min(lo[j], dlo[j]), max(hi[j], dhi[j])
		}
	}
	d.Lo, d.Hi = lo, hi
	return d, nil
}

// splitRows shuffles the row order with seed and puts the first
// round(split·n) rows in train, the rest in test. A split of 1 keeps the
// order and has no test set; a split < 1 keeps at least one row in each part
// when n ≥ 2.
func splitRows(x, y [][]float64, split float64, seed uint64) (train, test Set) {
	n := len(x)
	if split >= 1 {
		return Set{X: x, Y: y}, Set{}
	}
	perm := rand.New(rand.NewPCG(seed, streamSplit)).Perm(n)
	nTrain := int(math.Round(split * float64(n)))
	nTrain = max(1, min(nTrain, n-1))
	if n < 2 {
		nTrain = n
	}
	train = Set{X: make([][]float64, 0, nTrain), Y: make([][]float64, 0, nTrain)}
	test = Set{X: make([][]float64, 0, n-nTrain), Y: make([][]float64, 0, n-nTrain)}
	for i, p := range perm {
		if i < nTrain {
			train.X, train.Y = append(train.X, x[p]), append(train.Y, y[p])
		} else {
			test.X, test.Y = append(test.X, x[p]), append(test.Y, y[p])
		}
	}
	return train, test
}

// Standardize rescales every feature in place to zero mean and unit variance
// using train's statistics, x ← (x − μ)/σ, and applies the same map to the
// other sets. A constant feature (σ = 0) is only centred (σ taken as 1).
// It returns μ and σ.
func Standardize(train Set, others ...Set) (mean, std []float64) {
	if len(train.X) == 0 {
		return nil, nil
	}
	dim := len(train.X[0])
	mean, std = make([]float64, dim), make([]float64, dim)
	n := float64(len(train.X))
	for _, x := range train.X {
		for j, v := range x {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= n
	}
	for _, x := range train.X {
		for j, v := range x {
			d := v - mean[j]
			std[j] += d * d
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / n)
		if std[j] == 0 {
			std[j] = 1
		}
	}
	// Rows may share backing arrays only if the caller built them so; each
	// row is rewritten exactly once.
	apply := func(s Set) {
		for _, x := range s.X {
			for j := range x {
				x[j] = (x[j] - mean[j]) / std[j]
			}
		}
	}
	apply(train)
	for _, s := range others {
		apply(s)
	}
	return mean, std
}

// Bounds returns the smallest and largest value of each feature over sets.
func Bounds(sets ...Set) (lo, hi []float64) {
	for _, s := range sets {
		for _, x := range s.X {
			if lo == nil {
				lo, hi = append([]float64(nil), x...), append([]float64(nil), x...)
				continue
			}
			for j, v := range x {
				lo[j] = min(lo[j], v)
				hi[j] = max(hi[j], v)
			}
		}
	}
	return lo, hi
}

// Len is the number of rows.
func (s Set) Len() int {
	if s.U8 != nil {
		return s.U8.Len()
	}
	return len(s.X)
}

// Inputs is the length of an input vector (per time step for a sequence
// set; 0 for an empty set).
func (s Set) Inputs() int {
	switch {
	case s.Seq > 0:
		return s.Seq
	case s.U8 != nil:
		return s.U8.Dim()
	case len(s.X) > 0:
		return len(s.X[0])
	}
	return 0
}

// Outputs is the length of a target vector (per time step for a sequence
// set; 0 for an empty set).
func (s Set) Outputs() int {
	switch {
	case len(s.Y) == 0:
		return 0
	case s.Seq > 0:
		return len(s.Y[0]) / s.Steps(0)
	}
	return len(s.Y[0])
}

// Input is input vector i: X[i] itself (do not write to it), or a compact
// row converted into buf (a new slice when buf is nil or short).
func (s Set) Input(i int, buf []float64) []float64 {
	if s.U8 != nil {
		return s.U8.Row(i, buf)
	}
	return s.X[i]
}

// Join is a followed by b, as a new set (compact rows are copied into one
// block: meant for one-off uses such as evaluating on all the data).
func Join(a, b Set) Set {
	switch {
	case a.Len() == 0:
		return b
	case b.Len() == 0:
		return a
	}
	y := append(append([][]float64(nil), a.Y...), b.Y...)
	if a.U8 == nil || b.U8 == nil || a.U8.Dim() != b.U8.Dim() {
		if a.U8 != nil || b.U8 != nil {
			a, b = a.expand(), b.expand()
		}
		return Set{X: append(append([][]float64(nil), a.X...), b.X...), Y: y}
	}
	pix := make([]uint8, 0, a.U8.Size()+b.U8.Size())
	for _, s := range []Set{a, b} {
		for i := range s.Len() {
			pix = append(pix, s.U8.Bytes(i)...)
		}
	}
	u, _ := compact.NewU8(pix, a.U8.Dim()) // dims agree: cannot fail
	return Set{U8: u, Y: y}
}

// expand is s with float64 rows (a copy for a compact set).
func (s Set) expand() Set {
	if s.U8 == nil {
		return s
	}
	out := Set{X: make([][]float64, s.Len()), Y: s.Y}
	for i := range out.X {
		out.X[i] = s.Input(i, nil)
	}
	return out
}

// InputRange is the range of input j to plot it over: Lo[j]…Hi[j] when the
// data set gives a finite, non-empty bound, else the samples' extremes
// (train and test), widened to ±max(1, |x|/2) around a single value x;
// false when no sample has a finite input j.
func (d *Dataset) InputRange(j int) (lo, hi float64, ok bool) {
	if j < len(d.Lo) && j < len(d.Hi) && finiteBound(d.Lo[j]) && finiteBound(d.Hi[j]) && d.Hi[j] > d.Lo[j] {
		return d.Lo[j], d.Hi[j], true
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range []Set{d.Train, d.Test} {
		if s.Seq > 0 {
			continue
		}
		for i := range s.Len() {
			if x := s.Input(i, nil); j < len(x) && finiteBound(x[j]) {
				lo, hi = math.Min(lo, x[j]), math.Max(hi, x[j])
			}
		}
	}
	switch {
	case lo > hi:
		return 0, 0, false
	case lo == hi:
		w := math.Max(1, math.Abs(lo)/2) // ±1 is nothing beside 1e17
		return lo - w, hi + w, true
	}
	return lo, hi, true
}

func finiteBound(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
