package datasets

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func readCSV(text string, spec Spec) (*Dataset, error) {
	if spec.Split == 0 {
		spec.Split = 1
	}
	return ReadCSV("t.csv", strings.NewReader(text), spec)
}

func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name, text string
		spec       Spec
		want       string
	}{
		{"empty", "", Spec{}, "t.csv: empty file: expected a header row"},
		{"blank lines only", "\n\n", Spec{}, "t.csv: empty file"},
		{"header only", "a,b,label\n", Spec{}, "t.csv: a header but no data rows"},
		{"header only CRLF", "a,b,label\r\n\r\n", Spec{}, "t.csv: a header but no data rows"},
		{"ragged short", "a,b,label\n1,2,x\n3,4\n", Spec{}, "t.csv:3:3: row has 2 fields, the header has 3"},
		{"ragged long", "a,b,label\n1,2,x,9\n", Spec{}, "t.csv:2:7: row has 4 fields, the header has 3"},
		{"non-numeric feature", "a,b,label\n1,2,x\n3,oops,y\n", Spec{}, `t.csv:3:3: column "b": expected a finite number, got "oops"`},
		{"empty feature", "a,b,label\n1,,x\n", Spec{}, `t.csv:2:3: column "b": expected a finite number, got ""`},
		{"NaN feature", "a,b,label\n1,NaN,x\n", Spec{}, `column "b": expected a finite number, got "NaN"`},
		{"Inf feature", "a,b,label\n1,-Inf,x\n", Spec{}, `expected a finite number, got "-Inf"`},
		{"missing target", "a,b,c\n1,2,3\n", Spec{Target: []string{"label"}}, `t.csv: no column "label"; columns are: a, b, c`},
		{"index out of range", "a,b,c\n1,2,3\n", Spec{Target: []string{"3"}}, "target column index 3 out of range: the file has 3 columns (0..2)"},
		{"target twice", "a,b,c\n1,2,3\n", Spec{Target: []string{"c", "2"}}, `target column "c" given twice`},
		{"all targets", "a,b\n1,2\n", Spec{Target: []string{"a", "b"}}, "no feature columns left"},
		{"one class", "a,label\n1,x\n2,x\n", Spec{}, `target column "label" has only one class, "x"`},
		{"empty class", "a,label\n1,x\n2,\n", Spec{}, `t.csv:3:3: target column "label": empty class label`},
		{"real non-numeric", "a,y\n1,2\n2,z\n", Spec{TargetKind: "real"}, `t.csv:3:3: target column "y": expected a finite number (real-valued targets), got "z"`},
		{"several non-numeric", "a,y1,y2\n1,2,3\n2,z,4\n", Spec{Target: []string{"y1", "y2"}}, `t.csv:3:3: target column "y1": expected a finite number (several target columns`},
		{"class several", "a,y1,y2\n1,2,3\n", Spec{Target: []string{"y1", "y2"}, TargetKind: "class"}, "class targets need exactly one target column, got 2"},
		{"bad kind", "a,y\n1,2\n", Spec{TargetKind: "label"}, `target kind must be "class", "real" or empty`},
		{"bare quote", "a,label\n1,x\"y\n", Spec{}, `t.csv:2:4: bare " in non-quoted-field`},
		{"ambiguous name", "a,a,y\n1,2,3\n", Spec{Target: []string{"a"}}, `target "a" names two columns (0 and 1)`},
		{"semicolons", "a;b;label\n1;2;x\n3;4;y\n", Spec{}, `t.csv:1: the header is one column, "a;b;label"; columns must be separated by commas, and this file seems to use ";"`},
		{"tabs", "a\tb\tlabel\n1\t2\tx\n", Spec{}, `this file seems to use "\t"`},
		{"binary", "a,b\n1,\x002\n", Spec{}, "t.csv: not a CSV text file: binary data (a NUL byte at offset 6)"},
		{"xlsx", "PK\x03\x04\x14\x00\x00\x00", Spec{}, "(a ZIP archive, such as an .xlsx spreadsheet: save it as CSV first)"},
		{"utf-16", "\xff\xfea\x00,\x00b\x00\n\x00", Spec{}, "(UTF-16 text: save it as UTF-8 CSV)"},
		{"bad gzip", "\x1f\x8bnot gzip", Spec{}, "t.csv: gzip:"},
		{"empty header name", "a,,label\n1,2,x\n", Spec{}, "t.csv:1:3: column 2 of 3 has no name in the header row; every column needs one"},
		{"blank header name", "a, \t ,label\n1,2,x\n", Spec{}, "t.csv:1:6: column 2 of 3 has no name"},
		{"empty last name", "a,b,\n1,2,x\n", Spec{}, "t.csv:1:5: column 3 of 3 has no name"},
		{"pandas index", ",a,label\n0,1,x\n", Spec{}, "t.csv:1:1: column 1 of 3 has no name in the header row; every column needs one (pandas writes its index as an unnamed first column: save with index=False)"},
		{"quoted empty name", "a,\"\",label\n1,2,x\n", Spec{}, "t.csv:1:3: column 2 of 3 has no name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := readCSV(tt.text, tt.spec)
			if err == nil {
				t.Fatalf("no error; got %+v", d)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant it to contain\n  %s", err, tt.want)
			}
		})
	}
}

func TestCSVTargets(t *testing.T) {
	tests := []struct {
		name, text string
		spec       Spec
		kind       Kind
		classes    []string
		targets    []string
		features   []string
		y          [][]float64
	}{
		{
			name: "text classes one-hot sorted", text: "x,label\n1,b\n2,c\n3,a\n",
			kind: Classification, classes: []string{"a", "b", "c"}, targets: []string{"a", "b", "c"},
			features: []string{"x"}, y: [][]float64{{0, 1, 0}, {0, 0, 1}, {1, 0, 0}},
		},
		{
			name: "two classes one output", text: "x,label\n1,yes\n2,no\n",
			kind: Classification, classes: []string{"no", "yes"}, targets: []string{"yes"},
			features: []string{"x"}, y: [][]float64{{1}, {0}},
		},
		{
			name: "small integers are classes, numeric order", text: "x,d\n1,10\n2,9\n3,2\n",
			kind: Classification, classes: []string{"2", "9", "10"}, targets: []string{"2", "9", "10"},
			features: []string{"x"}, y: [][]float64{{0, 0, 1}, {0, 1, 0}, {1, 0, 0}},
		},
		{
			name: "numeric labels compare as numbers", text: "x,d\n1,1\n2,1.0\n3,2\n4,+2\n",
			kind: Classification, classes: []string{"1", "2"}, targets: []string{"2"},
			features: []string{"x"}, y: [][]float64{{0}, {0}, {1}, {1}},
		},
		{
			name: "fractions are real", text: "x,y\n1,0.5\n2,1\n",
			kind: Regression, targets: []string{"y"}, features: []string{"x"}, y: [][]float64{{0.5}, {1}},
		},
		{
			name: "forced real", text: "x,y\n1,0\n2,1\n", spec: Spec{TargetKind: "real"},
			kind: Regression, targets: []string{"y"}, features: []string{"x"}, y: [][]float64{{0}, {1}},
		},
		{
			name: "forced class", text: "x,y\n1,0.5\n2,1.5\n", spec: Spec{TargetKind: "class"},
			kind: Classification, classes: []string{"0.5", "1.5"}, targets: []string{"1.5"},
			features: []string{"x"}, y: [][]float64{{0}, {1}},
		},
		{
			name: "several targets by name and index, middle column", text: "u,v,w,z\n1,2,3,4\n",
			spec: Spec{Target: []string{"W", "0"}}, kind: Regression,
			targets: []string{"w", "u"}, features: []string{"v", "z"}, y: [][]float64{{3, 1}},
		},
		{
			name: "BOM CRLF quotes blanks", text: "\uFEFF\"a\", b ,label\r\n 1, 2 ,\"x\"\r\n\r\n3,4,y\r\n",
			kind: Classification, classes: []string{"x", "y"}, targets: []string{"y"},
			features: []string{"a", "b"}, y: [][]float64{{0}, {1}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := readCSV(tt.text, tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if d.Kind != tt.kind || !reflect.DeepEqual(d.Classes, tt.classes) || !reflect.DeepEqual(d.Targets, tt.targets) || !reflect.DeepEqual(d.Features, tt.features) {
				t.Errorf("kind %v classes %q targets %q features %q", d.Kind, d.Classes, d.Targets, d.Features)
			}
			if !reflect.DeepEqual(d.Train.Y, tt.y) {
				t.Errorf("Y = %v, want %v", d.Train.Y, tt.y)
			}
		})
	}
}

func TestCSVFileAndSplit(t *testing.T) {
	var b strings.Builder
	b.WriteString("f1,f2,cls\n")
	for i := range 100 {
		b.WriteString(strings.Join([]string{strconv.Itoa(i), strconv.Itoa(i * 2), []string{"a", "b"}[i%2]}, ",") + "\n")
	}
	dir := t.TempDir()
	plain := filepath.Join(dir, "d.csv")
	if err := os.WriteFile(plain, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(b.String()))
	zw.Close()
	zipped := filepath.Join(dir, "d.csv.gz")
	if err := os.WriteFile(zipped, gz.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := Load(Spec{Name: plain, Seed: 3, Normalize: true})
	if err != nil {
		t.Fatal(err)
	}
	if a.Train.Len() != 75 || a.Test.Len() != 25 || a.Name != plain {
		t.Errorf("default split: %d/%d name %q", a.Train.Len(), a.Test.Len(), a.Name)
	}
	z, err := Load(Spec{Name: zipped, Seed: 3, Normalize: true})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a.Train, z.Train) || !reflect.DeepEqual(a.Test, z.Test) {
		t.Error("gzipped file loads differently")
	}
	_, err = Load(Spec{Name: filepath.Join(dir, "missing.csv")})
	if err == nil || !strings.Contains(err.Error(), "missing.csv") {
		t.Errorf("missing file: %v", err)
	}
}

func itoa(i int) string {
	return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+i/10)) + string(rune('0'+i%10)))
}

// hostile holds what a data file can put in front of a terminal: a window
// title (OSC 2), a screen clear, a clipboard write (OSC 52), a C1 CSI, a
// bidi override and a carriage return.
var hostile = []string{"\x1b]2;pwned\x07", "\x1b[2J", "\x1b]52;c;cm0gLXJmIH4=\x07", "\u009b31m", "\u202eevil", "over\rwrite", "\xff\x9b1m"}

// unsafeText returns the first terminal control in s, or "".
func unsafeText(s string) string {
	for i, r := range s {
		if (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f) ||
			(r >= 0x202a && r <= 0x202e) || (r >= 0x2066 && r <= 0x2069) || (r == 0xfffd && strings.HasPrefix(s[i:], "\xff")) {
			return fmt.Sprintf("%q at %d", r, i)
		}
	}
	if !utf8.ValidString(s) {
		return "invalid UTF-8"
	}
	return ""
}

// checkSafe fails if any name of d holds a terminal control.
func checkSafe(t *testing.T, d *Dataset) {
	t.Helper()
	for _, group := range [][]string{{d.Name, d.About}, d.Features, d.Targets, d.Classes} {
		for _, s := range group {
			if bad := unsafeText(s); bad != "" {
				t.Errorf("%q holds %s", s, bad)
			}
		}
	}
}

func TestCSVHostileNames(t *testing.T) {
	var b strings.Builder
	b.WriteString("x\x1b[2J,\"y\u202e\",label\x1b]2;t\x07\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,%d,%s\n", i, i%7, hostile[i%len(hostile)])
	}
	name := "evil\x1b]2;title\x07.csv"
	d, err := ReadCSV(name, strings.NewReader(b.String()), Spec{Split: 1})
	if err != nil {
		t.Fatal(err)
	}
	checkSafe(t, d)
	if len(d.Classes) != len(hostile) || d.Features[0] != `x\x1b[2J` || d.Features[1] != `y\u202e` || d.Name != `evil\x1b]2;title\x07.csv` {
		t.Errorf("names %q %q %q", d.Name, d.Features, d.Classes)
	}
	// A target given as shown (or as written) names the column.
	for _, target := range []string{`x\x1b[2J`, "x\x1b[2J"} {
		if d, err := ReadCSV(name, strings.NewReader("x\x1b[2J,y\n1,2\n3,4\n"), Spec{Split: 1, Target: []string{target}, TargetKind: "real"}); err != nil || d.Targets[0] != `x\x1b[2J` {
			t.Errorf("target %q: %v", target, err)
		}
	}
	// Errors name the file, columns and labels safely.
	for _, tt := range []struct {
		text string
		spec Spec
	}{
		{b.String(), Spec{Target: []string{"nope\x1b[2J"}}},
		{"a\x1b[2J,b\n1,\x1b]2;x\x07\n", Spec{}},
		{"a\x1b[2J,b\n1\x1b[2J,x\n2,y\n", Spec{}},
		{"a\x1b[2J,b\x1b[2J\n1,2\n", Spec{Target: []string{"a\x1b[2J", "1"}}},
		{"a,b\x1b[2J\n1,2\n1,z\x1b[2J\n", Spec{TargetKind: "real"}},
		{"a,b,\x1b[2J\n1,2\n", Spec{}},
		{"a;b\x1b[2J;c\n", Spec{}},
		{"a,b\n" + strings.Repeat("1,\x1b[2J\n", 10), Spec{MaxBytes: 100}},
		{"a,b\n1,x\n1,\x00\x1b[2J\n", Spec{}},
	} {
		_, err := ReadCSV(name, strings.NewReader(tt.text), tt.spec)
		if err == nil {
			t.Errorf("%q: no error", tt.text)
			continue
		}
		if bad := unsafeText(err.Error()); bad != "" {
			t.Errorf("%q: error %q holds %s", tt.text, err, bad)
		}
	}
	// A file name reaches no error raw either.
	dir := t.TempDir()
	for _, p := range []string{filepath.Join(dir, "no\x1b[2Jsuch.csv"), filepath.Join(dir, "d\x1b[2J")} {
		if strings.HasSuffix(p, "d\x1b[2J") {
			os.Mkdir(p, 0o755)
		}
		for _, spec := range []Spec{{Name: p}, {Name: "idx:" + p}, {Name: "mnist", DataDir: p}} {
			_, err := Load(spec)
			if err == nil {
				t.Errorf("%q: no error", spec.Name)
			} else if bad := unsafeText(err.Error()); bad != "" {
				t.Errorf("%q: error %q holds %s", spec.Name, err, bad)
			}
		}
	}
}

// FuzzCSV checks that the CSV reader never panics, that what it accepts is
// consistent and within the limit, and that no name, label or error it
// returns holds a terminal control.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{
		"a,b,label\n1,2,x\n3,4,y\n",
		"\uFEFFa,b\r\n1,2\r\n",
		"x,y\n1,0.5\n2,1\n",
		"a,b,c\n1,2\n",
		"",
		"a\n",
		"\"a\",\"b\"\n\"1\",\"2\"\n",
		"u,v,w\n1,2,3\n4,5,6\n",
		"a\x1b[2J,b\n1,\x1b]2;t\x07\n2,\u202e\n",
		"a,,b\n1,2,3\n",
		"a,b\n1,\"2\n\n\n",
	} {
		f.Add(s, "", "", uint16(0))
	}
	f.Add("u,v,w\n1,2,3\n4,5,6\n", "v", "real", uint16(0))
	f.Add("u,v,w\n1,2,3\n4,5,6\n", "0", "class", uint16(300))
	f.Add("a,b\n1,x\n2,y\n3,z\n", "", "", uint16(200))
	f.Fuzz(func(t *testing.T, text, target, kind string, limit uint16) {
		spec := Spec{Split: 0.5, Seed: 1, Normalize: true, TargetKind: kind, MaxBytes: int64(limit)}
		if target != "" {
			spec.Target = strings.Split(target, "|")
		}
		d, err := ReadCSV("f.csv", strings.NewReader(text), spec)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.csv") && !strings.HasPrefix(err.Error(), "datasets:") {
				t.Errorf("error without a location: %v", err)
			}
			if bad := unsafeText(err.Error()); bad != "" {
				t.Errorf("error %q holds %s", err, bad)
			}
			return
		}
		checkSafe(t, d)
		n := d.Train.Len() + d.Test.Len()
		if n == 0 {
			t.Fatal("accepted an empty set")
		}
		if limit > 0 && rowCost(n, len(d.Features), len(d.Targets)) > int64(limit) {
			t.Fatalf("%d rows of %d→%d over the limit %d", n, len(d.Features), len(d.Targets), limit)
		}
		for _, s := range []Set{d.Train, d.Test} {
			for i := range s.X {
				if len(s.X[i]) != len(d.Features) || len(s.Y[i]) != len(d.Targets) {
					t.Fatalf("row %d: %d→%d, want %d→%d", i, len(s.X[i]), len(s.Y[i]), len(d.Features), len(d.Targets))
				}
				if d.Kind == Classification {
					checkLabel(t, s.Y[i], len(d.Classes))
				}
			}
		}
	})
}

func ExampleReadCSV() {
	text := "\uFEFFheight,weight,species\r\n1.0,2.0,cat\r\n3.5,9.0,dog\r\n0.9,2.2,cat\r\n"
	d, err := ReadCSV("pets.csv", strings.NewReader(text), Spec{Split: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Features, d.Classes, d.Targets)
	for i := range d.Train.X {
		fmt.Println(d.Train.X[i], d.Train.Y[i])
	}
	_, err = ReadCSV("pets.csv", strings.NewReader("height,weight\n1,x\n"), Spec{})
	fmt.Println(err)
	// Output:
	// [height weight] [cat dog] [dog]
	// [1 2] [0]
	// [3.5 9] [1]
	// [0.9 2.2] [0]
	// pets.csv: target column "weight" has only one class, "x"; classification needs at least two
}
