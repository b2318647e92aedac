package tui

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/network"
	"backprop/tui/panes"
)

// The teacher's class wall: w on the roster screen shows every student as
// a tile (classroom_wallview.go draws them) — their boundary map or loss
// sparkline, accuracy, lesson step, ✓/✗ for the current checkpoint,
// connected or not — sorted, filtered (stuck, diverged, done) and paged
// for hundreds. enter opens the selected student's network read-only
// (live: it reloads as they report); c shows it to the whole class (the
// teacher's trainer takes it, and the class follows the teacher).

// wallFilter is which students the wall shows.
type wallFilter uint8

const (
	filterAll wallFilter = iota
	filterStuck
	filterDiverged
	filterDone
	filterCount
)

func (f wallFilter) String() string {
	return [...]string{"everyone", "stuck", "diverged", "done"}[f]
}

// wallSort is the wall's order.
type wallSort uint8

const (
	wallByAttention wallSort = iota // diverged, stuck, not done, done; then name
	wallByName
	wallByProgress // behind first (the roster's progress order)
	wallByAccuracy // lowest first
	wallSortCount
)

func (s wallSort) String() string {
	return [...]string{"attention", "name", "progress", "accuracy"}[s]
}

// wallState is the teacher's class wall.
type wallState struct {
	on     bool // the roster screen shows the wall instead of the list
	filter wallFilter
	by     wallSort
	tiles  []wallTile // filtered and sorted
	counts [filterCount]int
	sel    int
	selID  string
	// the selected student's network, read-only (open), loaded from the
	// work reported at openAt
	open     bool
	openID   string
	openName string
	openAt   time.Time
	openSess *session
	openErr  string
	view     viewState
	pending  tea.Cmd // the last load started (tests run it)
}

// wallOpenedMsg carries a student's network loaded off Update.
type wallOpenedMsg struct {
	id   string
	at   time.Time
	sess *session
	err  error
}

// refreshWall rebuilds the tiles from the roster and keeps the selected
// student selected.
func (cl *classroom) refreshWall(m *Model) {
	ws := &cl.wall
	lid, step := "", 0
	if m != nil {
		lid, step = m.lessonPos()
	}
	rows := sortRoster(cl.roster, sortName, cl.rs.lessons)
	progress := map[string][3]int{}
	all := make([]wallTile, 0, len(rows))
	now := cl.rs.now()
	for _, r := range rows {
		all = append(all, makeTile(r, lid, step, cl.rs.lessons, now))
		progress[r.ID] = progressKey(r, cl.rs.lessons)
	}
	ws.counts = [filterCount]int{}
	ws.tiles = ws.tiles[:0]
	for _, t := range all {
		for f := range filterCount {
			if wallShows(f, t) {
				ws.counts[f]++
			}
		}
		if wallShows(ws.filter, t) {
			ws.tiles = append(ws.tiles, t)
		}
	}
	slices.SortStableFunc(ws.tiles, func(a, b wallTile) int {
		switch ws.by {
		case wallByAttention:
			return cmp.Compare(attention(a), attention(b))
		case wallByProgress:
			pa, pb := progress[a.ID], progress[b.ID]
			return slices.Compare(pa[:], pb[:])
		case wallByAccuracy:
			return cmp.Compare(accuracyOf(a), accuracyOf(b))
		}
		return 0
	})
	ws.sel = min(ws.sel, max(len(ws.tiles)-1, 0))
	for i, t := range ws.tiles {
		if t.ID == ws.selID {
			ws.sel = i
		}
	}
	if ws.sel < len(ws.tiles) {
		ws.selID = ws.tiles[ws.sel].ID
	}
}

// wallShows reports whether filter f shows tile t.
func wallShows(f wallFilter, t wallTile) bool {
	switch f {
	case filterStuck:
		return t.Stuck
	case filterDiverged:
		return t.Diverged
	case filterDone:
		return t.Check == checkYes
	}
	return true
}

// attention orders tiles by how much they need the teacher: diverged,
// stuck, not done, done, left.
func attention(t wallTile) int {
	switch {
	case !t.Here:
		return 5
	case t.Diverged:
		return 0
	case t.Stuck:
		return 1
	case t.Check == checkNo:
		return 2
	case t.Check == checkNone:
		return 3
	}
	return 4
}

// accuracyOf is a tile's accuracy for sorting (none: after everyone).
func accuracyOf(t wallTile) float64 {
	if t.Work == nil || t.Work.Accuracy < 0 {
		return 2
	}
	return t.Work.Accuracy
}

// wallKey runs a key of the wall; handled false leaves it to the roster's
// shared keys (help, close, quit, w).
func (cl *classroom) wallKey(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	ws := &cl.wall
	km := &cl.rs.keys
	cols, rows, _ := wallGrid(cl.rsW-2, cl.rsH-4, len(ws.tiles))
	per := cols * rows
	if ws.open {
		switch {
		case key.Matches(k, km.Back), key.Matches(k, km.Open):
			ws.open, ws.openSess = false, nil
			return nil, true
		case key.Matches(k, km.Show):
			return cl.showToClass(m), true
		}
		return nil, key.Matches(k, km.Up, km.Down, km.Left, km.Right, km.PageUp, km.PageDown, km.Filter, km.Sort)
	}
	switch {
	case key.Matches(k, km.Left):
		cl.moveWall(-1)
	case key.Matches(k, km.Right):
		cl.moveWall(1)
	case key.Matches(k, km.Up):
		cl.moveWall(-cols)
	case key.Matches(k, km.Down):
		cl.moveWall(cols)
	case key.Matches(k, km.PageUp):
		cl.moveWall(-per)
	case key.Matches(k, km.PageDown):
		cl.moveWall(per)
	case key.Matches(k, km.Top):
		cl.moveWall(-len(ws.tiles))
	case key.Matches(k, km.Bottom):
		cl.moveWall(len(ws.tiles))
	case key.Matches(k, km.Filter):
		ws.filter = (ws.filter + 1) % filterCount
		cl.refreshWall(m)
		cl.app.setFlash(fmt.Sprintf("the wall shows %s (%d)", ws.filter, ws.counts[ws.filter]), false)
	case key.Matches(k, km.Sort):
		ws.by = (ws.by + 1) % wallSortCount
		cl.refreshWall(m)
		cl.app.setFlash("the wall sorted by "+ws.by.String(), false)
	case key.Matches(k, km.Open):
		return cl.openWallTile(), true
	case key.Matches(k, km.Show):
		cl.app.setFlash("open a student's network first (enter), then c shows it to the class", true)
	default:
		return nil, false
	}
	return nil, true
}

// moveWall moves the selection by d tiles.
func (cl *classroom) moveWall(d int) {
	ws := &cl.wall
	if len(ws.tiles) == 0 {
		return
	}
	ws.sel = max(min(ws.sel+d, len(ws.tiles)-1), 0)
	ws.selID = ws.tiles[ws.sel].ID
}

// wallClick selects the tile under cell (x, y) of the screen.
func (cl *classroom) wallClick(x, y int) {
	ws := &cl.wall
	if ws.open || x < 1 || y < 1 {
		return
	}
	cols, rows, tw := wallGrid(cl.rsW-2, cl.rsH-4, len(ws.tiles))
	c, r := (x-1)/(tw+1), (y-1)/(wallTileH+1)
	if c >= cols || r >= rows {
		return
	}
	if i := ws.sel/(cols*rows)*(cols*rows) + r*cols + c; i < len(ws.tiles) {
		cl.moveWall(i - ws.sel)
	}
}

// openWallTile opens the selected student's network (loaded in a
// command).
func (cl *classroom) openWallTile() tea.Cmd {
	ws := &cl.wall
	if ws.sel >= len(ws.tiles) {
		return nil
	}
	t := ws.tiles[ws.sel]
	ws.open, ws.openID, ws.openName, ws.openSess, ws.openErr = true, t.ID, t.Name, nil, ""
	ws.view = viewState{}
	if !t.Work.hasModel() {
		ws.openErr = "no network reported yet: the student has no trainer open"
		return nil
	}
	ws.pending = loadWork(t.ID, t.Work, cl.app.opts.Limits)
	return ws.pending
}

// loadWork parses a student's reported model into a session, off Update.
func loadWork(id string, w *ClassWork, lim Limits) tea.Cmd {
	return func() tea.Msg {
		model := w.Model
		if len(model) == 0 && w.FetchModel != nil {
			var err error
			if model, err = w.FetchModel(); err != nil {
				return wallOpenedMsg{id: id, at: w.At, err: err}
			}
		}
		mf, err := network.ParseModel(model)
		if err != nil {
			return wallOpenedMsg{id: id, at: w.At, err: err}
		}
		s, err := sessionFromModel(mf, lim)
		return wallOpenedMsg{id: id, at: w.At, sess: s, err: err}
	}
}

// wallOpened takes a loaded network, if it is still the one open.
func (cl *classroom) wallOpened(msg wallOpenedMsg) {
	ws := &cl.wall
	if !ws.open || msg.id != ws.openID {
		return
	}
	ws.openAt = msg.at
	if msg.err != nil {
		ws.openErr = "cannot open the network: " + msg.err.Error()
		return
	}
	ws.openSess, ws.openErr = msg.sess, ""
}

// reloadOpen loads the open student's network again when they reported
// newer work.
func (cl *classroom) reloadOpen() tea.Cmd {
	ws := &cl.wall
	if !ws.open {
		return nil
	}
	for _, r := range cl.roster {
		if r.ID == ws.openID && r.Work.hasModel() && r.Work.At.After(ws.openAt) {
			ws.openAt = r.Work.At // one load at a time per report
			return loadWork(r.ID, r.Work, cl.app.opts.Limits)
		}
	}
	return nil
}

// showToClass puts the open student's network into the teacher's trainer
// (asking first when the teacher's own work is unsaved); the class
// follows the teacher, so every following student sees it.
func (cl *classroom) showToClass(m *Model) tea.Cmd {
	ws := &cl.wall
	s, name := ws.openSess, ws.openName
	if s == nil {
		cl.app.setFlash("nothing to show yet: the network is still loading", true)
		return nil
	}
	before := cl.app.flash
	show := func() tea.Cmd {
		ws.open, ws.openSess = false, nil
		cl.closeRoster()
		m.tr.adopt(s)
		m.screen = screenTrainer
		msg := cl.showingTo(name)
		if f := cl.app.flash; f != before && strings.HasPrefix(f, "saved ") { // s saved first: say both
			msg = f + " · " + msg
		}
		cl.app.setFlash(msg, false)
		return nil
	}
	if m.tr.sess == nil {
		return show()
	}
	cl.closeRoster() // the question shows on the app's screen
	return m.guard(fmt.Sprintf("Show %s's network to the class", name), "show it", show)
}

// showingTo says who sees the network shown: the students following, or
// that nobody follows now (they see it when they rejoin).
func (cl *classroom) showingTo(name string) string {
	following := 0
	for _, r := range cl.roster {
		if !r.Teacher && r.Sessions > 0 && r.Following {
			following++
		}
	}
	if following == 0 {
		return fmt.Sprintf("showing %s's network, but no student is following: they see it when they rejoin (J)", name)
	}
	return fmt.Sprintf("showing %s's network to the class (%s following)", name, plural(following, "student"))
}

// wallScreen draws the wall (or the open network) over w×h: the framed
// tiles, the legend and the key line.
func (cl *classroom) wallScreen(w, h int) []string {
	ws := &cl.wall
	st := cl.app.styles
	if ws.open {
		return cl.openView(w, h-1)
	}
	iw, ih := w-2, h-4
	cols, rows, _ := wallGrid(iw, ih, len(ws.tiles))
	per := cols * rows
	body := wallPage(ws.tiles, ws.sel, st, iw, ih, cl.wallEmpty())
	page := ""
	if pages := (len(ws.tiles) + per - 1) / per; pages > 1 {
		page = fmt.Sprintf(" · page %d/%d", ws.sel/per+1, pages)
	}
	lines := cl.app.look.frame(cl.wallTitle(page, w-6), body, w, h-2, true)
	return append(lines, wallLegend(st, w))
}

// wallTitle is the wall's title in at most w cells: the counts, then
// what it shows and in which order, said plainly; shorter forms keep
// every number and what is shown.
func (cl *classroom) wallTitle(page string, w int) string {
	ws := &cl.wall
	c := ws.counts
	shows := "showing " + ws.filter.String()
	if ws.filter != filterAll {
		shows = "showing only " + ws.filter.String()
	}
	short := strings.Replace(page, "page ", "", 1)
	for _, t := range []string{
		fmt.Sprintf("Class wall%s · %d here · %d stuck · %d diverged · %d done · %s · by %s",
			page, cl.here(), c[filterStuck], c[filterDiverged], c[filterDone], shows, ws.by),
		fmt.Sprintf("Wall%s · %d here · %d stuck · %d div. · %d done · %s · by %s",
			short, cl.here(), c[filterStuck], c[filterDiverged], c[filterDone], shows, ws.by),
		fmt.Sprintf("Wall%s · %d here · %d stuck · %d div. · %d done · %s",
			short, cl.here(), c[filterStuck], c[filterDiverged], c[filterDone], shows),
	} {
		if ansi.StringWidth(t) <= w {
			return t
		}
	}
	return fmt.Sprintf("Wall%s · %d here · %s", short, cl.here(), shows)
}

// wallEmpty says why the wall shows no tile: no student matches the
// filter (named, with how to change it), or nobody has connected yet.
func (cl *classroom) wallEmpty() string {
	ws := &cl.wall
	if ws.filter != filterAll && ws.counts[filterAll] > 0 {
		next := (ws.filter + 1) % filterCount
		return fmt.Sprintf("none of the %d students matches the filter %q (%s): f shows %s next",
			ws.counts[filterAll], ws.filter.String(), ws.filter.meaning(), next)
	}
	return "no students here yet: they appear as they connect"
}

// meaning says what filter f picks.
func (f wallFilter) meaning() string {
	return [...]string{"every student", "idle 2 min or loss flat, before the checkpoint",
		"training diverged", "reached the current checkpoint"}[f]
}

// here counts the students connected.
func (cl *classroom) here() int {
	n := 0
	for _, r := range cl.roster {
		if !r.Teacher && r.Sessions > 0 {
			n++
		}
	}
	return n
}

// openView is the open student's network, read-only: Topology on the
// left, Boundary and Loss on the right, in w×h cells.
func (cl *classroom) openView(w, h int) []string {
	ws := &cl.wall
	title := ws.openName + "'s network · read-only · c shows it to the class · esc back"
	s := ws.openSess
	if s == nil {
		msg := "loading…"
		if ws.openErr != "" {
			msg = ws.openErr
		}
		return cl.app.look.frame(title, block("  "+msg, w-2, h-2), w, h, true)
	}
	lk := cl.app.look
	left := w * 3 / 5
	topH := h / 2
	out := make([]string, h)
	if ansi.StringWidth(title) > left-6 { // the key line under the screen has the keys
		title = ws.openName + "'s network · read-only"
	}
	leftLines := lk.frame(title, cl.openPane(PaneTopology, left-2, h-2), left, h, true)
	bLines := lk.frame(panes.BoundaryName(s.st.Net(), s.data), cl.openPane(PaneBoundary, w-left-2, topH-2), w-left, topH, false)
	lLines := lk.frame("Loss", cl.openPane(PaneLoss, w-left-2, h-topH-2), w-left, h-topH, false)
	right := append(bLines, lLines...)
	for y := range out {
		out[y] = leftLines[y] + right[y]
	}
	return out
}

// openPane draws one pane of the open network in w×h cells.
func (cl *classroom) openPane(k PaneKind, w, h int) []string {
	ws := &cl.wall
	s := ws.openSess
	if w <= 0 || h <= 0 {
		return block("", max(w, 0), max(h, 0))
	}
	st := s.st
	in := panes.Input{Net: st.Net(), Pos: st.Pos(), Hyper: st.Hyper(), History: st.History(),
		Status: st.Status(), Div: st.Divergence(), Data: s.data, Styles: cl.app.styles, W: w, H: h,
		Cache: &ws.view.cache, Focus: panes.Focus{Layer: -1}}
	var out string
	switch k {
	case PaneTopology:
		out = panes.Topology(in)
	case PaneBoundary:
		out = panes.Boundary(in)
	default:
		out = panes.Loss(in)
	}
	return block(out, w, h)
}

// wallHelp is the key line under the wall.
func (k rosterKeys) wallHelp(open bool) []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	if open {
		return []key.Binding{short(k.Show, "show to the class"), short(k.Back, "back to the wall"), short(k.Help, "keys")}
	}
	return []key.Binding{short(k.Left, "select"), short(k.Open, "open"), short(k.Filter, "filter"),
		short(k.Sort, "sort"), short(k.Wall, "list"), short(k.Help, "keys")}
}
