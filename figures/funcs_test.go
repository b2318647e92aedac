package figures

import (
	"testing"

	"backprop/internal/testkit"
)

// maxFuncLines is the house limit (issue 16): a longer function is split
// into named steps.
const maxFuncLines = 100

func TestFunctionsShort(t *testing.T) {
	long, err := testkit.LongFuncs(".", maxFuncLines)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range long {
		t.Errorf("%s:%d: %s is %d lines, over %d: split it into named steps", f.File, f.Line, f.Name, f.Lines, maxFuncLines)
	}
}
