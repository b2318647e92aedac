package datasets

import (
	"bytes"
	"compress/gzip"
	"embed"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// data holds the embedded real data sets (read-only).
//
//go:embed data/iris.csv data/wine_data.csv data/breast_cancer.csv data/digits.csv.gz
var data embed.FS

const (
	irisAbout         = "Fisher's iris: 150 flowers, 4 measurements (cm), 3 species (UCI, via scikit-learn, BSD-3)"
	wineAbout         = "wine: 178 Italian wines, 13 chemical measurements, 3 cultivars (UCI, via scikit-learn, BSD-3)"
	breastCancerAbout = "Wisconsin breast cancer: 569 tumours, 30 cell-nucleus features, malignant/benign (UCI, via scikit-learn, BSD-3)"
	digitsAbout       = "handwritten digits: 1797 8×8 images, pixels 0..16 scaled to [0,1], 10 classes (UCI, via scikit-learn, BSD-3)"
)

func iris() (*raw, error) {
	return sklearnCSV("data/iris.csv", []string{
		"sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)",
	})
}

func wine() (*raw, error) {
	return sklearnCSV("data/wine_data.csv", []string{
		"alcohol", "malic acid", "ash", "alcalinity of ash", "magnesium", "total phenols",
		"flavanoids", "nonflavanoid phenols", "proanthocyanins", "color intensity", "hue",
		"OD280/OD315 of diluted wines", "proline",
	})
}

func breastCancer() (*raw, error) {
	var f []string
	for _, group := range []string{"mean %s", "%s error", "worst %s"} {
		for _, m := range []string{"radius", "texture", "perimeter", "area", "smoothness",
			"compactness", "concavity", "concave points", "symmetry", "fractal dimension"} {
			f = append(f, fmt.Sprintf(group, m))
		}
	}
	return sklearnCSV("data/breast_cancer.csv", f)
}

// sklearnCSV parses scikit-learn's bundled format: a first line
// "rows,features,class0,class1,...", then rows of features and a class index.
// These sets are normalised unless Spec.Raw.
func sklearnCSV(path string, features []string) (*raw, error) {
	b, err := data.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: embedded %s: %w", path, err)
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, csvErr(path, err)
	}
	if len(head) < 4 {
		return nil, fmt.Errorf("%s:1: expected rows,features,class names...", path)
	}
	rows, err1 := strconv.Atoi(head[0])
	nf, err2 := strconv.Atoi(head[1])
	if err1 != nil || err2 != nil || nf != len(features) {
		return nil, fmt.Errorf("%s:1: bad header %q", path, strings.Join(head, ","))
	}
	classes := head[2:]
	r := &raw{
		features: features,
		classes:  classes,
		kind:     Classification,
		split:    SplitReal,
		norm:     true,
	}
	r.targets = classTargets(classes)
	if err := numericRows(path, cr, nf, len(classes), 1, r); err != nil {
		return nil, err
	}
	if len(r.x) != rows {
		return nil, fmt.Errorf("%s: header says %d rows, found %d", path, rows, len(r.x))
	}
	return r, nil
}

// numericRows reads rows of nf numbers and a class index < nc, scaling the
// features by 1/scale.
func numericRows(path string, cr *csv.Reader, nf, nc int, scale float64, r *raw) error {
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return csvErr(path, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != nf+1 {
			return fmt.Errorf("%s:%d: expected %d fields, got %d", path, line, nf+1, len(rec))
		}
		x := make([]float64, nf)
		for j := range nf {
			v, ok := number(rec[j])
			if !ok {
				return fmt.Errorf("%s:%d: field %d: expected a number, got %q", path, line, j+1, rec[j])
			}
			x[j] = v / scale
		}
		k, err := strconv.Atoi(strings.TrimSpace(rec[nf]))
		if err != nil || k < 0 || k >= nc {
			return fmt.Errorf("%s:%d: expected a class index 0..%d, got %q", path, line, nc-1, rec[nf])
		}
		r.x = append(r.x, x)
		r.y = append(r.y, encodeClass(k, nc))
	}
}

// digits is the UCI optical digits test set (1797 images of 8×8 pixels,
// values 0..16, scaled to [0, 1]); no header, 64 pixels then the label.
func digits() (*raw, error) {
	const path = "data/digits.csv.gz"
	b, err := data.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("datasets: embedded %s: %w", path, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("datasets: embedded %s: %w", path, err)
	}
	r := &raw{
		kind:   Classification,
		split:  SplitReal,
		imageW: 8,
		imageH: 8,
		lo:     make([]float64, 64),
		hi:     make([]float64, 64),
	}
	for i := range 64 {
		r.features = append(r.features, fmt.Sprintf("pixel %d,%d", i/8, i%8))
		r.hi[i] = 1
	}
	for d := range 10 {
		r.classes = append(r.classes, strconv.Itoa(d))
	}
	r.targets = r.classes
	cr := csv.NewReader(zr)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	if err := numericRows(path, cr, 64, 10, 16, r); err != nil {
		return nil, err
	}
	return r, nil
}
