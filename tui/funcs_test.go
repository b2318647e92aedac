package tui

import (
	"slices"
	"strings"
	"testing"

	"backprop/internal/testkit"
)

// maxFuncLines is the house limit (issue 16): a longer function is split
// into named steps.
const maxFuncLines = 100

func TestFunctionsShort(t *testing.T) {
	for _, dir := range []string{".", "widget", "bench"} {
		long, err := testkit.LongFuncs(dir, maxFuncLines)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range long {
			t.Errorf("%s/%s:%d: %s is %d lines, over %d: split it into named steps", dir, f.File, f.Line, f.Name, f.Lines, maxFuncLines)
		}
	}
}

// TestRootOnlyRoutes: the root Model's methods are the Bubble Tea contract,
// routing between the screens and the lesson and classroom glue that spans
// them; a screen's work is a method of its own sub-model. A new method here
// should be one of those kinds.
func TestRootOnlyRoutes(t *testing.T) {
	fs, err := testkit.Funcs(".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		if name, ok := strings.CutPrefix(f.Name, "Model."); ok {
			got = append(got, name)
		}
	}
	slices.Sort(got)
	want := []string{
		// the tea.Model contract and the routing itself
		"Init", "Update", "View", "route", "resize", "syncStyles", "typing", "helpOpen",
		// switching screens
		"openFirst", "openSession", "openPreset", "openBench", "openFuncs", "toLauncher",
		// the lesson panel beside every screen, and what the classroom shares
		"area", "openLessons", "lessonUpdate", "sceneBefore", "applyScene", "applyFuncsScene", "live", "lessonPos", "where",
		// keeping work across the screens (keep.go): what esc kept, the
		// question before work is lost
		"keep", "quit", "guard", "confirmLoss", "saveThen", "confirmView", "resumable", "resume", "leave", "showBench",
		// with twins: which to save (s the focused, a each in turn)
		"guardTwins", "saveTwinsThen",
		// building the session a launcher item opens
		"presetSession",
		// the autosave of whatever trainer session is open (autosave.go)
		"autosave", "autosaveTick", "autosaveUpdate",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("the root Model's methods are %v,\nwant %v", got, want)
	}
}
