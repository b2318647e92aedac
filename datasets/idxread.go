package datasets

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"backprop/internal/safetext"
)

// idxFile is an idx file of unsigned bytes read as a stream: magic
// 0x00 0x00 0x08 d, then d big-endian uint32 dimensions, then the data,
// exactly the product of the dimensions in bytes.
type idxFile struct {
	name string    // the path, sanitised, for messages
	c    io.Closer // the file; nil for a reader
	r    io.Reader // the data after the header (gunzipped)
	gz   bool
	dims []int
	data int64 // bytes of data the header claims
	got  int64 // data bytes read so far
}

// openIDX opens path and reads its header (see newIDX).
func openIDX(path string, max int64) (*idxFile, error) {
	f, st, err := openData(path, max)
	if err != nil {
		return nil, err
	}
	size := int64(-1)
	if st.Mode().IsRegular() {
		size = st.Size()
	}
	x, err := newIDX(safetext.Line(path), f, size, max)
	if err != nil {
		f.Close()
		return nil, err
	}
	x.c = f
	return x, nil
}

// newIDX reads an idx header from r, gunzipping r if it starts with gzip's
// magic. size is r's length when known (a regular file), else -1: then a
// plain file's length is checked against the header at once; a gzipped
// one's as it is read. A header that claims more than max bytes of data is
// refused.
func newIDX(name string, r io.Reader, size, max int64) (*idxFile, error) {
	x := &idxFile{name: name}
	br := bufio.NewReaderSize(r, 64<<10)
	x.r = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, x.errf("gzip: %v", err)
		}
		x.r, x.gz, size = bufio.NewReaderSize(zr, 64<<10), true, -1
	}
	var head [4]byte
	if n, err := io.ReadFull(x.r, head[:]); err != nil {
		return nil, x.short(err, "truncated: %d bytes, too short for an idx header", n)
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, x.errf("bad magic number %#08x: not an idx file (expected 0x0000080N)", binary.BigEndian.Uint32(head[:]))
	}
	if head[2] != 0x08 {
		return nil, x.errf("bad magic number %#08x: data type %#02x is not unsigned bytes (0x08)", binary.BigEndian.Uint32(head[:]), head[2])
	}
	nd := int(head[3])
	if nd == 0 {
		return nil, x.errf("bad magic number: zero dimensions")
	}
	dims := make([]byte, 4*nd)
	if n, err := io.ReadFull(x.r, dims); err != nil {
		return nil, x.short(err, "truncated: header of %d dimensions needs %d bytes, file has %d", nd, 4+4*nd, 4+n)
	}
	for i := range nd {
		x.dims = append(x.dims, int(binary.BigEndian.Uint32(dims[4*i:])))
	}
	x.data = product(x.dims)
	if size >= 0 {
		body := size - 4 - 4*int64(nd)
		if x.data > body {
			return nil, x.errf("truncated: dimensions %v need %d bytes of data, file has %d", x.dims, x.data, body)
		}
		if x.data < body {
			return nil, x.errf("%d bytes of unexpected data after the %v items", body-x.data, x.dims)
		}
	}
	if x.data > max {
		return nil, &LimitError{File: name, What: "its header claims " + claim(x.dims) + ", which is", Size: x.data, Limit: max}
	}
	return x, nil
}

// claim describes what dims hold: "2600000 images of 28×28".
func claim(dims []int) string {
	switch len(dims) {
	case 1:
		return strconv.Itoa(dims[0]) + " labels"
	case 3:
		return fmt.Sprintf("%d images of %d×%d", dims[0], dims[1], dims[2])
	}
	s := make([]string, len(dims))
	for i, d := range dims {
		s[i] = strconv.Itoa(d)
	}
	return "dimensions " + strings.Join(s, "×")
}

// read fills p with the next data bytes.
func (x *idxFile) read(p []byte) error {
	n, err := io.ReadFull(x.r, p)
	x.got += int64(n)
	if err != nil {
		return x.short(err, "truncated: dimensions %v need %d bytes of data, file has %d", x.dims, x.data, x.got)
	}
	return nil
}

// finish reads the data not used and checks that nothing follows it (and,
// for gzip, the checksum).
func (x *idxFile) finish() error {
	n, err := io.CopyN(io.Discard, x.r, x.data-x.got)
	x.got += n
	if err != nil {
		return x.short(err, "truncated: dimensions %v need %d bytes of data, file has %d", x.dims, x.data, x.got)
	}
	const peek = 1 << 20
	extra, err := io.Copy(io.Discard, io.LimitReader(x.r, peek))
	if err != nil {
		return x.errf("gzip: %v", err)
	}
	if extra > 0 {
		more := ""
		if extra == peek {
			more = "at least "
		}
		return x.errf("%s%d bytes of unexpected data after the %v items", more, extra, x.dims)
	}
	return nil
}

// Close closes the file.
func (x *idxFile) Close() error {
	if x.c != nil {
		return x.c.Close()
	}
	return nil
}

func (x *idxFile) errf(format string, args ...any) error {
	return fmt.Errorf("datasets: %s: %s", x.name, fmt.Sprintf(format, args...))
}

// short explains a failed ReadFull: the end of the data (format, args) or a
// read or gzip error.
func (x *idxFile) short(err error, format string, args ...any) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return x.errf(format, args...)
	}
	if x.gz {
		return x.errf("gzip: %v", err)
	}
	return x.errf("%v", err)
}

// product is the product of dims, saturating at 2⁶² instead of overflowing.
func product(dims []int) int64 {
	p := int64(1)
	for _, d := range dims {
		if d != 0 && p > (1<<62)/int64(d) {
			return 1 << 62
		}
		p *= int64(d)
	}
	return p
}
