package datasets

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unsafe"

	"backprop/internal/safetext"
)

// MaxClasses bounds the number of distinct labels in a class target column.
const MaxClasses = 256

// autoClassMax is the most distinct integer values a numeric target column
// may have to be read as class labels automatically.
const autoClassMax = 10

// LoadCSV reads a CSV file (optionally gzipped) and prepares it as spec
// says. See ReadCSV for the format. A regular file larger than
// spec.MaxBytes is refused before it is read.
func LoadCSV(path string, spec Spec) (*Dataset, error) {
	if err := checkSpec(spec); err != nil {
		return nil, err
	}
	f, _, err := openData(path, maxBytes(spec))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadCSV(path, f, spec)
}

// ReadCSV reads a CSV data set from r; name prefixes error messages
// ("name:line:column: ...").
//
// Format: a header row of column names, then one row per sample, all rows
// with the header's number of fields. A UTF-8 byte order mark, CRLF line ends,
// quoted fields and gzip compression are accepted; blank lines are skipped.
// Every column needs a name; feature columns must hold finite numbers.
//
// Target columns are spec.Target entries, each a header name or a 0-based
// column index (default: the last column). With spec.TargetKind "" the
// targets are read as:
//
//   - class labels, if there is one target column and it holds a value that
//     is not a number, or only integers with at most 10 distinct values;
//   - real values (regression) otherwise; several target columns are always
//     real values.
//
// TargetKind "class" or "real" forces the choice. Class names are sorted
// (numerically if all are numbers); two classes give one 0/1 output (1 for
// the second class), more give a one-hot vector.
//
// r is streamed: the text (after gunzip) may be at most spec.MaxBytes long,
// one record at most MaxRecordBytes, and the rows as loaded (8 bytes a
// value) at most spec.MaxBytes; past a limit reading stops with an error
// naming the file, the line and the limit. Names, class labels and name
// itself are sanitised for printing (see safetext): the Dataset's strings
// and the errors hold no terminal control characters.
func ReadCSV(name string, r io.Reader, spec Spec) (*Dataset, error) {
	name = safetext.Line(name)
	if err := checkSpec(spec); err != nil {
		return nil, err
	}
	max := maxBytes(spec)
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("%s: gzip: %w", name, err)
		}
		src = &gzipErrs{zr}
	}
	g := &textGuard{r: src, name: name, max: max, maxRecord: min(MaxRecordBytes, max), line: 1, start: 1}
	rw, err := parseCSV(name, g, spec, max)
	if err != nil {
		return nil, err
	}
	d, err := finish(rw, spec)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	d.Name = name
	return d, nil
}

// gzipErrs prefixes gzip's errors with "gzip: ".
type gzipErrs struct{ r io.Reader }

func (g *gzipErrs) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("gzip: %w", err)
	}
	return n, err
}

// textGuard passes CSV text through and stops it at the first sign that it
// is not a CSV file, or too large: a NUL byte (binary data), more than max
// bytes in all, or a record (a line, or lines joined by a quoted field)
// longer than maxRecord. Its errors name the file and the line.
type textGuard struct {
	r              io.Reader
	name           string
	max, maxRecord int64
	n              int64   // bytes read
	head           [4]byte // the first bytes, for hints
	line           int     // current line (1-based)
	start          int     // line where the current record starts
	rec            int64   // bytes of the current record
	quoted         bool    // inside a quoted field
	err            error   // sticky
}

func (g *textGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if g.n < int64(len(g.head)) {
			g.head[g.n] = c
		}
		g.n++
		g.rec++
		switch c {
		case 0:
			g.err = g.binary(g.n - 1)
		case '"':
			g.quoted = !g.quoted
		case '\n':
			g.line++
			if !g.quoted {
				g.start, g.rec = g.line, 0
			}
		}
		if g.err == nil && g.rec > g.maxRecord {
			g.err = fmt.Errorf("%s:%d: a record longer than %s (the limit on one row; an unclosed quote joins lines into one record): is this a CSV file?", g.name, g.start, Size(g.maxRecord))
		}
		if g.err == nil && g.n > g.max {
			g.err = &LimitError{File: g.name, What: "the text (after gunzip, if gzipped) is", Size: g.n, Limit: g.max, AtLeast: true}
		}
		if g.err != nil {
			return i, g.err
		}
	}
	if err != nil && err != io.EOF {
		g.err = fmt.Errorf("%s: %w", g.name, err)
		return n, g.err
	}
	return n, err
}

// binary explains a NUL byte at offset off.
func (g *textGuard) binary(off int64) error {
	hint := ""
	h := g.head[:min(g.n, int64(len(g.head)))]
	if bytes.HasPrefix(h, []byte("PK\x03\x04")) {
		hint = " (a ZIP archive, such as an .xlsx spreadsheet: save it as CSV first)"
	} else if bytes.HasPrefix(h, []byte("\xff\xfe")) || bytes.HasPrefix(h, []byte("\xfe\xff")) {
		hint = " (UTF-16 text: save it as UTF-8 CSV)"
	}
	return fmt.Errorf("%s: not a CSV text file: binary data (a NUL byte at offset %d)%s", g.name, off, hint)
}

// cell is a target field kept as text until the target kind is known.
type cell struct {
	text      string
	line, col int
}

// parseCSV reads the header and the rows from g, charging the rows'
// memory to a budget of max bytes as they are read.
func parseCSV(name string, g *textGuard, spec Spec, max int64) (*raw, error) {
	br := bufio.NewReader(g)
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	fail := func(err error) error {
		if g.err != nil {
			return g.err
		}
		return csvErr(name, err)
	}
	rec, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s: empty file: expected a header row of column names", name)
	}
	if err != nil {
		return nil, fail(err)
	}
	// header is the names as written (for matching --target); names are
	// the same, sanitised, for everything that is shown.
	header := make([]string, len(rec))
	names := make([]string, len(rec))
	for i := range rec {
		header[i] = strings.Clone(strings.TrimSpace(rec[i]))
		names[i] = safetext.Line(header[i])
	}
	for i, h := range header {
		if h == "" {
			l, c := cr.FieldPos(i)
			hint := ""
			if i == 0 {
				hint = " (pandas writes its index as an unnamed first column: save with index=False)"
			}
			return nil, fmt.Errorf("%s:%d:%d: column %d of %d has no name in the header row; every column needs one%s", name, l, c, i+1, len(header), hint)
		}
	}
	targets, err := resolveTargets(name, header, names, spec.Target)
	if err != nil {
		return nil, err
	}
	if len(targets) == len(header) {
		if len(header) == 1 {
			for _, sep := range []string{";", "\t", "|"} {
				if strings.Contains(header[0], sep) {
					return nil, fmt.Errorf("%s:1: the header is one column, %q; columns must be separated by commas, and this file seems to use %q", name, header[0], sep)
				}
			}
		}
		return nil, fmt.Errorf("%s: every column is a target; no feature columns left (columns are: %s)", name, strings.Join(names, ", "))
	}
	isTarget := make([]bool, len(header))
	for _, t := range targets {
		isTarget[t] = true
	}
	r := &raw{about: "CSV file " + name, split: SplitReal}
	for i := range header {
		if !isTarget[i] {
			r.features = append(r.features, names[i])
		}
	}
	b := &budget{file: name, what: "rows", max: max}
	var tcells [][]cell // tcells[row][k] for targets[k]
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fail(err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a line of blanks
		}
		if len(rec) != len(header) {
			l, c := cr.FieldPos(len(rec) - 1)
			return nil, fmt.Errorf("%s:%d:%d: row has %d fields, the header has %d", name, l, c, len(rec), len(header))
		}
		// The row's values, its target cells and (at most) a value per
		// target: what this row will take once its targets are encoded.
		cost := rowCost(1, len(r.features), len(targets)) + 24 + int64(len(targets))*int64(unsafe.Sizeof(cell{}))
		for _, t := range targets {
			cost += int64(len(rec[t]))
		}
		if err := b.take(cost, 1); err != nil {
			l, _ := cr.FieldPos(0)
			err.File = fmt.Sprintf("%s:%d", name, l)
			err.What = fmt.Sprintf("the rows up to this one take (as %d values each)", len(header))
			return nil, err
		}
		x := make([]float64, 0, len(r.features))
		for i, f := range rec {
			if isTarget[i] {
				continue
			}
			v, ok := number(f)
			if !ok {
				l, c := cr.FieldPos(i)
				return nil, fmt.Errorf("%s:%d:%d: column %q: expected a finite number, got %q", name, l, c, names[i], f)
			}
			x = append(x, v)
		}
		tc := make([]cell, len(targets))
		for k, t := range targets {
			l, c := cr.FieldPos(t)
			// A copy: rec's strings share one allocation per line.
			tc[k] = cell{strings.Clone(strings.TrimSpace(rec[t])), l, c}
		}
		r.x = append(r.x, x)
		tcells = append(tcells, tc)
	}
	if len(r.x) == 0 {
		return nil, fmt.Errorf("%s: a header but no data rows", name)
	}
	if err := encodeTargets(name, r, names, targets, tcells, spec.TargetKind, b); err != nil {
		return nil, err
	}
	return r, nil
}

// csvErr turns an encoding/csv error into "name:line:col: what".
func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// number parses a finite float, ignoring surrounding blanks.
func number(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

// resolveTargets maps target specs (names or 0-based indexes) to column
// indexes; none means the last column. A spec matches a column's name as
// written (header) or as shown (names, sanitised).
func resolveTargets(name string, header, names, specs []string) ([]int, error) {
	if len(specs) == 0 {
		return []int{len(header) - 1}, nil
	}
	var out []int
	for _, s := range specs {
		s = strings.TrimSpace(s)
		idx := -1
		for i, h := range header {
			if h == s || names[i] == s {
				if idx >= 0 {
					return nil, fmt.Errorf("%s: target %q names two columns (%d and %d); give the 0-based index instead", name, s, idx, i)
				}
				idx = i
			}
		}
		if idx < 0 {
			for i, h := range names {
				if strings.EqualFold(h, s) {
					idx = i
					break
				}
			}
		}
		if idx < 0 {
			n, err := strconv.Atoi(s)
			if err != nil {
				return nil, fmt.Errorf("%s: no column %q; columns are: %s", name, s, strings.Join(names, ", "))
			}
			if n < 0 || n >= len(header) {
				return nil, fmt.Errorf("%s: target column index %d out of range: the file has %d columns (0..%d)", name, n, len(header), len(header)-1)
			}
			idx = n
		}
		if slices.Contains(out, idx) {
			return nil, fmt.Errorf("%s: target column %q given twice", name, names[idx])
		}
		out = append(out, idx)
	}
	return out, nil
}

// encodeTargets fills r.y, r.targets, r.classes and r.kind from the target
// cells, following the rules in ReadCSV's doc.
// b has been charged one value per target per row; a one-hot encoding
// of more classes is charged before it is allocated. Class names are
// sanitised (header is already).
func encodeTargets(name string, r *raw, header []string, targets []int, cells [][]cell, kind string, b *budget) error {
	asClass := false
	switch kind {
	case "class":
		if len(targets) != 1 {
			return fmt.Errorf("%s: class targets need exactly one target column, got %d", name, len(targets))
		}
		asClass = true
	case "":
		if len(targets) == 1 {
			asClass = autoClasses(cells)
		}
	}
	if !asClass {
		r.kind = Regression
		for _, t := range targets {
			r.targets = append(r.targets, header[t])
		}
		r.y = make([][]float64, len(cells))
		for i, row := range cells {
			y := make([]float64, len(row))
			for k, c := range row {
				v, ok := number(c.text)
				if !ok {
					why := "real-valued targets"
					if len(targets) > 1 {
						why = "several target columns are real-valued targets"
					}
					return fmt.Errorf("%s:%d:%d: target column %q: expected a finite number (%s), got %q", name, c.line, c.col, header[targets[k]], why, c.text)
				}
				y[k] = v
			}
			r.y[i] = y
		}
		return nil
	}
	col := header[targets[0]]
	// Numeric labels are compared as numbers: "1" and "1.0" are one class.
	key := func(s string) string { return s }
	numeric := true
	for _, row := range cells {
		if _, ok := number(row[0].text); !ok {
			numeric = false
			break
		}
	}
	if numeric {
		key = func(s string) string {
			v, _ := number(s)
			return strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	seen := map[string]bool{}
	for _, row := range cells {
		c := row[0]
		if c.text == "" {
			return fmt.Errorf("%s:%d:%d: target column %q: empty class label", name, c.line, c.col, col)
		}
		if k := key(c.text); !seen[k] {
			seen[k] = true
			if len(seen) > MaxClasses {
				return fmt.Errorf("%s: target column %q has more than %d distinct values; that is not a class label (use real-valued targets)", name, col, MaxClasses)
			}
		}
	}
	classes := make([]string, 0, len(seen))
	for k := range seen {
		classes = append(classes, k)
	}
	sortClasses(classes)
	if len(classes) < 2 {
		return fmt.Errorf("%s: target column %q has only one class, %q; classification needs at least two", name, col, classes[0])
	}
	if len(classes) > 2 {
		if err := b.take(int64(len(cells))*int64(len(classes)-1)*valueBytes, 0); err != nil {
			err.What = fmt.Sprintf("%d rows with one-hot targets for %d classes take", len(cells), len(classes))
			return err
		}
	}
	index := make(map[string]int, len(classes))
	for i, c := range classes {
		index[c] = i
	}
	r.kind = Classification
	r.classes = make([]string, len(classes))
	for i, c := range classes {
		r.classes[i] = safetext.Line(c)
	}
	r.targets = classTargets(r.classes)
	r.y = make([][]float64, len(cells))
	for i, row := range cells {
		r.y[i] = encodeClass(index[key(row[0].text)], len(classes))
	}
	return nil
}

// classTargets names the outputs of classes as encodeClass lays them out:
// one output (the second class) for two classes, one per class for more.
func classTargets(classes []string) []string {
	if len(classes) == 2 {
		return []string{classes[1]}
	}
	return classes
}

// encodeClass returns the target vector of class k of n: one 0/1 value for
// two classes, one-hot for more.
func encodeClass(k, n int) []float64 {
	if n == 2 {
		return []float64{float64(k)}
	}
	y := make([]float64, n)
	y[k] = 1
	return y
}

// autoClasses says whether a single target column reads as class labels:
// some value is not a number, or all are integers with ≤ 10 distinct values.
func autoClasses(cells [][]cell) bool {
	distinct := map[float64]bool{}
	for _, row := range cells {
		v, ok := number(row[0].text)
		if !ok {
			return row[0].text != "" // empty: let the regression path report it
		}
		if v != math.Trunc(v) {
			return false
		}
		distinct[v] = true
	}
	return len(distinct) <= autoClassMax
}

// sortClasses sorts numerically when every name is a number, else as text.
func sortClasses(names []string) {
	for _, s := range names {
		if _, ok := number(s); !ok {
			slices.Sort(names)
			return
		}
	}
	slices.SortFunc(names, func(a, b string) int {
		x, _ := number(a)
		y, _ := number(b)
		if x < y {
			return -1
		}
		if x > y {
			return 1
		}
		return strings.Compare(a, b)
	})
}
