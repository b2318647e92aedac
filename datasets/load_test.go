package datasets

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestBuiltinsShape(t *testing.T) {
	tests := []struct {
		name        string
		train, test int
		classes     int // 0 for regression
		imageW      int
	}{
		{"vacation", 8, 0, 2, 0},
		{"and", 4, 0, 2, 0},
		{"or", 4, 0, 2, 0},
		{"nand", 4, 0, 2, 0},
		{"xor", 4, 0, 2, 0},
		{"circle", 100, 100, 2, 0},
		{"xor-quadrants", 100, 100, 2, 0},
		{"gaussians", 100, 100, 2, 0},
		{"spiral", 100, 100, 2, 0},
		{"moons", 100, 100, 2, 0},
		{"sine", 100, 100, 0, 0},
		{"plane", 100, 100, 0, 0},
		{"iris", 113, 37, 3, 0},           // round(0.75·150) = 113 (112.5 rounds away from 0)
		{"wine", 134, 44, 3, 0},           // round(133.5)
		{"breast-cancer", 427, 142, 2, 0}, // round(426.75)
		{"digits", 1348, 449, 10, 8},      // round(1347.75)
	}
	infos := map[string]Info{}
	for _, in := range Names() {
		infos[in.Name] = in
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load(Spec{Name: tt.name, Seed: 1})
			if err != nil {
				t.Fatal(err)
			}
			if d.Train.Len() != tt.train || d.Test.Len() != tt.test {
				t.Errorf("train/test = %d/%d, want %d/%d", d.Train.Len(), d.Test.Len(), tt.train, tt.test)
			}
			if len(d.Classes) != tt.classes {
				t.Errorf("classes = %v, want %d", d.Classes, tt.classes)
			}
			if (tt.classes == 0) != (d.Kind == Regression) {
				t.Errorf("kind = %v with %d classes", d.Kind, tt.classes)
			}
			if d.ImageW != tt.imageW || d.ImageH != tt.imageW {
				t.Errorf("image %d×%d, want %d×%d", d.ImageW, d.ImageH, tt.imageW, tt.imageW)
			}
			info := infos[tt.name]
			if info.About == "" || d.About != info.About {
				t.Errorf("About %q, Info.About %q", d.About, info.About)
			}
			if len(d.Features) != info.Inputs || len(d.Targets) != info.Outputs {
				t.Errorf("features %d targets %d, Info says %d→%d", len(d.Features), len(d.Targets), info.Inputs, info.Outputs)
			}
			if len(d.Lo) != info.Inputs || len(d.Hi) != info.Inputs {
				t.Errorf("bounds %d/%d, want %d", len(d.Lo), len(d.Hi), info.Inputs)
			}
			for _, s := range []Set{d.Train, d.Test} {
				for i := range s.X {
					if len(s.X[i]) != info.Inputs || len(s.Y[i]) != info.Outputs {
						t.Fatalf("row %d: %d→%d", i, len(s.X[i]), len(s.Y[i]))
					}
					for j, v := range s.X[i] {
						if math.IsNaN(v) || v < d.Lo[j] || v > d.Hi[j] {
							t.Fatalf("row %d feature %d = %g outside [%g, %g]", i, j, v, d.Lo[j], d.Hi[j])
						}
					}
					if d.Kind == Classification {
						checkLabel(t, s.Y[i], len(d.Classes))
					}
				}
			}
		})
	}
}

// checkLabel fails unless y is a 0/1 value (two classes) or one-hot.
func checkLabel(t *testing.T, y []float64, classes int) {
	t.Helper()
	if classes == 2 {
		if len(y) != 1 || (y[0] != 0 && y[0] != 1) {
			t.Fatalf("binary label %v", y)
		}
		return
	}
	sum := 0.0
	for _, v := range y {
		if v != 0 && v != 1 {
			t.Fatalf("one-hot label %v", y)
		}
		sum += v
	}
	if sum != 1 || len(y) != classes {
		t.Fatalf("one-hot label %v", y)
	}
}

func TestNamesCoverLoad(t *testing.T) {
	for _, in := range Names() {
		if in.Name == "mnist" || in.Name == "fashion-mnist" {
			continue
		}
		if _, err := Load(Spec{Name: in.Name}); err != nil {
			t.Errorf("%s: %v", in.Name, err)
		}
	}
}

func TestVacationRule(t *testing.T) {
	d, err := Load(Spec{Name: "vacation"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(d.Features, []string{"tickets cheap", "got leave", "weather nice"}) {
		t.Errorf("features %v", d.Features)
	}
	for i, x := range d.Train.X {
		want := 0.0
		if x[1] == 1 && x[2] == 1 {
			want = 1
		}
		if d.Train.Y[i][0] != want {
			t.Errorf("row %v → %v, want %v", x, d.Train.Y[i], want)
		}
	}
}

func TestGates(t *testing.T) {
	want := map[string][4]float64{
		"and":  {0, 0, 0, 1},
		"or":   {0, 1, 1, 1},
		"nand": {1, 1, 1, 0},
		"xor":  {0, 1, 1, 0},
	}
	for name, w := range want {
		d, err := Load(Spec{Name: name})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 4 {
			a, b := float64(i>>1), float64(i&1)
			if d.Train.X[i][0] != a || d.Train.X[i][1] != b || d.Train.Y[i][0] != w[i] {
				t.Errorf("%s row %d: %v → %v, want %v,%v → %v", name, i, d.Train.X[i], d.Train.Y[i], a, b, w[i])
			}
		}
	}
}

func TestDeterministic(t *testing.T) {
	for _, name := range []string{"circle", "spiral", "moons", "gaussians", "xor-quadrants", "sine", "plane", "digits", "iris"} {
		spec := Spec{Name: name, Seed: 7, Noise: 0.2}
		a, err := Load(spec)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := Load(spec)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: two loads with the same seed differ", name)
		}
		spec.Seed = 8
		c, _ := Load(spec)
		if reflect.DeepEqual(a.Train, c.Train) {
			t.Errorf("%s: seeds 7 and 8 give the same training set", name)
		}
	}
}

func TestSplit(t *testing.T) {
	for _, split := range []float64{1, 0.5, 0.8, 0.01, 0.999} {
		d, err := Load(Spec{Name: "circle", Split: split, Samples: 101})
		if err != nil {
			t.Fatal(err)
		}
		wantTrain := max(1, min(int(math.Round(split*101)), 100))
		if split == 1 {
			wantTrain = 101
		}
		if d.Train.Len() != wantTrain || d.Train.Len()+d.Test.Len() != 101 {
			t.Errorf("split %g: %d/%d", split, d.Train.Len(), d.Test.Len())
		}
	}
	for _, bad := range []float64{-0.1, 1.5, math.NaN()} {
		if _, err := Load(Spec{Name: "circle", Split: bad}); err == nil || !strings.Contains(err.Error(), "split") {
			t.Errorf("split %g: err %v", bad, err)
		}
	}
}

func TestNormalize(t *testing.T) {
	d, err := Load(Spec{Name: "iris", Split: 1})
	if err != nil {
		t.Fatal(err)
	}
	for j := range 4 {
		var sum, sq float64
		for _, x := range d.Train.X {
			sum += x[j]
			sq += x[j] * x[j]
		}
		n := float64(d.Train.Len())
		if mean, vr := sum/n, sq/n-(sum/n)*(sum/n); math.Abs(mean) > 1e-9 || math.Abs(vr-1) > 1e-9 {
			t.Errorf("feature %d: mean %g var %g", j, mean, vr)
		}
	}
	r, err := Load(Spec{Name: "iris", Split: 1, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Train.X[0][0] != 5.1 {
		t.Errorf("raw iris row 0 = %v, want 5.1 first", r.Train.X[0])
	}
	// Normalize moves the fixed plot bounds with the data.
	c, err := Load(Spec{Name: "circle", Normalize: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range append(c.Train.X, c.Test.X...) {
		for j, v := range x {
			if v < c.Lo[j] || v > c.Hi[j] {
				t.Fatalf("normalised %v outside bounds %v %v", x, c.Lo, c.Hi)
			}
		}
	}
}

func TestUnknown(t *testing.T) {
	_, err := Load(Spec{Name: "no-such-set"})
	if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "digits") {
		t.Errorf("err = %v", err)
	}
	_, err = Load(Spec{Name: t.TempDir()})
	if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "directory") {
		t.Errorf("err = %v", err)
	}
	for _, name := range []string{"idx:", "idx: "} {
		_, err = Load(Spec{Name: name})
		if !errors.Is(err, ErrUnknown) || !strings.Contains(err.Error(), "give the directory holding the idx files, e.g. idx:./mnist") {
			t.Errorf("%q: err = %v", name, err)
		}
	}
}

func TestGeneratorLabels(t *testing.T) {
	// Without noise every label follows its geometric rule.
	rules := map[string]func(x []float64) float64{
		"circle":        func(x []float64) float64 { return b2f(math.Hypot(x[0], x[1]) < 2.5) },
		"xor-quadrants": func(x []float64) float64 { return b2f(x[0]*x[1] >= 0) },
		"gaussians":     nil,
		"moons":         nil,
	}
	for name, rule := range rules {
		d, err := Load(Spec{Name: name, Split: 1, Samples: 400})
		if err != nil {
			t.Fatal(err)
		}
		ones := 0
		for i, x := range d.Train.X {
			ones += int(d.Train.Y[i][0])
			if rule != nil && rule(x) != d.Train.Y[i][0] {
				t.Errorf("%s: %v labelled %v", name, x, d.Train.Y[i])
			}
		}
		if name != "xor-quadrants" && ones != 200 {
			t.Errorf("%s: %d of 400 in class 1, want 200", name, ones)
		}
	}
}

func ExampleLoad() {
	d, err := Load(Spec{Name: "xor"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for i, x := range d.Train.X {
		fmt.Println(x, "→", d.Train.Y[i])
	}
	fmt.Println(d.Test.Len(), "test rows")
	// Output:
	// [0 0] → [0]
	// [0 1] → [1]
	// [1 0] → [1]
	// [1 1] → [0]
	// 0 test rows
}

func ExampleNames() {
	for _, in := range Names()[:3] {
		fmt.Printf("%s %d→%d\n", in.Name, in.Inputs, in.Outputs)
	}
	// Output:
	// vacation 3→1
	// and 2→1
	// or 2→1
}

func TestSpecJSON(t *testing.T) {
	spec := Spec{Name: "circle", Noise: 0.1, Samples: 50, Split: 0.8, Seed: 3, Normalize: true, Target: []string{"y"}}
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"name":"circle","target":["y"],"noise":0.1,"samples":50,"split":0.8,"seed":3,"normalize":true}`; string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var back Spec
	if err := json.Unmarshal(b, &back); err != nil || !reflect.DeepEqual(back, spec) {
		t.Errorf("round trip: %+v, %v", back, err)
	}
	// Files written before the tags (Go field names) still load.
	var old Spec
	if err := json.Unmarshal([]byte(`{"Name":"digits","Target":null,"Noise":0,"Samples":0,"Split":0,"Seed":1,"Normalize":false}`), &old); err != nil || old.Name != "digits" || old.Seed != 1 {
		t.Errorf("old form: %+v, %v", old, err)
	}
}

// TestInputRange: a data set's bounds when it gives them, else the
// samples' extremes (a single value widened to ±1), and false with none.
func TestInputRange(t *testing.T) {
	row := func(v ...float64) [][]float64 {
		var x [][]float64
		for _, f := range v {
			x = append(x, []float64{f})
		}
		return x
	}
	for _, c := range []struct {
		name   string
		d      Dataset
		lo, hi float64
		ok     bool
	}{
		{"bounds", Dataset{Lo: []float64{-3}, Hi: []float64{3}, Train: Set{X: row(0)}}, -3, 3, true},
		{"samples", Dataset{Train: Set{X: row(2, -1)}, Test: Set{X: row(5)}}, -1, 5, true},
		{"empty bound", Dataset{Lo: []float64{1}, Hi: []float64{1}, Train: Set{X: row(0, 4)}}, 0, 4, true},
		{"NaN bound and sample", Dataset{Lo: []float64{math.NaN()}, Hi: []float64{1}, Train: Set{X: row(math.NaN(), 2)}}, 1, 3, true},
		{"one value", Dataset{Train: Set{X: row(7, 7)}}, 3.5, 10.5, true},
		{"one small value", Dataset{Train: Set{X: row(0.5)}}, -0.5, 1.5, true},
		{"none", Dataset{}, 0, 0, false},
	} {
		lo, hi, ok := c.d.InputRange(0)
		if lo != c.lo || hi != c.hi || ok != c.ok {
			t.Errorf("%s: %g…%g %v, want %g…%g %v", c.name, lo, hi, ok, c.lo, c.hi, c.ok)
		}
	}
}
