package tui

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"backprop/tui/lesson"
)

// wallModel is a small trained network's model file (the xor preset after
// a few epochs), as a student would report it.
func wallModel(t *testing.T) []byte {
	t.Helper()
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	for range 5 {
		press(m, "e")
	}
	var b bytes.Buffer
	if err := workModel(m.tr.sess).Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// wallClass is n students with work in every state: boundary maps (a disc
// growing with the epochs), loss sparklines (no map: digits), flat losses
// (stuck), diverged, no trainer, left; in lessons at various steps, the
// teacher's checkpoint (deep, step 2) reached by some. model, when set, is
// every student's reported network.
func wallClass(n int, model []byte) *rosterHub {
	h := &rosterHub{rows: map[string]*ClassMember{}}
	h.rows["key-t"] = &ClassMember{ID: "key-t", Name: "Prof", Teacher: true, Sessions: 1}
	for i := range n {
		id := fmt.Sprintf("user-s%03d", i)
		name := classNames[i%len(classNames)]
		if i >= len(classNames) {
			name = fmt.Sprintf("%s %d", name, i/len(classNames))
		}
		r := &ClassMember{ID: id, Name: name, Following: i%3 != 1, Sessions: 1,
			LastInput: rosterNow.Add(-time.Duration(i%5) * 40 * time.Second)}
		if i%11 == 10 {
			r.Sessions, r.LastInput = 0, rosterNow.Add(-time.Hour)
		}
		step := i % 4
		lp := &lesson.LessonProgress{Step: step, Done: map[string]time.Time{}}
		for si := range step {
			lp.Done[fmt.Sprint(si)] = rosterNow.Add(-time.Duration(30-si) * time.Minute)
		}
		if i%3 == 0 {
			lp.Done[fmt.Sprint(step)] = rosterNow.Add(-time.Minute) // the checkpoint reached
		}
		r.Lesson, r.Step = "deep", step
		r.Progress = &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"deep": lp}}
		if i%7 != 6 {
			r.Work = wallWork(i, model)
		}
		h.rows[id] = r
	}
	return h
}

// wallWork is student i's work.
func wallWork(i int, model []byte) *ClassWork {
	w := &ClassWork{Preset: "circle", Epoch: 3 + i%20, Status: "training", At: rosterNow, Model: model}
	for e := range min(w.Epoch, WorkLossLen) {
		loss := 0.7 * math.Exp(-float64(e*(1+i%3))/8)
		if i%5 == 3 {
			loss = 0.25 // flat: stuck
		}
		w.Loss = append(w.Loss, loss)
	}
	w.Accuracy = 1 - w.Loss[len(w.Loss)-1]
	switch {
	case i%13 == 4:
		w.Status, w.Loss = "diverged", append(w.Loss, math.NaN())
	case i%4 == 2:
		w.Preset = "digits" // no map: the sparkline
		return w
	}
	w.MapW, w.MapH = WorkMapW, WorkMapH
	r := 0.2 + 0.03*float64(w.Epoch)
	for y := range WorkMapH {
		for x := range WorkMapW {
			dx, dy := (float64(x)+0.5)/WorkMapW-0.5, (float64(y)+0.5)/WorkMapH-0.5
			v := uint8(40)
			if math.Hypot(dx, dy) < r {
				v = 220
			}
			w.Map = append(w.Map, v)
		}
	}
	return w
}

// teacherWall opens the wall on a teacher's model in lesson deep at step
// 2 (the checkpoint the tiles' ✓/✗ are about).
func teacherWall(t *testing.T, hub *rosterHub, w, h int) *Model {
	t.Helper()
	m := newTestModel(t, Options{Preset: "xor", StateDir: t.TempDir(), Classroom: &rosterMember{hub, "key-t", true}}, w, h)
	m.class.rs.now = func() time.Time { return rosterNow }
	m.lesson.on = false
	press(m, "P", "w")
	if !m.class.rs.open || !m.class.wall.on {
		t.Fatal("P w did not open the wall")
	}
	return m
}

func TestGoldenWall(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		for _, n := range []int{7, 300} {
			t.Run(fmt.Sprintf("%d/%dx%d", n, sz[0], sz[1]), func(t *testing.T) {
				m := teacherWall(t, wallClass(n, nil), sz[0], sz[1])
				golden.RequireEqual(t, screen(t, m))
			})
		}
		t.Run(fmt.Sprintf("stuck-page2/%dx%d", sz[0], sz[1]), func(t *testing.T) {
			m := teacherWall(t, wallClass(300, nil), sz[0], sz[1])
			press(m, "f", "pgdown")
			golden.RequireEqual(t, screen(t, m))
		})
	}
}

// Every size from the minimum up, with 7 and 300 students, in the wall,
// a filter, the last page and an open network: the screen is filled
// exactly, no line is wider, and the selected tile is on it.
func TestWallFits(t *testing.T) {
	model := wallModel(t)
	for _, n := range []int{7, 300} {
		hub := wallClass(n, model)
		for _, sz := range [][2]int{{MinWidth, MinHeight}, {80, 24}, {100, 30}, {120, 40}, {200, 60}} {
			m := teacherWall(t, hub, sz[0], sz[1])
			for _, keys := range [][]string{nil, {"G"}, {"f"}, {"f", "f", "f", "f", "end", "left"}, {"home", "enter"}} {
				press(m, keys...)
				if len(keys) > 0 && keys[len(keys)-1] == "enter" {
					drain(t, m)
				}
				scr := screen(t, m)
				lines := strings.Split(m.View().Content, "\n")
				if len(lines) != sz[1] {
					t.Errorf("%d students %dx%d after %v: %d lines", n, sz[0], sz[1], keys, len(lines))
				}
				for i, l := range lines {
					if w := ansi.StringWidth(l); w > sz[0] {
						t.Errorf("%d students %dx%d after %v: line %d is %d cells: %q", n, sz[0], sz[1], keys, i, w, ansi.Strip(l))
					}
				}
				ws := &m.class.wall
				if !ws.open && len(ws.tiles) > 0 && !strings.Contains(scr, "▸ "+ws.tiles[ws.sel].Name[:5]) {
					t.Errorf("%d students %dx%d after %v: the selected tile is not on screen:\n%s", n, sz[0], sz[1], keys, scr)
				}
			}
		}
	}
}

// drain runs the commands a key left (the open network loads in one).
func drain(t *testing.T, m *Model) {
	t.Helper()
	ws := &m.class.wall
	if ws.open && ws.openSess == nil && ws.openErr == "" {
		cmd := ws.pending
		if cmd == nil {
			t.Fatal("no command loads the network")
		}
		m.Update(cmd())
	}
}

// The filters show what they say, the counts add up, and the sorts put
// the students who need the teacher first.
func TestWallFilterSort(t *testing.T) {
	m := teacherWall(t, wallClass(300, nil), 120, 40)
	ws := &m.class.wall
	if len(ws.tiles) != 300 || ws.counts[filterAll] != 300 {
		t.Fatalf("%d tiles, counts %v", len(ws.tiles), ws.counts)
	}
	if !ws.tiles[0].Diverged || attention(ws.tiles[len(ws.tiles)-1]) != 5 {
		t.Errorf("by attention: first %+v, last %+v", ws.tiles[0], ws.tiles[len(ws.tiles)-1])
	}
	for f, check := range map[wallFilter]func(wallTile) bool{
		filterStuck:    func(t wallTile) bool { return t.Stuck && t.Here && t.Check != checkYes },
		filterDiverged: func(t wallTile) bool { return t.Work != nil && t.Work.Status == "diverged" },
		filterDone:     func(t wallTile) bool { return t.Check == checkYes },
	} {
		for ws.filter != f {
			press(m, "f")
		}
		if len(ws.tiles) == 0 || len(ws.tiles) != ws.counts[f] {
			t.Errorf("%s: %d tiles, count %d", f, len(ws.tiles), ws.counts[f])
		}
		for _, tl := range ws.tiles {
			if !check(tl) {
				t.Errorf("%s shows %+v", f, tl)
			}
		}
		if !strings.Contains(screen(t, m), f.String()) {
			t.Errorf("%s: the title does not say so", f)
		}
	}
	press(m, "f") // everyone
	for ws.by != wallByAccuracy {
		press(m, "s")
	}
	for i := 1; i < len(ws.tiles); i++ {
		if accuracyOf(ws.tiles[i]) < accuracyOf(ws.tiles[i-1]) {
			t.Fatalf("by accuracy: %v after %v", accuracyOf(ws.tiles[i]), accuracyOf(ws.tiles[i-1]))
		}
	}
}

// enter opens the selected student's network read-only (Topology,
// Boundary, Loss) and c shows it to the class: the teacher's trainer
// takes it and publishes it.
func TestWallOpenShow(t *testing.T) {
	hub := wallClass(7, wallModel(t))
	m := teacherWall(t, hub, 120, 40)
	before := m.tr.sess
	press(m, "enter")
	drain(t, m)
	ws := &m.class.wall
	scr := screen(t, m)
	if ws.openSess == nil || !strings.Contains(scr, ws.openName+"'s network · read-only") || !strings.Contains(scr, "Boundary") {
		t.Fatalf("open: %q\n%s", ws.openErr, scr)
	}
	golden.RequireEqual(t, scr)
	name := ws.openName
	press(m, "c")
	if m.confirm != nil {
		press(m, "y")
	}
	if m.class.rs.open || m.tr.sess == before || m.screen != screenTrainer {
		t.Fatalf("c: roster open %v, session replaced %v, screen %d", m.class.rs.open, m.tr.sess != before, m.screen)
	}
	if !strings.Contains(m.app.flash, "showing "+name+"'s network") {
		t.Errorf("flash %q", m.app.flash)
	}
	st, ok := (&rosterMember{hub, "key-t", true}).Latest()
	if !ok || len(st.Model) == 0 || st.Preset != "xor" {
		t.Errorf("not published: %v %q", ok, st.Preset)
	}
}

// TestWallOpenFetched: a student's network kept elsewhere (FetchModel, no
// Model) is fetched when the teacher opens the tile, in a command; a
// failed fetch says why.
func TestWallOpenFetched(t *testing.T) {
	model := wallModel(t)
	hub := wallClass(7, nil)
	fetches := 0
	for _, r := range hub.rows {
		if r.Work != nil {
			r.Work.FetchModel = func() ([]byte, error) { fetches++; return model, nil }
		}
	}
	m := teacherWall(t, hub, 120, 40)
	press(m, "enter")
	if fetches != 0 {
		t.Fatal("fetched in Update")
	}
	drain(t, m)
	ws := &m.class.wall
	if ws.openSess == nil || fetches != 1 || !strings.Contains(screen(t, m), "read-only") {
		t.Fatalf("open: %d fetches, %q", fetches, ws.openErr)
	}
	press(m, "esc")
	for _, r := range hub.rows {
		if r.Work != nil {
			r.Work.FetchModel = func() ([]byte, error) { return nil, fmt.Errorf("gone") }
		}
	}
	m.class.wall.openAt = time.Time{}
	press(m, "enter")
	drain(t, m)
	if ws.openSess != nil || !strings.Contains(ws.openErr, "gone") {
		t.Fatalf("a failed fetch: %q", ws.openErr)
	}
}

// A filter nobody matches says so (naming the filter and how to change
// it), not that nobody is connected; the title says what is shown
// plainly at 80 columns.
func TestWallEmptyFilter(t *testing.T) {
	hub := wallClass(2, nil)
	for _, r := range hub.rows {
		r.Progress = nil // nobody reached the checkpoint
	}
	m := teacherWall(t, hub, 80, 24)
	for m.class.wall.filter != filterDone {
		press(m, "f")
	}
	scr := screen(t, m)
	for _, want := range []string{`matches the filter "done"`, "f shows everyone next", "showing only done"} {
		if !strings.Contains(scr, want) {
			t.Errorf("no %q:\n%s", want, scr)
		}
	}
	if strings.Contains(scr, "they appear as they connect") {
		t.Errorf("says nobody is connected:\n%s", scr)
	}
	golden.RequireEqual(t, scr)
}

// An open network at 80×24 is not cut: the title leaves the keys to the
// key line, the map legend fits (shorter words) or takes two rows.
func TestWallOpenNarrow(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {100, 30}} {
		m := teacherWall(t, wallClass(7, wallModel(t)), sz[0], sz[1])
		press(m, "enter")
		drain(t, m)
		scr := screen(t, m)
		for _, want := range []string{"'s network · read-only ─", "c show to the class • esc back", "map of a: ■ low ■ high × dead", "⠒⠒ + ⠒⠒ −"} {
			if !strings.Contains(scr, want) {
				t.Errorf("%v: no %q:\n%s", sz, want, scr)
			}
		}
	}
}

// Two students at 120 columns get wide tiles, not 18 columns and ~80
// empty; a full class keeps the small tiles.
func TestWallGridWidth(t *testing.T) {
	if _, _, tw := wallGrid(118, 36, 2); tw < 40 {
		t.Errorf("2 students at 118: tiles %d wide", tw)
	}
	if cols, _, tw := wallGrid(118, 36, 300); cols != 6 || tw != wallTileW {
		t.Errorf("300 students at 118: %d columns of %d", cols, tw)
	}
	m := teacherWall(t, wallClass(2, nil), 120, 40)
	if scr := screen(t, m); !strings.Contains(scr, strings.Repeat("▀", 40)) {
		t.Errorf("narrow tiles:\n%s", scr)
	}
}

// c with every student forked says nobody is following, not that the
// class sees it.
func TestWallShowNobodyFollowing(t *testing.T) {
	hub := wallClass(3, wallModel(t))
	for _, r := range hub.rows {
		r.Following = false
	}
	m := teacherWall(t, hub, 120, 40)
	press(m, "enter")
	drain(t, m)
	press(m, "c")
	if m.confirm != nil {
		press(m, "y")
	}
	if !strings.Contains(m.app.flash, "no student is following") || strings.Contains(m.app.flash, "to the class") {
		t.Errorf("flash %q", m.app.flash)
	}
}

// c over unsaved work, s (save first), a name, enter: the save is
// confirmed along with the showing.
func TestWallShowSaveFirst(t *testing.T) {
	m := teacherWall(t, wallClass(3, wallModel(t)), 120, 40)
	m.tr.sess.version = m.tr.sess.savedVersion + 1 // unsaved work
	press(m, "enter")
	drain(t, m)
	press(m, "c")
	if m.confirm == nil {
		t.Fatal("c over unsaved work did not ask")
	}
	press(m, "s")
	if m.tr.prompt == nil {
		t.Fatal("s did not ask for a file name")
	}
	m.tr.prompt.SetValue(filepath.Join(t.TempDir(), "shown.json"))
	pressSettle(m, "enter")
	if m.tr.prompt != nil {
		t.Fatalf("prompt still open: %s", screen(t, m))
	}
	if f := m.app.flash; !strings.Contains(f, "saved ") || !strings.Contains(f, "showing ") {
		t.Errorf("flash %q", f)
	}
}

// A stuck tile reads "no lesson · stuck", not "no lesson stuck".
func TestWallLessonLine(t *testing.T) {
	st := teacherWall(t, wallClass(1, nil), 80, 24).app.styles
	if got := ansi.Strip(lessonLine(wallTile{Stuck: true}, st)); got != "no lesson · stuck" {
		t.Errorf("%q", got)
	}
}
