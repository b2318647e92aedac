package tui

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"backprop/internal/numfmt"
	"backprop/internal/safetext"
	"backprop/themes"
	"backprop/tui/lesson"
)

// The class wall's drawing: pure functions of the tiles, the selection
// and the size. One tile per student:
//
//	Ada Lovelace       ●   name; ● connected, ○ left
//	▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀   the boundary map (2-D data), or the loss
//	▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀▀   sparkline and the last loss
//	acc 97% · ep 12        accuracy and epoch (DIVERGED in red)
//	deep 3/5 ✓ · stuck     lesson and step; ✓/✗ the current checkpoint

// checkMark is a student's standing on the current checkpoint.
type checkMark uint8

const (
	checkNone checkMark = iota // no lesson to judge by
	checkNo                    // not reached yet
	checkYes                   // reached
)

// wallTile is what one tile shows.
type wallTile struct {
	ID, Name string
	Here     bool
	Work     *ClassWork
	Lesson   string // the lesson they have open, "" none
	Step     int    // 0-based
	Steps    int    // of that lesson, 0 unknown
	Check    checkMark
	Stuck    bool
	Diverged bool
}

// Tile geometry: at least wallTileW cells wide and exactly wallTileH
// lines, one blank column and line between tiles.
const (
	wallTileW = 18
	wallTileH = 5
)

// wallTileMaxW is how wide a tile grows when a few students leave room.
const wallTileMaxW = 48

// wallGrid is how many of n tiles fit in w×h cells: columns, rows and the
// width of a tile. A few tiles grow wider (up to wallTileMaxW) to use the
// width rather than leave it empty.
func wallGrid(w, h, n int) (cols, rows, tw int) {
	cols = max((w+1)/(wallTileW+1), 1)
	rows = max((h+1)/(wallTileH+1), 1)
	if n > 0 && n < cols {
		cols = max(n, (w+1)/(wallTileMaxW+1))
	}
	tw = max((w+1)/cols-1, 1)
	return cols, rows, tw
}

// wallPage draws the page of tiles that holds sel into w×h cells; empty
// says why there are none (the filter, or nobody connected).
func wallPage(tiles []wallTile, sel int, st *themes.Styles, w, h int, empty string) []string {
	cols, rows, tw := wallGrid(w, h, len(tiles))
	per := cols * rows
	first := sel / per * per
	var out []string
	for r := 0; r < rows; r++ {
		rowLines := make([]strings.Builder, wallTileH)
		for c := 0; c < cols; c++ {
			i := first + r*cols + c
			var lines []string
			if i < len(tiles) {
				lines = drawTile(tiles[i], i == sel, st, tw)
			}
			for y := range wallTileH {
				if c > 0 {
					rowLines[y].WriteByte(' ')
				}
				if y < len(lines) {
					rowLines[y].WriteString(fit(lines[y], tw))
				} else {
					rowLines[y].WriteString(strings.Repeat(" ", tw))
				}
			}
		}
		if r > 0 {
			out = append(out, "")
		}
		for y := range rowLines {
			out = append(out, rowLines[y].String())
		}
	}
	if len(tiles) == 0 {
		out = nil
		for _, l := range strings.Split(ansi.Wrap(empty, max(w-4, 1), ""), "\n") {
			out = append(out, "  "+st.Dim.Render(l))
		}
	}
	return block(strings.Join(out, "\n"), w, h)
}

// drawTile draws one tile, tw cells wide, wallTileH lines.
func drawTile(t wallTile, selected bool, st *themes.Styles, tw int) []string {
	dot := st.OK.Render("●")
	if !t.Here {
		dot = st.Dim.Render("○")
	}
	name := ansi.Truncate(safetext.Line(t.Name), tw-2, "…")
	if selected {
		name = st.Selected.Render(fit("▸ "+ansi.Truncate(safetext.Line(t.Name), tw-4, "…"), tw-2))
	} else {
		name = st.Bold.Render(name)
	}
	lines := []string{fit(name, tw-2) + " " + dot}
	w := t.Work
	switch {
	case w == nil:
		lines = append(lines, st.Dim.Render("no trainer open"), "")
	case len(w.Map) > 0 && w.MapW > 0 && w.MapH > 0:
		lines = append(lines, tileMap(w, st, tw)...)
	default:
		lines = append(lines, sparkline(w.Loss, tw), lossLine(w))
	}
	lines = append(lines, workLine(w, st), lessonLine(t, st))
	return lines
}

// tileMap draws the work's boundary map into tw × 2 cells of half blocks
// (mono: shades).
func tileMap(w *ClassWork, st *themes.Styles, tw int) []string {
	px := func(x, y int) float64 { // pixel (x, y) of tw × 4
		mx := min(x*w.MapW/tw, w.MapW-1)
		my := min(y*w.MapH/4, w.MapH-1)
		return float64(w.Map[my*w.MapW+mx]) / 255
	}
	out := make([]string, 2)
	for row := range 2 {
		var b strings.Builder
		for x := range tw {
			top, bot := px(x, 2*row), px(x, 2*row+1)
			if st.Mono {
				b.WriteString(themes.Shade((top + bot) / 2))
				continue
			}
			b.WriteString(st.RampFg(top) + st.RampBg(bot) + "▀")
		}
		if !st.Mono {
			b.WriteString(themes.Reset)
		}
		out[row] = b.String()
	}
	return out
}

// sparkline draws the loss of the last epochs in w cells (newest right).
func sparkline(loss []float64, w int) string {
	var v []float64
	for _, x := range loss {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return ""
	}
	v = v[max(len(v)-w, 0):]
	lo, hi := slices.Min(v), slices.Max(v)
	var b strings.Builder
	for _, x := range v {
		k := 0
		if hi > lo {
			k = int((x - lo) / (hi - lo) * float64(len(sparkGlyphs)-1))
		}
		b.WriteString(sparkGlyphs[k])
	}
	return b.String()
}

// sparkGlyphs are the eight heights of a sparkline.
var sparkGlyphs = []string{"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"}

// lossLine is the last loss under a sparkline.
func lossLine(w *ClassWork) string {
	if len(w.Loss) == 0 {
		return "loss —"
	}
	return "loss " + numfmt.G(w.Loss[len(w.Loss)-1], 3)
}

// workLine is accuracy and epoch, or that training diverged.
func workLine(w *ClassWork, st *themes.Styles) string {
	switch {
	case w == nil:
		return ""
	case w.Status == "diverged":
		return st.Error.Render("DIVERGED") + fmt.Sprintf(" ep %d", w.Epoch)
	case w.Accuracy < 0:
		return fmt.Sprintf("acc — · ep %d", w.Epoch)
	}
	return "acc " + numfmt.F(100*w.Accuracy, 0) + "% · ep " + fmt.Sprint(w.Epoch)
}

// lessonLine is the lesson and step with the checkpoint's mark, and
// "stuck".
func lessonLine(t wallTile, st *themes.Styles) string {
	s := st.Dim.Render("no lesson")
	if t.Lesson != "" {
		s = safetext.Line(t.Lesson) + " " + fmt.Sprint(t.Step+1)
		if t.Steps > 0 {
			s += fmt.Sprintf("/%d", t.Steps)
		}
	}
	switch t.Check {
	case checkYes:
		s += " " + st.OK.Render("✓")
	case checkNo:
		s += " " + st.Warn.Render("✗")
	}
	if t.Stuck {
		s += " · " + st.Warn.Render("stuck")
	}
	return s
}

// wallLegend explains the tiles' marks in w cells.
func wallLegend(st *themes.Styles, w int) string {
	ok, warn, dim := st.OK.Render, st.Warn.Render, st.Dim.Render
	for _, parts := range [][]string{
		{ok("●") + " here " + dim("○") + " left", ok("✓") + " checkpoint reached " + warn("✗") + " not yet",
			warn("stuck") + ": idle 2 min or loss flat", st.Error.Render("DIVERGED")},
		{ok("●") + "/" + dim("○") + " here/left", ok("✓") + "/" + warn("✗") + " checkpoint", warn("stuck"), st.Error.Render("DIVERGED")},
	} {
		if s := strings.Join(parts, "   "); ansi.StringWidth(s) <= w {
			return fit(s, w)
		}
	}
	return fit(ok("●")+"/"+dim("○")+" here/left  "+ok("✓")+"/"+warn("✗")+" checkpoint", w)
}

// Stuck: a connected student who has not reached the current checkpoint
// and has pressed no key for stuckIdle, or whose training loss fell by
// less than 1% over the last stuckEpochs epochs (below 90% accuracy).
const (
	stuckIdle   = 2 * time.Minute
	stuckEpochs = 10
)

// makeTile judges one student against the teacher's lesson position
// (lessonID "" when the teacher has none: their own step then).
func makeTile(r ClassMember, lessonID string, step int, lessons []*lesson.Lesson, now time.Time) wallTile {
	t := wallTile{ID: r.ID, Name: r.Name, Here: r.Sessions > 0, Work: r.Work, Lesson: r.Lesson, Step: r.Step}
	if l := findBuiltin(lessons, r.Lesson); l != nil {
		t.Steps = len(l.Steps)
	}
	id, si := lessonID, step
	if id == "" {
		id, si = r.Lesson, r.Step
	}
	if id != "" {
		t.Check = checkNo
		if r.Progress != nil {
			if lp := r.Progress.Lessons[id]; lp != nil {
				if _, done := lp.DoneAt(si); done || lp.Completed {
					t.Check = checkYes
				}
			}
		}
	}
	w := r.Work
	t.Diverged = w != nil && w.Status == "diverged"
	flat := false
	if w != nil && len(w.Loss) >= stuckEpochs && w.Accuracy < 0.9 {
		a, b := w.Loss[len(w.Loss)-stuckEpochs], w.Loss[len(w.Loss)-1]
		flat = !(b < 0.99*a)
	}
	idle := !r.LastInput.IsZero() && now.Sub(r.LastInput) >= stuckIdle
	t.Stuck = t.Here && t.Check != checkYes && !t.Diverged && (idle || flat)
	return t
}
