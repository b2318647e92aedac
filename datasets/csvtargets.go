package datasets

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"backprop/internal/safetext"
)

// targetCells keeps a CSV file's target columns while its rows are read:
// each cell's value (NaN when it is not a number) and, for a single target
// column, the id of its text among the distinct texts seen, so class labels
// need no string per row. What ReadCSV's rules need later is noted on the
// way: the first cell that is not a number, the first empty one, whether
// every number is an integer, and the distinct numbers.
type targetCells struct {
	nt    int
	vals  *rowStore[float64]
	ids   *rowStore[int32] // one target only: the text's id, or -1 past MaxClasses distinct texts
	texts map[string]int32
	order []string        // distinct texts by id
	many  bool            // more than MaxClasses distinct texts
	bad   *cell           // the first cell that is not a finite number, in row order
	empty *cell           // the first empty cell
	ints  bool            // every number is an integer
	nums  map[uint64]bool // distinct numbers (their bits), up to MaxClasses+1
}

// cell is a target cell kept for an error message: its text, where it is,
// and which target it is.
type cell struct {
	text      string
	line, col int
	k         int
}

func newTargetCells(nt int) *targetCells {
	t := &targetCells{nt: nt, vals: newRowStore[float64](nt), ints: true, nums: map[uint64]bool{}}
	if nt == 1 {
		t.ids = newRowStore[int32](1)
		t.texts = map[string]int32{}
	}
	return t
}

// add keeps the target cells of rec (the columns targets); pos gives a
// field's line and column. A new distinct label's text is charged to b.
func (t *targetCells) add(rec []string, targets []int, pos func(int) (int, int), b *budget) *LimitError {
	vals := t.vals.next()
	var id []int32
	if t.ids != nil {
		id = t.ids.next()
	}
	for k, col := range targets {
		text := strings.TrimSpace(rec[col])
		v, ok := number(text)
		if ok {
			t.ints = t.ints && v == math.Trunc(v)
			if len(t.nums) <= MaxClasses {
				t.nums[math.Float64bits(v)] = true
			}
		} else {
			v = math.NaN()
			if t.bad == nil {
				l, c := pos(col)
				t.bad = &cell{strings.Clone(text), l, c, k}
			}
			if text == "" && t.empty == nil {
				l, c := pos(col)
				t.empty = &cell{"", l, c, k}
			}
		}
		vals[k] = v
		if id == nil {
			continue
		}
		i, seen := t.texts[text]
		if !seen {
			if len(t.order) >= MaxClasses+1 {
				t.many, i = true, -1
			} else {
				if err := b.take(int64(len(text))+64, 0); err != nil {
					err.What = fmt.Sprintf("the %d rows and %d distinct labels so far take", b.rows, len(t.order)+1)
					return err
				}
				s := strings.Clone(text)
				i = int32(len(t.order))
				t.texts[s] = i
				t.order = append(t.order, s)
			}
		}
		id[0] = i
	}
	return nil
}

// autoClass says whether a single target column reads as class labels: its
// first value that is not a number is not empty, or all are integers with
// at most autoClassMax distinct values.
func (t *targetCells) autoClass() bool {
	if t.bad != nil {
		return t.bad.text != ""
	}
	return t.ints && len(t.nums) <= autoClassMax
}

// encode fills r.y, r.targets, r.classes and r.kind, following the rules
// in ReadCSV's doc. header holds the column names as written (quoted with
// %q in errors, which escapes controls), names the same sanitised for
// r.targets; class names are sanitised here. A one-hot encoding is charged to b before it is
// allocated.
func (t *targetCells) encode(name string, r *raw, header, names []string, targets []int, kind string, b *budget) error {
	asClass := kind == "class" || (kind == "" && t.nt == 1 && t.autoClass())
	if !asClass {
		r.kind = Regression
		for _, col := range targets {
			r.targets = append(r.targets, names[col])
		}
		if c := t.bad; c != nil {
			why := "real-valued targets"
			if t.nt > 1 {
				why = "several target columns are real-valued targets"
			}
			return fmt.Errorf("%s:%d:%d: target column %q: expected a finite number (%s), got %q", name, c.line, c.col, header[targets[c.k]], why, c.text)
		}
		r.y = t.vals.rows()
		return nil
	}
	col := header[targets[0]]
	if c := t.empty; c != nil {
		return fmt.Errorf("%s:%d:%d: target column %q: empty class label", name, c.line, c.col, col)
	}
	tooMany := fmt.Errorf("%s: target column %q has more than %d distinct values; that is not a class label (use real-valued targets)", name, col, MaxClasses)
	// Numeric labels are compared as numbers ("1" and "1.0" are one class),
	// others as text.
	var classes []string
	var classOf func(i int) int
	if t.bad == nil {
		if len(t.nums) > MaxClasses {
			return tooMany
		}
		byKey := map[string]uint64{}
		for bits := range t.nums {
			k := strconv.FormatFloat(math.Float64frombits(bits), 'g', -1, 64)
			byKey[k] = bits
			classes = append(classes, k)
		}
		sortClasses(classes)
		index := make(map[uint64]int, len(classes))
		for i, c := range classes {
			index[byKey[c]] = i
		}
		classOf = func(i int) int { return index[math.Float64bits(t.vals.row(i)[0])] }
	} else {
		if t.many {
			return tooMany
		}
		classes = slices.Clone(t.order)
		sortClasses(classes)
		ofID := make([]int, len(t.order))
		for i, c := range classes {
			ofID[t.texts[c]] = i
		}
		classOf = func(i int) int { return ofID[t.ids.row(i)[0]] }
	}
	if len(classes) < 2 {
		return fmt.Errorf("%s: target column %q has only one class, %q; classification needs at least two", name, col, classes[0])
	}
	n, nout := t.vals.n, len(classes)
	if nout == 2 {
		nout = 1
	}
	if nout > 1 {
		if err := b.take(int64(n)*int64(nout-1)*valueBytes, 0); err != nil {
			err.What = fmt.Sprintf("%d rows with one-hot targets for %d classes take", n, len(classes))
			return err
		}
	}
	flat := make([]float64, n*nout)
	r.y = make([][]float64, n)
	for i := range n {
		y := flat[i*nout : (i+1)*nout : (i+1)*nout]
		if k := classOf(i); nout == 1 {
			y[0] = float64(k)
		} else {
			y[k] = 1
		}
		r.y[i] = y
	}
	r.kind = Classification
	r.classes = make([]string, len(classes))
	for i, c := range classes {
		r.classes[i] = safetext.Line(c)
	}
	r.targets = classTargets(r.classes)
	return nil
}
