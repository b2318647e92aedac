package datasets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"backprop/internal/readfile"
	"backprop/internal/safetext"
)

// DefaultMaxBytes is the limit on a data set's decoded size when
// Spec.MaxBytes is 0: 1 GiB.
const DefaultMaxBytes = 1 << 30

// MaxRecordBytes bounds one CSV record (a row, with any quoted line breaks).
// A network takes at most 65,536 inputs, so a real row is far shorter; the
// bound stops a file that is one endless line (or /dev/zero-like input)
// before it is held in memory.
const MaxRecordBytes = 8 << 20

// Memory accounting: what a loaded row costs. Each CSV value is a float64;
// each row has two slice headers (X[i] and Y[i]), and a split into train
// and test copies both. An idx image is compact: a byte a pixel and one
// slice header (Y[i], which points at one of ten shared one-hot vectors).
// The loaders add this up before (idx) or while (CSV) they allocate and
// stop at the limit, so the limit bounds the memory of the loaded set, not
// only the file. A set shared by many sessions (Shared) is loaded, and
// charged, once.
const (
	valueBytes    = 8
	rowOverhead   = 2 * 24
	splitBytes    = 2 * 24
	compactHeader = 24
)

// ErrTooLarge is wrapped by every error for data over its limit.
var ErrTooLarge = errors.New("datasets: data too large")

// LimitError says that a file holds, or claims, more data than the limit
// allows. It wraps ErrTooLarge.
type LimitError struct {
	File  string // the file (sanitised for printing)
	What  string // what is too large, e.g. "its header claims 2600000 images of 28×28, which is"
	Size  int64  // bytes it holds or claims; for a stream, how far it was read
	Limit int64  // the limit in bytes
	// AtLeast is set when Size is only how far a stream was read.
	AtLeast bool
}

func (e *LimitError) Error() string {
	if e.AtLeast {
		return fmt.Sprintf("%s: %s more than the limit of %s", e.File, e.What, Size(e.Limit))
	}
	return fmt.Sprintf("%s: %s %s, over the limit of %s", e.File, e.What, Size(e.Size), Size(e.Limit))
}

func (e *LimitError) Unwrap() error { return ErrTooLarge }

// maxBytes is the limit spec sets.
func maxBytes(spec Spec) int64 {
	if spec.MaxBytes > 0 {
		return spec.MaxBytes
	}
	return DefaultMaxBytes
}

// Size formats a byte count for messages: "1 GiB", "1.9 GiB (2038400000
// bytes)", "512 bytes" (readfile.Size).
func Size(n int64) string { return readfile.Size(n) }

// budget adds up the memory a loader allocates for rows, against a limit.
type budget struct {
	file      string // for messages
	what      string // what a row is: "rows", "images"
	used, max int64
	rows      int
}

// rowCost is the memory of n rows of in inputs and out outputs.
func rowCost(n, in, out int) int64 {
	return int64(n) * (int64(in+out)*valueBytes + rowOverhead)
}

// compactCost is the memory of n compact rows of in bytes: the pixels and
// each row's target slice header.
func compactCost(n, in int) int64 {
	return int64(n) * (int64(in) + compactHeader)
}

// take charges n bytes for rows more rows; it fails with a *LimitError
// when the total passes the limit.
func (b *budget) take(n int64, rows int) *LimitError {
	if n > b.max-b.used {
		return &LimitError{File: b.file, What: fmt.Sprintf("%d %s take", b.rows+rows, b.what), Size: b.used + n, Limit: b.max, AtLeast: true}
	}
	b.used += n
	b.rows += rows
	return nil
}

// fileErr is an error opening or reading path, with the path sanitised.
func fileErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("datasets: %s: %w", safetext.Line(path), pe.Err)
	}
	return fmt.Errorf("datasets: %s: %w", safetext.Line(path), err)
}

// openData opens a data file for streaming and refuses a regular file
// larger than max (a stream, a pipe or a device is counted as it is read).
func openData(path string, max int64) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fileErr(path, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fileErr(path, err)
	}
	if st.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("datasets: %s: is a directory", safetext.Line(path))
	}
	if st.Mode().IsRegular() && st.Size() > max {
		f.Close()
		return nil, nil, &LimitError{File: safetext.Line(path), What: "the file is", Size: st.Size(), Limit: max}
	}
	return f, st, nil
}

// countReader fails once more than max bytes have been read through it:
// it bounds what a decompressed stream may produce.
type countReader struct {
	r    io.Reader
	n    int64
	max  int64
	file string
	what string
}

func (c *countReader) Read(p []byte) (int, error) {
	if c.n > c.max {
		return 0, c.err()
	}
	if int64(len(p)) > c.max-c.n+1 {
		p = p[:c.max-c.n+1]
	}
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.max {
		return n, c.err()
	}
	return n, err
}

func (c *countReader) err() error {
	return &LimitError{File: c.file, What: c.what, Size: c.n, Limit: c.max, AtLeast: true}
}
