package tui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"backprop/internal/numfmt"
)

// floatVerb is a float verb in a format string (%g, %.2f, %5.2f, %e);
// strconv.FormatFloat is the other way to format a float by hand.
var (
	floatVerb  = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[gGeEf]`)
	stringLit  = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	byHandCall = regexp.MustCompile(`strconv\.FormatFloat`)
)

// formatsFloat reports whether a line of code formats a float by hand.
func formatsFloat(code string) bool {
	if byHandCall.MatchString(code) {
		return true
	}
	for _, lit := range stringLit.FindAllString(code, -1) {
		if floatVerb.MatchString(lit) {
			return true
		}
	}
	return false
}

// numbersAllowed are the files that may still format floats themselves,
// and why.
var numbersAllowed = map[string]string{
	// the Loss chart's y-axis labels (non-negative losses) belong to the
	// log-scale work on the chart
	"panes/loss.go": "y-axis labels",
}

// TestNumbersUseOneMinus: every number the screens show is formatted by
// internal/numfmt, so all of them write a negative number the same way
// (the bench mixed "−θ" with "-1.5" and "(-1, 2.2, 0)").
func TestNumbersUseOneMinus(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		if _, ok := numbersAllowed[filepath.ToSlash(path)]; ok {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, l := range strings.Split(string(b), "\n") {
			if code, _, _ := strings.Cut(l, "//"); formatsFloat(code) {
				t.Errorf("%s:%d formats a float itself (use internal/numfmt): %s", path, i+1, strings.TrimSpace(l))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBenchOneMinus: the bench with a negative weight and threshold shows
// every number with the one minus sign.
func TestBenchOneMinus(t *testing.T) {
	m := newTestModel(t, Options{Preset: "vacation"}, 120, 40)
	// an AND gate, then learn until a rule with negative numbers shows
	press(m, "d", "s", "s", "s", "s", "s", "s")
	s := screen(t, m)
	if !strings.Contains(s, numfmt.Minus) {
		t.Fatalf("no negative number on the bench:\n%s", s)
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines[:len(lines)-1] { // the last line names keys, - among them
		if strings.Contains(l, "-") {
			t.Errorf("line %d mixes in an ASCII minus: %q", i+1, l)
		}
	}
}

// TestSmallPrintPlural: counts agree with their noun ("1 samples seen").
func TestSmallPrintPlural(t *testing.T) {
	m := newTestModel(t, Options{Preset: "vacation"}, 80, 24)
	press(m, "s")
	if s := screen(t, m); !strings.Contains(s, "· 1 sample seen") {
		t.Errorf("after one sample the bench should say 1 sample seen:\n%s", s)
	}
	press(m, "s")
	if s := screen(t, m); !strings.Contains(s, "· 2 samples seen") {
		t.Errorf("after two samples the bench should say 2 samples seen:\n%s", s)
	}
}
