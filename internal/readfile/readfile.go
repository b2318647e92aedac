// Package readfile reads the small files a program is given by name
// (lesson files, lesson progress, authorized_keys, host keys, password
// files, model files) without trusting them to be small: a file's size is
// checked against a limit before anything is read, and a stream (a pipe or
// a device such as /dev/zero) is read no further than the limit.
//
// Go cannot recover from running out of memory: os.ReadFile on /dev/zero,
// or on a file of a few gigabytes, ends the whole process (a server with
// it). Every read of a named file goes through Read or Open instead.
//
// # Invariants
//
//   - Read never holds more than max+1 bytes of the file, and Open refuses
//     a file larger than max before it returns.
//   - Every error names the file, sanitised for a terminal (safetext.Line),
//     and, for a file too large, the limit and what it is for.
//   - Errors for a file too large wrap ErrTooLarge; for a file that is not
//     a regular one (Open), ErrNotRegular.
package readfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"backprop/internal/safetext"
)

// ErrTooLarge is wrapped by every error for a file over its limit.
var ErrTooLarge = errors.New("file too large")

// ErrNotRegular is wrapped by Open's error for a directory, a pipe, a
// socket or a device.
var ErrNotRegular = errors.New("not a regular file")

// LimitError is a file larger than the limit for what it is.
type LimitError struct {
	File  string // sanitised
	What  string // what the file is for: "a lesson file"
	Size  int64  // its size; for a stream, how far it was read
	Limit int64
	// Stream is set when Size is only how far a stream was read.
	Stream bool
}

func (e *LimitError) Error() string {
	if e.Stream {
		return fmt.Sprintf("%s: more than %s, the limit for %s", e.File, Size(e.Limit), e.What)
	}
	return fmt.Sprintf("%s: the file is %s, over the limit of %s for %s", e.File, Size(e.Size), Size(e.Limit), e.What)
}

func (e *LimitError) Unwrap() error { return ErrTooLarge }

// Read returns the contents of the file at path, at most max bytes. A
// regular file larger than max is refused before it is read; anything else
// that can be read (a pipe, a device) is read up to max+1 bytes, and
// refused if it holds more. what says what the file is for, in errors ("a
// lesson file").
func Read(path, what string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, pathErr(path, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, pathErr(path, err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not %s", safetext.Line(path), what)
	}
	n, size := max+1, min(max+1, 64<<10)
	if st.Mode().IsRegular() {
		if st.Size() > max {
			return nil, &LimitError{File: safetext.Line(path), What: what, Size: st.Size(), Limit: max}
		}
		n, size = st.Size()+1, st.Size()+1 // +1 to see a file that grew since
	}
	data, err := readUpTo(f, n, size)
	if err != nil {
		return nil, pathErr(path, err)
	}
	if int64(len(data)) > max {
		return nil, &LimitError{File: safetext.Line(path), What: what, Size: int64(len(data)), Limit: max, Stream: !st.Mode().IsRegular()}
	}
	return data, nil
}

// readUpTo reads at most n bytes of r, into a buffer of size bytes that
// grows only as more data arrives.
func readUpTo(r io.Reader, n, size int64) ([]byte, error) {
	buf := make([]byte, 0, size)
	lr := io.LimitReader(r, n)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		k, err := lr.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+k]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// Open opens the regular file at path for streaming, refusing a file larger
// than max or one that is not a regular file (a directory, a pipe or a
// device such as /dev/zero) before it reads anything. It returns the file
// and its size.
func Open(path, what string, max int64) (*os.File, int64, error) {
	// Stat first: opening a pipe for reading would wait for a writer.
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, pathErr(path, err)
	}
	if err := regular(path, what, st); err != nil {
		return nil, 0, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, pathErr(path, err)
	}
	if st, err = f.Stat(); err != nil { // what was opened, in case it changed
		f.Close()
		return nil, 0, pathErr(path, err)
	}
	if err := regular(path, what, st); err != nil {
		f.Close()
		return nil, 0, err
	}
	if st.Size() > max {
		f.Close()
		return nil, 0, &LimitError{File: safetext.Line(path), What: what, Size: st.Size(), Limit: max}
	}
	return f, st.Size(), nil
}

// regular refuses anything but a regular file, naming what it is.
func regular(path, what string, st fs.FileInfo) error {
	m := st.Mode()
	var kind string
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		kind = "a directory"
	case m&fs.ModeNamedPipe != 0:
		kind = "a named pipe"
	case m&fs.ModeSocket != 0:
		kind = "a socket"
	case m&fs.ModeCharDevice != 0:
		kind = "a character device"
	case m&fs.ModeDevice != 0:
		kind = "a device"
	default:
		kind = "not a plain file"
	}
	return fmt.Errorf("%s: %w (%s); %s must be one", safetext.Line(path), ErrNotRegular, kind, what)
}

// pathErr is err with path sanitised in front (an *fs.PathError's own
// path replaced), wrapping the cause.
func pathErr(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", safetext.Line(path), pe.Err)
	}
	return fmt.Errorf("%s: %w", safetext.Line(path), err)
}

// Size formats a byte count for messages: "1 GiB", "1.9 GiB (2038400000
// bytes)", "512 bytes": a whole number of units alone, else one decimal and
// the exact count.
func Size(n int64) string {
	units := []string{"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	if n < 1<<10 {
		return strconv.FormatInt(n, 10) + " bytes"
	}
	v, u := float64(n)/1024, 0
	for v >= 1024 && u < len(units)-1 {
		v, u = v/1024, u+1
	}
	if n%(1<<(10*(u+1))) == 0 {
		return strconv.FormatFloat(v, 'f', -1, 64) + " " + units[u]
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[u] + " (" + strconv.FormatInt(n, 10) + " bytes)"
}
