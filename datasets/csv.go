package datasets

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

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

// csvFile is a CSV file being read: its reader and its header.
type csvFile struct {
	name     string
	g        *textGuard
	cr       *csv.Reader
	header   []string // the column names as written (for --target, and %q in errors)
	names    []string // the same, sanitised, for everything else that is shown
	targets  []int    // the target columns
	isTarget []bool
}

// parseCSV reads the header and the rows from g. Rows are stored compactly
// as they are read (see rowStore and targetCells) and charged to a budget
// of max bytes first.
func parseCSV(name string, g *textGuard, spec Spec, max int64) (*raw, error) {
	br := bufio.NewReader(g)
	if bom, _ := br.Peek(3); string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	f := &csvFile{name: name, g: g, cr: csv.NewReader(br)}
	f.cr.FieldsPerRecord = -1
	f.cr.TrimLeadingSpace = true
	f.cr.ReuseRecord = true
	if err := f.readHeader(spec); err != nil {
		return nil, err
	}
	r := &raw{about: "CSV file " + name, split: SplitReal}
	for i := range f.header {
		if !f.isTarget[i] {
			r.features = append(r.features, f.names[i])
		}
	}
	b := &budget{file: name, what: "rows", max: max}
	tc := newTargetCells(len(f.targets))
	x, err := f.readRows(len(r.features), tc, b)
	if err != nil {
		return nil, err
	}
	r.x = x.rows()
	if err := tc.encode(name, r, f.header, f.names, f.targets, spec.TargetKind, b); err != nil {
		return nil, err
	}
	return r, nil
}

// fail explains a read error: the guard's (too large, binary), or
// encoding/csv's with its place.
func (f *csvFile) fail(err error) error {
	if f.g.err != nil {
		return f.g.err
	}
	return csvErr(f.name, err)
}

// readHeader reads and checks the header row and resolves the targets.
func (f *csvFile) readHeader(spec Spec) error {
	name := f.name
	rec, err := f.cr.Read()
	if err == io.EOF {
		return fmt.Errorf("%s: empty file: expected a header row of column names", name)
	}
	if err != nil {
		return f.fail(err)
	}
	f.header, f.names = make([]string, len(rec)), make([]string, len(rec))
	for i := range rec {
		f.header[i] = strings.Clone(strings.TrimSpace(rec[i]))
		f.names[i] = safetext.Line(f.header[i])
	}
	for i, h := range f.header {
		if h == "" {
			l, c := f.cr.FieldPos(i)
			hint := ""
			if i == 0 {
				hint = " (pandas writes its index as an unnamed first column: save with index=False)"
			}
			return fmt.Errorf("%s:%d:%d: column %d of %d has no name in the header row; every column needs one%s", name, l, c, i+1, len(f.header), hint)
		}
	}
	if f.targets, err = resolveTargets(name, f.header, f.names, spec.Target); err != nil {
		return err
	}
	if len(f.targets) == len(f.header) {
		if len(f.header) == 1 {
			for _, sep := range []string{";", "\t", "|"} {
				if strings.Contains(f.header[0], sep) {
					return fmt.Errorf("%s:1: the header is one column, %q; columns must be separated by commas, and this file seems to use %q", name, f.header[0], sep)
				}
			}
		}
		return fmt.Errorf("%s: every column is a target; no feature columns left (columns are: %s)", name, strings.Join(f.names, ", "))
	}
	if spec.TargetKind == "class" && len(f.targets) != 1 {
		return fmt.Errorf("%s: class targets need exactly one target column, got %d", name, len(f.targets))
	}
	f.isTarget = make([]bool, len(f.header))
	for _, t := range f.targets {
		f.isTarget[t] = true
	}
	return nil
}

// readRows reads the data rows: nf feature values into the store it
// returns, the targets into tc; each row is charged to b before it is kept.
func (f *csvFile) readRows(nf int, tc *targetCells, b *budget) (*rowStore[float64], error) {
	name, cr := f.name, f.cr
	x := newRowStore[float64](nf)
	perRow := csvRowBytes(nf, len(f.targets))
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, f.fail(err)
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a line of blanks
		}
		if len(rec) != len(f.header) {
			l, c := cr.FieldPos(len(rec) - 1)
			return nil, fmt.Errorf("%s:%d:%d: row has %d fields, the header has %d", name, l, c, len(rec), len(f.header))
		}
		if err := b.take(perRow, 1); err != nil {
			l, _ := cr.FieldPos(0)
			err.File = fmt.Sprintf("%s:%d", name, l)
			err.What = fmt.Sprintf("%d rows of %d values take", b.rows+1, len(f.header))
			return nil, err
		}
		row, j := x.next(), 0
		for i, v := range rec {
			if f.isTarget[i] {
				continue
			}
			var ok bool
			if row[j], ok = number(v); !ok {
				l, c := cr.FieldPos(i)
				return nil, fmt.Errorf("%s:%d:%d: column %q: expected a finite number, got %q", name, l, c, f.header[i], v)
			}
			j++
		}
		if err := tc.add(rec, f.targets, cr.FieldPos, b); err != nil {
			l, _ := cr.FieldPos(0)
			err.File = fmt.Sprintf("%s:%d", name, l)
			return nil, err
		}
	}
	if x.n == 0 {
		return nil, fmt.Errorf("%s: a header but no data rows", name)
	}
	return x, nil
}

// csvRowBytes is what a CSV row of nf features and nt targets is charged
// while it is read: its values (and a label id for one target), its slice
// headers and their copies in the split. A one-hot encoding is charged
// when it is made.
func csvRowBytes(nf, nt int) int64 {
	n := rowCost(1, nf+nt, 0) + splitBytes
	if nt == 1 {
		n += 4
	}
	return n
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
			return nil, fmt.Errorf("%s: target column %q given twice", name, header[idx])
		}
		out = append(out, idx)
	}
	return out, nil
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
