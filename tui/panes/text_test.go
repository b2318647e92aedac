package panes

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func plain(ls []line) []string {
	var out []string
	for _, l := range ls {
		var b strings.Builder
		for _, s := range l {
			b.WriteString(s.text)
		}
		out = append(out, b.String())
	}
	return out
}

func TestWrap(t *testing.T) {
	var l line
	l.add("epoch 1", "A").add(" · batch 1/5000", "B").add(" · sample 4/10", "C")
	tests := []struct {
		w, indent int
		want      []string
	}{
		{80, 2, []string{"epoch 1 · batch 1/5000 · sample 4/10"}},
		{34, 2, []string{"epoch 1 · batch 1/5000", "  · sample 4/10"}},
		{12, 0, []string{"epoch 1", "· batch", "1/5000", "· sample", "4/10"}},
		{5, 0, []string{"epoch", "1", "·", "batch", "1/500", "0", "·", "sampl", "e", "4/10"}},
	}
	for _, tc := range tests {
		got := plain(l.wrap(tc.w, tc.indent))
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("w=%d: %q, want %q", tc.w, got, tc.want)
		}
		for _, r := range got {
			if n := len([]rune(r)); n > tc.w {
				t.Errorf("w=%d: row %q is %d cells", tc.w, r, n)
			}
		}
	}
	// styles follow the words
	rows := l.wrap(34, 2)
	if rows[1][1].sgr != "C" || rows[0][0].sgr != "A" {
		t.Errorf("styles lost: %+v", rows)
	}
}

func TestLayLines(t *testing.T) {
	var a, b line
	a.add("cost 2.693", "").opt(1, " · batch mean 2.693 over 3", "", "")
	b.add("target 1 · predicted 0 ✗ (a=0.27)", "")
	// room: both whole, wrapped
	if got := plain(layLines([]line{a, b}, 24, 5, 2)); strings.Join(got, "|") != "cost 2.693 · batch mean|  2.693 over 3|target 1 · predicted 0 ✗|  (a=0.27)" {
		t.Errorf("wrapped: %q", got)
	}
	// less room: the optional part goes, the rest still wraps
	if got := plain(layLines([]line{a, b}, 24, 3, 2)); strings.Join(got, "|") != "cost 2.693|target 1 · predicted 0 ✗|  (a=0.27)" {
		t.Errorf("fitted: %q", got)
	}
	// no room: one row each
	if got := plain(layLines([]line{a, b}, 24, 2, 2)); len(got) != 2 {
		t.Errorf("cut: %q", got)
	}
	// room for one line's optional part but not both: the lower one keeps
	// it (every line lost its optional part while a row stayed blank: the
	// Inspector's "w₁ ← …" on digits at 80×24)
	var c, d line
	c.add("x = (1, 2)", "").opt(1, "  y = (0, 1)", "", "")
	d.add("w ← ", "").opt(1, "w − η·∂C/∂w", "", "…").add(": after", "")
	if got := plain(layLines([]line{c, d}, 16, 3, 2)); strings.Join(got, "|") != "x = (1, 2)|w ← w − η·∂C/∂w:|  after" {
		t.Errorf("one restored: %q", got)
	}
	// and one needing fewer rows comes before a lower one needing more
	var e line
	e.add("cost 1", "").opt(1, " · mean 1 over 3 samples of the batch", "", "")
	if got := plain(layLines([]line{c, e}, 16, 3, 2)); strings.Join(got, "|") != "x = (1, 2)|  y = (0, 1)|cost 1" {
		t.Errorf("the cheaper one restored: %q", got)
	}
}

// TestCombiningMarks: the hats of Adam's m̂ and v̂ join the cell before
// them, so a line with them keeps its pane's border in place (spiral's
// update line was two cells short).
func TestCombiningMarks(t *testing.T) {
	c := newCanvas(10, 1)
	if x := c.text(0, 0, "η·m̂/√v̂", ""); x != 6 {
		t.Errorf("text ended at %d, want 6", x)
	}
	if got := ansi.StringWidth(c.String()); got != 10 {
		t.Errorf("row is %d cells, want 10: %q", got, c.String())
	}
	var l line
	l.add("w ← w − η·m̂/(√v̂ + ε)", "")
	if l.width() != 20 {
		t.Errorf("width %d, want 20", l.width())
	}
}
