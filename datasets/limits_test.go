package datasets

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// gzipZeros is a gzip stream of n zero bytes, built from repeated members
// (a multi-member gzip file is one valid stream), so gigabytes cost
// kilobytes and milliseconds.
func gzipZeros(t testing.TB, n int64) []byte {
	const chunk = 1 << 20
	member := gz(make([]byte, chunk))
	var b bytes.Buffer
	for ; n >= chunk; n -= chunk {
		b.Write(member)
	}
	b.Write(gz(make([]byte, n)))
	return b.Bytes()
}

// writeHugeMNIST writes to dir a gzipped idx set whose training part is
// 2.6 million 28×28 images (all zero) with their labels: complete and
// valid, 2 GB of pixels decoded, about 2 MB on disk.
func writeHugeMNIST(t testing.TB, dir string) {
	const n = 2_600_000
	img := append(gz(idxBytes([]int{n, 28, 28}, nil)), gzipZeros(t, n*28*28)...)
	lab := append(gz(idxBytes([]int{n}, nil)), gzipZeros(t, n)...)
	for name, b := range map[string][]byte{
		"train-images-idx3-ubyte.gz": img, "train-labels-idx1-ubyte.gz": lab,
		"t10k-images-idx3-ubyte.gz": gz(idxBytes([]int{1, 28, 28}, make([]byte, 784))),
		"t10k-labels-idx1-ubyte.gz": gz(idxBytes([]int{1}, []byte{3})),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// allocated runs f and returns the bytes it allocated.
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

func TestIDXHugeGzip(t *testing.T) {
	dir := t.TempDir()
	writeHugeMNIST(t, dir)
	// The file is really that big: gunzipped it has the header's size.
	f, _ := os.Open(filepath.Join(dir, "train-images-idx3-ubyte.gz"))
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		f.Close()
	} else {
		n, err := io.Copy(io.Discard, zr)
		f.Close()
		if err != nil || n != 16+2_600_000*784 {
			t.Fatalf("gunzipped %d bytes, %v", n, err)
		}
	}
	var lerr error
	alloc := allocated(func() { _, lerr = Load(Spec{Name: "idx:" + dir}) })
	want := "train-images-idx3-ubyte.gz: its header claims 2600000 images of 28×28, which is 1.9 GiB (2038400000 bytes), over the limit of 1 GiB"
	if lerr == nil || !strings.Contains(lerr.Error(), want) {
		t.Fatalf("error\n  %v\nwant it to contain\n  %s", lerr, want)
	}
	var le *LimitError
	if !errors.As(lerr, &le) || !errors.Is(lerr, ErrTooLarge) || le.Limit != DefaultMaxBytes {
		t.Errorf("not a *LimitError wrapping ErrTooLarge: %#v", lerr)
	}
	if alloc > 4<<20 {
		t.Errorf("refusing allocated %d bytes", alloc)
	}
	// A limit above the claim: the 50,000 kept images fit (40 MB as
	// bytes) only if the limit allows that too.
	_, err = Load(Spec{Name: "idx:" + dir, MaxBytes: 3 << 30, Samples: 10})
	if err != nil {
		t.Errorf("Samples 10 under a 3 GiB limit: %v", err)
	}
}

func TestIDXLimits(t *testing.T) {
	for _, zip := range []bool{false, true} {
		dir := t.TempDir()
		writeIDX(t, dir, 12, 5, zip, nil)
		// 12 train images of 3×2 take 12·(6+24) bytes: a byte a pixel
		// and a target's slice header.
		_, err := Load(Spec{Name: "idx:" + dir, MaxBytes: 12 * (6 + 24)})
		if err == nil || !strings.Contains(err.Error(), "5 images of 3×2, with the 12 loaded before them, take more than the limit of 360 bytes") {
			t.Errorf("zip %v: rows: %v", zip, err)
		}
		if _, err = Load(Spec{Name: "idx:" + dir, MaxBytes: 17 * (6 + 24)}); err != nil {
			t.Errorf("zip %v: at the limit: %v", zip, err)
		}
	}
	// A header that claims more than the limit is refused before the data
	// is read (a plain file's length is checked first).
	dir := t.TempDir()
	writeIDX(t, dir, 12, 5, true, func(f [][]byte) { f[0] = idxBytes([]int{10000, 3, 2}, nil) })
	_, err := Load(Spec{Name: "idx:" + dir, MaxBytes: 1000})
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte.gz: its header claims 10000 images of 3×2, which is 58.6 KiB (60000 bytes), over the limit of 1000 bytes") {
		t.Errorf("claim: %v", err)
	}
	// A plain file larger than the limit is refused before it is read.
	dir = t.TempDir()
	writeIDX(t, dir, 12, 5, false, nil)
	_, err = Load(Spec{Name: "idx:" + dir, MaxBytes: 50})
	if err == nil || !strings.Contains(err.Error(), "train-images-idx3-ubyte: the file is 88 bytes, over the limit of 50 bytes") {
		t.Errorf("plain file: %v", err)
	}
}

// TestIDXStreamErrors: gzipped files are checked as they are read.
func TestIDXStreamErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(files [][]byte)
		want string
	}{
		{"truncated data", func(f [][]byte) { f[0] = f[0][:len(f[0])-1] }, "train-images-idx3-ubyte.gz: truncated: dimensions [12 3 2] need 72 bytes of data, file has 71"},
		{"truncated header", func(f [][]byte) { f[3] = f[3][:6] }, "t10k-labels-idx1-ubyte.gz: truncated: header of 1 dimensions needs 8 bytes, file has 6"},
		{"trailing", func(f [][]byte) { f[3] = append(f[3], 1, 2) }, "t10k-labels-idx1-ubyte.gz: 2 bytes of unexpected data after the [5] items"},
		{"huge dims", func(f [][]byte) { f[0] = idxBytes([]int{1 << 30, 1 << 30, 1 << 30}, nil) }, "its header claims 1073741824 images of 1073741824×1073741824, which is 4 EiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeIDX(t, dir, 12, 5, true, tt.edit)
			_, err := Load(Spec{Name: "idx:" + dir})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
	// A corrupt gzip stream (bad checksum) is an error too.
	dir := t.TempDir()
	writeIDX(t, dir, 12, 5, true, nil)
	p := filepath.Join(dir, "t10k-labels-idx1-ubyte.gz")
	b, _ := os.ReadFile(p)
	b[len(b)-8] ^= 0xff // CRC-32
	os.WriteFile(p, b, 0o644)
	if _, err := Load(Spec{Name: "idx:" + dir}); err == nil || !strings.Contains(err.Error(), "t10k-labels-idx1-ubyte.gz: gzip: gzip: invalid checksum") {
		t.Errorf("bad checksum: %v", err)
	}
}

// endless is an io.Reader of one byte, forever.
type endless byte

func (e endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(e)
	}
	return len(p), nil
}

func TestCSVLimits(t *testing.T) {
	// A line without end stops at MaxRecordBytes, whatever the limit.
	var err error
	alloc := allocated(func() {
		_, err = ReadCSV("t.csv", io.MultiReader(strings.NewReader("a,b\n1,"), endless('7')), Spec{})
	})
	if err == nil || !strings.Contains(err.Error(), "t.csv:2: a record longer than 8 MiB") {
		t.Errorf("endless line: %v", err)
	}
	if alloc > 10*MaxRecordBytes {
		t.Errorf("endless line: allocated %d bytes", alloc)
	}
	// So does an unclosed quote, whose field runs over every later line.
	_, err = ReadCSV("t.csv", io.MultiReader(strings.NewReader("a,b\n1,2\n3,\"x\n"), endless('\n')), Spec{})
	if err == nil || !strings.Contains(err.Error(), "t.csv:3: a record longer than 8 MiB (the limit on one row; an unclosed quote") {
		t.Errorf("unclosed quote: %v", err)
	}
	// A stream is counted as it is read.
	_, err = ReadCSV("t.csv", io.MultiReader(strings.NewReader("a,b\n"), endless('\n')), Spec{MaxBytes: 1000})
	if err == nil || !strings.Contains(err.Error(), "t.csv: the text (after gunzip, if gzipped) is more than the limit of 1000 bytes") {
		t.Errorf("endless blank lines: %v", err)
	}
	// Rows are charged as they are read: 8 bytes a value, the row's
	// slices and a label id; distinct labels by their text.
	row := csvRowBytes(2, 1)
	labels := 2 * (1 + 64)
	text := "a,b,c\n" + strings.Repeat("1,2,x\n3,4,y\n", 20)
	limit := 15*row + int64(labels)
	_, err = ReadCSV("t.csv", strings.NewReader(text), Spec{MaxBytes: limit})
	var le *LimitError
	want := fmt.Sprintf("t.csv:17: 16 rows of 3 values take more than the limit of %s", Size(limit))
	if !errors.As(err, &le) || !strings.Contains(err.Error(), want) {
		t.Errorf("rows: %v\nwant %s", err, want)
	}
	if _, err := ReadCSV("t.csv", strings.NewReader(text), Spec{MaxBytes: 40*row + int64(labels)}); err != nil {
		t.Errorf("at the limit: %v", err)
	}
	// One-hot targets are charged before they are made.
	row, labels = csvRowBytes(1, 1), 4*(1+64)
	text = "a,c\n" + strings.Repeat("1,x\n2,y\n3,z\n4,w\n", 10)
	limit = 40*row + int64(labels) + 40*3*8
	_, err = ReadCSV("t.csv", strings.NewReader(text), Spec{MaxBytes: limit - 1})
	if err == nil || !strings.Contains(err.Error(), "t.csv: 40 rows with one-hot targets for 4 classes take more than the limit of") {
		t.Errorf("one-hot: %v", err)
	}
	if _, err = ReadCSV("t.csv", strings.NewReader(text), Spec{MaxBytes: limit}); err != nil {
		t.Errorf("one-hot at the limit: %v", err)
	}
	// Many distinct labels are charged by their length.
	text = "a,c\n1," + strings.Repeat("x", 3000) + "\n2,y\n"
	_, err = ReadCSV("t.csv", strings.NewReader(text), Spec{MaxBytes: 3100})
	if err == nil || !strings.Contains(err.Error(), "t.csv:2: the 1 rows and 1 distinct labels so far take more than the limit of") {
		t.Errorf("long label: %v", err)
	}
	// gzip is streamed and counted after gunzip.
	_, err = ReadCSV("t.csv.gz", bytes.NewReader(gz([]byte("a,b\n1,2\n3,4\n"+strings.Repeat("\n", 5000)))), Spec{MaxBytes: 3000})
	if err == nil || !strings.Contains(err.Error(), "t.csv.gz: the text (after gunzip, if gzipped) is more than the limit of 2.9 KiB (3000 bytes)") {
		t.Errorf("gzip: %v", err)
	}
	// A regular file over the limit is refused before it is read.
	p := filepath.Join(t.TempDir(), "big.csv")
	os.WriteFile(p, []byte("a,b\n"+strings.Repeat("1,2\n", 1000)), 0o644)
	_, err = Load(Spec{Name: p, MaxBytes: 1000})
	if err == nil || !strings.Contains(err.Error(), "big.csv: the file is 3.9 KiB (4004 bytes), over the limit of 1000 bytes") {
		t.Errorf("file: %v", err)
	}
	if _, err := Load(Spec{Name: p, MaxBytes: -1}); err == nil || !strings.Contains(err.Error(), "must be ≥ 0") {
		t.Errorf("negative limit: %v", err)
	}
}

func TestCSVDevZero(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	_, err := Load(Spec{Name: "/dev/zero"})
	if err == nil || err.Error() != "/dev/zero: not a CSV text file: binary data (a NUL byte at offset 0)" {
		t.Errorf("/dev/zero: %v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 bytes", 1023: "1023 bytes", 1024: "1 KiB", 1536: "1.5 KiB (1536 bytes)", 4000: "3.9 KiB (4000 bytes)",
		1 << 30: "1 GiB", 512 << 20: "512 MiB", 2038400000: "1.9 GiB (2038400000 bytes)", 1 << 62: "4 EiB",
	} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
