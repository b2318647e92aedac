package setup

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"backprop/datasets"
	"backprop/network"
)

func TestParseLayers(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"", []int{64, 30, 10}},
		{"16", []int{64, 16, 10}},
		{"64,30,10", []int{64, 30, 10}},
		{"64,10", []int{64, 10}},
		{"_,_", []int{64, 10}},
		{"_,30,20,_", []int{64, 30, 20, 10}},
		{" 64 , 30 , 10 ", []int{64, 30, 10}},
	}
	for _, tt := range tests {
		got, err := parseLayers(tt.in, 64, 10)
		if err != nil || !equalInts(got, tt.want) {
			t.Errorf("parseLayers(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"64,30", "30,10", "a", "-3", "64,,10", "_", "_,30", "99999999"} {
		if _, err := parseLayers(bad, 64, 10); err == nil {
			t.Errorf("parseLayers(%q): no error", bad)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestNetSpecActs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--data", "xor", "--layers", "2,4,1"}, "sigmoid,sigmoid"},
		{[]string{"--data", "sine", "--layers", "_,8,8,_"}, "sigmoid,sigmoid,linear"},
		{[]string{"--data", "xor", "--layers", "2,4,1", "--act", "tanh"}, "tanh,tanh"},
		{[]string{"--data", "xor", "--layers", "2,4,1", "--act", "relu,sigmoid"}, "relu,sigmoid"},
		{[]string{"--data", "iris", "--layers", "_,8,4,_", "--act", "relu,tanh", "--out-act", "softmax"}, "relu,tanh,softmax"},
		{[]string{"--data", "iris", "--act", "relu", "--out-act", "softmax"}, "relu,softmax"},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		sf := AddFlags(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		s, _, err := sf.Resolve()
		if err != nil {
			t.Errorf("%v: %v", tt.args, err)
			continue
		}
		var names []string
		for _, a := range s.Net.Acts {
			names = append(names, a.String())
		}
		if got := strings.Join(names, ","); got != tt.want {
			t.Errorf("%v: acts %s, want %s", tt.args, got, tt.want)
		}
	}
}

func FuzzParseLayers(f *testing.F) {
	for _, s := range []string{"", "30", "64,30,10", "_,30,20,_", "_,_", "a,b", "_", "-1", "64,,10"} {
		f.Add(s, 64, 10)
	}
	f.Fuzz(func(t *testing.T, s string, in, out int) {
		if in < 1 || out < 1 || in > 1000 || out > 1000 {
			return
		}
		sizes, err := parseLayers(s, in, out)
		if err != nil {
			var fe *FlagError
			if !errors.As(err, &fe) || fe.Flag != "layers" {
				t.Fatalf("error %v is not a --layers FlagError", err)
			}
			return
		}
		if len(sizes) < 2 || sizes[0] != in || sizes[len(sizes)-1] != out {
			t.Fatalf("parseLayers(%q, %d, %d) = %v", s, in, out, sizes)
		}
		for _, n := range sizes {
			if n < 1 || n > network.MaxNeurons {
				t.Fatalf("size %d in %v", n, sizes)
			}
		}
	})
}

func TestDataSpecFromModel(t *testing.T) {
	t.Setenv("BACKPROP_DATA", "")
	base := datasets.Spec{Name: "circle", Noise: 0.2, Samples: 50, Seed: 7, DataDir: "/stored"}
	tests := []struct {
		args []string
		want datasets.Spec
	}{
		{nil, base},
		{[]string{"--noise", "0.3"}, datasets.Spec{Name: "circle", Noise: 0.3, Samples: 50, Seed: 7, DataDir: "/stored"}},
		{[]string{"--data", "circle", "--seed", "2"}, datasets.Spec{Name: "circle", Noise: 0.2, Samples: 50, Seed: 2, DataDir: "/stored"}},
		{[]string{"--data", "moons"}, datasets.Spec{Name: "moons", Seed: 1}},
		{[]string{"--data-dir", "/d"}, datasets.Spec{Name: "circle", Noise: 0.2, Samples: 50, Seed: 7, DataDir: "/d"}},
		{[]string{"--normalize=false"}, datasets.Spec{Name: "circle", Noise: 0.2, Samples: 50, Seed: 7, DataDir: "/stored", Raw: true}},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		sf := AddDataFlags(fs)
		if err := fs.Parse(tt.args); err != nil {
			t.Fatal(err)
		}
		got, err := sf.DataSpec(&base)
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%v: %+v, %v; want %+v", tt.args, got, err, tt.want)
		}
	}
}

func ExampleFlags() {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	sf := AddFlags(fs)
	fs.Parse([]string{"--data", "iris", "--layers", "_,8,_", "--act", "relu", "--out-act", "softmax", "--cost", "cross-entropy", "--lr", "0.1"})
	s, _, err := sf.Resolve()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Data.Name, s.Net.Sizes, s.Net.Acts, s.Net.Cost, s.Hyper.Eta, s.Hyper.Batch)

	fs = flag.NewFlagSet("train", flag.ContinueOnError)
	sf = AddFlags(fs)
	fs.Parse([]string{"--data", "iris", "--batch", "0"})
	_, _, err = sf.Resolve()
	fmt.Println(err, ExitCode(err))
	// Output:
	// iris [4 8 3] [relu softmax] cross-entropy 0.1 10
	// --batch: must be in [1, 1048576], got 0 2
}

// TestRegressionLR: regression data gets η = regressionLR unless --lr says
// otherwise.
func TestRegressionLR(t *testing.T) {
	sf := AddFlags(flag.NewFlagSet("t", flag.ContinueOnError))
	sf.fs.Parse([]string{"--data", "sine"})
	if s, _, err := sf.Resolve(); err != nil || s.Hyper.Eta != regressionLR {
		t.Errorf("sine without --lr: η = %v, err %v; want %g", s.Hyper.Eta, err, regressionLR)
	}
	sf = AddFlags(flag.NewFlagSet("t", flag.ContinueOnError))
	sf.fs.Parse([]string{"--data", "sine", "--lr", "0.5"})
	if s, _, err := sf.Resolve(); err != nil || s.Hyper.Eta != 0.5 {
		t.Errorf("sine --lr 0.5: η = %v, err %v", s.Hyper.Eta, err)
	}
	sf = AddFlags(flag.NewFlagSet("t", flag.ContinueOnError))
	sf.fs.Parse([]string{"--data", "sine-next", "--recurrent"})
	if s, _, err := sf.Resolve(); err != nil || s.Hyper.Eta != sequenceRegressionLR {
		t.Errorf("sine-next without --lr: η = %v, err %v; want %g", s.Hyper.Eta, err, sequenceRegressionLR)
	}
	sf = AddFlags(flag.NewFlagSet("t", flag.ContinueOnError))
	sf.fs.Parse([]string{"--data", "circle"})
	if s, _, err := sf.Resolve(); err != nil || s.Hyper.Eta != network.DefaultHyper().Eta {
		t.Errorf("circle without --lr: η = %v, err %v", s.Hyper.Eta, err)
	}
}

// TestSmallSetBatch: a training set of fewer samples than the default m
// trains one sample at a time, with SGD on classes at η = 2, unless --batch
// or --lr say otherwise; larger sets keep the defaults (TestRaceMNISTInit in cli covers a compact idx set,
// whose float rows are empty).
func TestSmallSetBatch(t *testing.T) {
	def := network.DefaultHyper()
	small := filepath.Join(t.TempDir(), "small.txt")
	if err := os.WriteFile(small, []byte(strings.Repeat("the cat sat on the mat. ", 6)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		m    int
		eta  float64
	}{
		{[]string{"--data", "xor"}, smallSetBatch, smallSetLR},
		{[]string{"--data", "vacation"}, smallSetBatch, smallSetLR},
		{[]string{"--data", "xor", "--lr", "0.3"}, smallSetBatch, 0.3},
		{[]string{"--data", "xor", "--opt", "adam"}, smallSetBatch, def.Eta},
		{[]string{"--data", "vacation", "--rule", "perceptron", "--layers", "_,_", "--act", "step"}, smallSetBatch, def.Eta},
		{[]string{"--data", "xor", "--batch", "10"}, 10, def.Eta},
		{[]string{"--data", "xor", "--batch", "4"}, 4, def.Eta},
		{[]string{"--data", "circle"}, def.Batch, def.Eta},
		{[]string{"--data", "digits"}, def.Batch, def.Eta},
		{[]string{"--data", "text:" + small, "--recurrent"}, def.Batch, def.Eta}, // a few sequences keep the defaults
	} {
		sf := AddFlags(flag.NewFlagSet("t", flag.ContinueOnError))
		if err := sf.fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		if s, _, err := sf.Resolve(); err != nil || s.Hyper.Batch != c.m || s.Hyper.Eta != c.eta {
			t.Errorf("%v: m = %d, η = %g, err %v; want m = %d, η = %g", c.args, s.Hyper.Batch, s.Hyper.Eta, err, c.m, c.eta)
		}
	}
}

func TestCheckNoise(t *testing.T) {
	for _, tc := range []struct {
		data string
		v    float64
		want string // "" for no error
	}{
		{"circle", 0, ""},
		{"spiral", 0.5, ""},
		{"sine", 0.25, ""},
		{"circle", 0.51, "noise must be in 0..0.5, got 0.51"},
		{"circle", -0.1, "noise must be in 0..0.5, got -0.1"},
		{"moons", math.NaN(), "noise must be in 0..0.5, got NaN"},
		{"iris", 0.1, `"iris" is not generated data: it has no noise`},
		{"data.csv", 0, `"data.csv" is not generated data: it has no noise`},
		{"idx:mnist", 0, `"idx:mnist" is not generated data: it has no noise`},
	} {
		err := CheckNoise(tc.data, tc.v)
		if got := fmt.Sprint(err); (tc.want == "" && err != nil) || (tc.want != "" && got != tc.want) {
			t.Errorf("CheckNoise(%q, %g) = %v, want %q", tc.data, tc.v, err, tc.want)
		}
	}
	if NoiseRange() != "0..0.5" {
		t.Errorf("NoiseRange() = %q", NoiseRange())
	}
}
