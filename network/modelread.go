package network

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"backprop/internal/readfile"
	"backprop/internal/safetext"
)

// MaxModelBytes bounds the size of a model file LoadModel reads.
const MaxModelBytes = 256 << 20

// Bounds on what a model file's JSON may hold, checked as the bytes stream
// in, before the decoder holds or allocates them. No model needs more: its
// numbers are the weights and biases, the initial ones, the gradient sums
// and at most two optimizer moments (5 × MaxParams), plus bounded series.
const (
	// maxModelValues bounds the values and containers in a whole file.
	maxModelValues = 6*MaxParams + 1<<20
	// maxArrayLen bounds one array (a weights row has at most MaxNeurons
	// values; an old file's unmerged history may be longer).
	maxArrayLen = MaxParams
	// maxDepth bounds nesting (a model file nests 5 deep; "data" is free).
	maxDepth = 64
)

// LoadModel reads and validates a model file; errors start with the path
// (sanitised for a terminal). A file that is not a regular file (a pipe, a
// device such as /dev/zero) or is larger than MaxModelBytes is refused
// before anything is read; the JSON is decoded as it streams in, and a file
// that holds more values than any model (a row longer than any layer) is
// refused as soon as the excess arrives.
func LoadModel(path string) (*Model, error) {
	fh, size, err := readfile.Open(path, "a model file", MaxModelBytes)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	m, err := decodeModel(io.NewSectionReader(fh, 0, size))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", safetext.Line(path), err)
	}
	return m, nil
}

// ParseModel decodes and validates a model file. Errors name the JSON path
// (`layers[1].weights[3]: expected 4 values, got 3`) or, for malformed JSON,
// the line and column.
func ParseModel(data []byte) (*Model, error) {
	return decodeModel(io.NewSectionReader(bytes.NewReader(data), 0, int64(len(data))))
}

// decodeModel decodes and validates the model file src holds. The decoder
// reads src through a guard that bounds its values; src is read again only
// to place an error (line and column).
func decodeModel(src *io.SectionReader) (*Model, error) {
	var bom [3]byte
	base := int64(0) // bytes before the JSON: a UTF-8 byte order mark
	if n, _ := src.ReadAt(bom[:], 0); n == 3 && string(bom[:]) == "\xef\xbb\xbf" {
		base = 3
	}
	g := &valueGuard{r: bufio.NewReaderSize(io.NewSectionReader(src, base, src.Size()-base), 64<<10), line: 1, col: 1}
	// Absent training fields keep DefaultHyper's values.
	f := modelFile{Training: trainingOf(DefaultHyper())}
	dec := json.NewDecoder(g)
	dec.DisallowUnknownFields()
	pos := func(off int64) string {
		line, col := lineCol(src, base+off)
		return fmt.Sprintf("line %d:%d", line, col)
	}
	if err := dec.Decode(&f); err != nil {
		var ge *guardError
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &ge):
			return nil, ge
		case errors.As(err, &se):
			msg := se.Error()
			var c [1]byte
			if n, _ := src.ReadAt(c[:], base+se.Offset-1); se.Offset > 0 && n == 1 && strings.ContainsRune("NI", rune(c[0])) {
				msg += " (bare NaN/Infinity is not JSON)"
			}
			return nil, fmt.Errorf("%s: %s", pos(max(se.Offset-1, 0)), msg) // Offset is just past the bad byte
		case errors.As(err, &te):
			field := te.Field
			if field == "" {
				field = "(top level)"
			}
			return nil, fmt.Errorf("%s: %s: expected %v, got JSON %s", pos(te.Offset), field, te.Type, te.Value)
		case errors.Is(err, io.EOF):
			return nil, errors.New("empty model file")
		case errors.Is(err, io.ErrUnexpectedEOF):
			return nil, fmt.Errorf("%s: unexpected end of file (unclosed { or [?)", pos(src.Size()-base))
		}
		return nil, fmt.Errorf("%s: %v", pos(dec.InputOffset()), err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: unexpected data after the model object", pos(dec.InputOffset()))
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	m := &Model{Data: f.Data, f: f}
	m.f.Data = nil
	return m, nil
}

// lineCol converts a byte offset in src into 1-based line and column,
// reading src up to it.
func lineCol(src io.ReaderAt, off int64) (int, int) {
	line, col := 1, 1
	buf := make([]byte, 64<<10)
	for at := int64(0); at < off; {
		n, err := src.ReadAt(buf[:min(int64(len(buf)), off-at)], at)
		for _, c := range buf[:n] {
			if c == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		at += int64(n)
		if err != nil || n == 0 {
			break
		}
	}
	return line, col
}

// valueGuard passes a model file's bytes on to the JSON decoder, counting
// as they go: the values and containers in the file, the elements of each
// open array and the depth of nesting. It fails once a count passes its
// bound (maxModelValues, maxArrayLen, maxDepth), so the decoder never holds
// or allocates more than a model can need, however the file was made. It
// tracks strings (with their escapes) so that a comma inside one is not
// counted; checking the JSON is the decoder's job.
type valueGuard struct {
	r         io.Reader
	line, col int
	values    int
	arrays    []int // per open container: commas so far in an array, −1 for an object
	inString  bool
	escaped   bool
	err       error
}

// guardError is a file that holds more than any model needs.
type guardError struct {
	line, col int
	what      string
}

func (e *guardError) Error() string {
	return fmt.Sprintf("line %d:%d: %s: no model file holds that many", e.line, e.col, e.what)
}

func (g *valueGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	n, err := g.r.Read(p)
	for i, c := range p[:n] {
		if g.scan(c) {
			// Pass on the bytes before the one that broke a bound: the
			// decoder then fails with the guard's error, not a syntax one.
			return i, g.err
		}
	}
	return n, err
}

// scan counts byte c; it reports whether a bound was passed (g.err set).
func (g *valueGuard) scan(c byte) bool {
	if c == '\n' {
		g.line, g.col = g.line+1, 1
	} else {
		g.col++
	}
	switch {
	case g.inString:
		switch {
		case g.escaped:
			g.escaped = false
		case c == '\\':
			g.escaped = true
		case c == '"':
			g.inString = false
		}
		return false
	case c == '"':
		g.inString = true
	case c == '[' || c == '{':
		if len(g.arrays) >= maxDepth {
			return g.fail(fmt.Sprintf("nested more than %d deep", maxDepth))
		}
		open := 0
		if c == '{' {
			open = -1
		}
		g.arrays = append(g.arrays, open)
		g.values++
	case c == ']' || c == '}':
		if len(g.arrays) > 0 {
			g.arrays = g.arrays[:len(g.arrays)-1]
		}
	case c == ',':
		g.values++
		if k := len(g.arrays) - 1; k >= 0 && g.arrays[k] >= 0 {
			g.arrays[k]++
			if g.arrays[k] >= maxArrayLen {
				return g.fail(fmt.Sprintf("an array of more than %d values", maxArrayLen))
			}
		}
	default:
		return false
	}
	if g.values > maxModelValues {
		return g.fail(fmt.Sprintf("more than %d values and arrays in all", maxModelValues))
	}
	return false
}

func (g *valueGuard) fail(what string) bool {
	g.err = &guardError{line: g.line, col: g.col - 1, what: what}
	return true
}
