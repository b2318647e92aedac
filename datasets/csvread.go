package datasets

import (
	"bytes"
	"fmt"
	"io"
)

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

// rowStore keeps rows of w values in fixed-size chunks: rows are never
// copied as the store grows (an append-grown slice would briefly need twice
// its size, and leave the old copy as garbage), and each row is a slice of
// its chunk.
type rowStore[T any] struct {
	w, perChunk int
	chunks      [][]T
	n           int // rows
}

// storeChunk is about how many values a chunk holds.
const storeChunk = 1 << 16

func newRowStore[T any](w int) *rowStore[T] {
	return &rowStore[T]{w: w, perChunk: max(1, storeChunk/max(w, 1))}
}

// next adds a row of zero values and returns it.
func (s *rowStore[T]) next() []T {
	k := s.n % s.perChunk
	if k == 0 {
		s.chunks = append(s.chunks, make([]T, s.perChunk*s.w))
	}
	s.n++
	c := s.chunks[len(s.chunks)-1]
	return c[k*s.w : (k+1)*s.w : (k+1)*s.w]
}

// row returns row i.
func (s *rowStore[T]) row(i int) []T {
	c, k := s.chunks[i/s.perChunk], i%s.perChunk
	return c[k*s.w : (k+1)*s.w : (k+1)*s.w]
}

// rows returns every row.
func (s *rowStore[T]) rows() [][]T {
	out := make([][]T, s.n)
	for i := range out {
		out[i] = s.row(i)
	}
	return out
}
