package datasets

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func TestSequenceSets(t *testing.T) {
	for _, name := range []string{"echo", "parity", "sine-next", "text"} {
		d, err := Load(Spec{Name: name, Seed: 1})
		if err != nil {
			t.Fatal(name, err)
		}
		if d.Train.Seq < 1 || d.Train.Len() < 2 || d.Test.Len() < 1 || d.Test.Seq != d.Train.Seq {
			t.Fatalf("%s: seq %d, %d train, %d test", name, d.Train.Seq, d.Train.Len(), d.Test.Len())
		}
		again, _ := Load(Spec{Name: name, Seed: 1})
		if !equalRows(d.Train.X, again.Train.X) {
			t.Errorf("%s: not reproducible from the seed", name)
		}
	}
	d, _ := Load(Spec{Name: "echo", Seed: 3, Delay: 3, Steps: 10, Samples: 6})
	for i, x := range d.Train.X {
		y := d.Train.Y[i]
		for tt := range 10 {
			if tt < 3 && !math.IsNaN(y[tt]) || tt >= 3 && y[tt] != x[tt-3] {
				t.Fatalf("echo delay 3: x %v y %v", x, y)
			}
		}
	}
	p, _ := Load(Spec{Name: "parity", Seed: 3, Steps: 5, Samples: 4})
	for i, x := range p.Train.X {
		par := 0.0
		for tt, v := range x {
			par = math.Mod(par+v, 2)
			if p.Train.Y[i][tt] != par {
				t.Fatalf("parity: x %v y %v", x, p.Train.Y[i])
			}
		}
	}
	if _, err := Load(Spec{Name: "echo", Delay: 20}); err == nil {
		t.Error("echo with the delay as long as the sequence loaded")
	}
}

func equalRows(a, b [][]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestTextSet(t *testing.T) {
	d, err := ReadText("abcabcabcabcabc\nabc", Spec{Steps: 4, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if string(d.Vocab) != "\nabc" || d.Train.Seq != 4 || d.Classes[0] != "⏎" {
		t.Fatalf("vocab %q seq %d classes %v", string(d.Vocab), d.Train.Seq, d.Classes)
	}
	// A "network" that always predicts the character after the one fed.
	next := func(x []float64) []float64 {
		out := make([]float64, 4)
		for k, v := range x {
			if v == 1 {
				out[[]int{1, 2, 3, 1}[k]] = 1
			}
		}
		return out
	}
	if got := SampleText(d, next, "ab", 5, 0, nil); got != "cabca" {
		t.Errorf("sampled %q", got)
	}
	if got := SampleText(d, next, "a", 3, 0.5, rand.New(rand.NewPCG(1, 2))); got != "bca" {
		t.Errorf("sampled at temperature 0.5: %q", got)
	}
	for _, bad := range []string{"", "a", "\xff\xfe"} {
		if _, err := ReadText(bad, Spec{Steps: 4}); err == nil {
			t.Errorf("text %q loaded", bad)
		}
	}
}

func TestReadSeqCSV(t *testing.T) {
	d, err := ReadSeqCSV(strings.NewReader("# echo, delay 1\n0 1 1 0 | - 0 1 1\n1 0 0 1 | - 1 0 0\n\n1 1 0 0 | - 1 1 0\n"), "e.txt", Spec{Split: 1})
	if err != nil {
		t.Fatal(err)
	}
	if d.Train.Seq != 1 || d.Train.Len() != 3 || d.Kind != Classification || !math.IsNaN(d.Train.Y[0][0]) || d.Train.Y[0][2] != 1 {
		t.Fatalf("%+v", d.Train)
	}
	n, err := ReadSeqCSV(strings.NewReader("1,2 3,4 5,6\n0,0 1,1 2,2\n"), "n.txt", Spec{Split: 1})
	if err != nil {
		t.Fatal(err)
	}
	if n.Train.Seq != 2 || n.Train.Y[0][0] != 3 || !math.IsNaN(n.Train.Y[0][5]) || n.Kind != Regression {
		t.Fatalf("next-step: %+v", n.Train)
	}
	for _, c := range []struct{ text, want string }{
		{"0 1 | 1\n1 1 | 1 0\n", "b.txt:1:6: 1 target steps for 2 input steps"},
		{"0 1\n1,2 1\n", "b.txt:2:1: step 1 has 2 values, want 1"},
		{"0 x\n1 1\n", `b.txt:1:3: "x" is not a finite number`},
		{"0 1 | - 1\n1 1 | 1 NaN\n", `b.txt:2:9: "NaN" is not a finite number`},
		{"0 1\n", "1 sequences; need at least 2"},
	} {
		_, err := ReadSeqCSV(strings.NewReader(c.text), "b.txt", Spec{Split: 1})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.text, err, c.want)
		}
	}
}

func FuzzReadSeqCSV(f *testing.F) {
	f.Add("0 1 1 0 | - 0 1 1\n1 0 0 1 | - 1 0 0\n")
	f.Add("1,2 3,4\n5,6 7,8\n")
	f.Add("# c\n\n0 | -\n1 | 1\n")
	f.Fuzz(func(t *testing.T, text string) {
		d, err := ReadSeqCSV(strings.NewReader(text), "f", Spec{Split: 1, MaxBytes: 1 << 20})
		if err != nil {
			return
		}
		for i, x := range d.Train.X {
			if len(x)%d.Train.Seq != 0 || len(d.Train.Y[i])*d.Train.Seq != len(x)*len(d.Targets) {
				t.Fatalf("row %d: %d inputs, %d targets, seq %d", i, len(x), len(d.Train.Y[i]), d.Train.Seq)
			}
		}
	})
}

func FuzzReadText(f *testing.F) {
	f.Add("hello world, hello", 3)
	f.Add("a\r\nb\r\nc", 1)
	f.Fuzz(func(t *testing.T, text string, steps int) {
		d, err := ReadText(text, Spec{Steps: steps % 100, MaxBytes: 1 << 20})
		if err != nil {
			return
		}
		V := len(d.Vocab)
		for i, x := range d.Train.X {
			if d.Train.Seq != V || len(x) != len(d.Train.Y[i]) || len(x)%V != 0 {
				t.Fatalf("row %d: %d values, vocabulary %d", i, len(x), V)
			}
		}
	})
}
