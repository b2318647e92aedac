package setup

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"backprop/datasets"
	"backprop/network"
)

// TestDataLimit: a session's data limit (serve's, the trainer's) and
// --max-data-mb both reach the loader; the lower wins, and the error names
// the flag.
func TestDataLimit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d.csv")
	os.WriteFile(p, []byte("a,b\n"+strings.Repeat("1,0\n2,1\n", 500)), 0o644) // 4004 bytes
	s := Setup{Data: datasets.Spec{Name: p, Seed: 1}}
	s.Net.Sizes = []int{1, 2, 1}
	s.Hyper = network.DefaultHyper()
	if _, err := New("", s, Limits{MaxDataBytes: 3000}); !errors.Is(err, datasets.ErrTooLarge) ||
		!strings.Contains(err.Error(), "d.csv: the file is 3.9 KiB (4004 bytes), over the limit of 2.9 KiB (3000 bytes) (--max-data-mb sets the limit)") {
		t.Errorf("session limit: %v", err)
	}
	if _, err := New("", s, Limits{MaxDataBytes: 1 << 20}); err != nil {
		t.Errorf("under the limit: %v", err)
	}
	s.Data.MaxBytes = 3000 // the spec's own (--max-data-mb) is lower than the session's
	if _, err := New("", s, Limits{MaxDataBytes: 1 << 20}); !errors.Is(err, datasets.ErrTooLarge) {
		t.Errorf("spec limit: %v", err)
	}

	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	f := AddDataFlags(fs)
	if err := fs.Parse([]string{"--data", p, "--max-data-mb", "0.5"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.DataSpec(nil); err == nil || !strings.Contains(err.Error(), "--max-data-mb: must be a number of MiB in [1, 1073741824], got 0.5") {
		t.Errorf("0.5 MiB: %v", err)
	}
	fs.Parse([]string{"--data", p, "--max-data-mb", "2"})
	if spec, err := f.DataSpec(nil); err != nil || spec.MaxBytes != 2<<20 {
		t.Errorf("2 MiB: %d, %v", spec.MaxBytes, err)
	}
	fs = flag.NewFlagSet("t", flag.ContinueOnError)
	f = AddDataFlags(fs)
	fs.Parse([]string{"--data", p})
	if spec, err := f.DataSpec(nil); err != nil || spec.MaxBytes != 0 {
		t.Errorf("not given: %d, %v (want 0, the default)", spec.MaxBytes, err)
	}
}
