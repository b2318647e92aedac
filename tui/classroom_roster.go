package tui

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/tui/lesson"
	"backprop/tui/widget"
)

// The teacher's roster: P opens it over the whole screen. One line per
// student (connected or not, idle time, following or forked, lesson and
// step, each step's prediction and checkpoint), sorted, paged, live: the
// hub wakes the teacher when a student reports, and a tick every second
// keeps the idle times current. enter shows the selected student's
// answers in every lesson. The roster has its own key table, so its help
// (?) and the README's table are generated from it.

// rosterKeys are the roster's bindings.
type rosterKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Open, Sort, Back, Close, Help, Quit     key.Binding
	// the class wall (classroom_wall.go)
	Wall, Left, Right, Filter, Show key.Binding
}

func defaultRosterKeys() rosterKeys {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return rosterKeys{
		Up:       b([]string{"up", "k"}, "↑/k", "previous student"),
		Down:     b([]string{"down", "j"}, "↓/j", "next student"),
		PageUp:   b([]string{"pgup", "ctrl+u"}, "pgup", "page up"),
		PageDown: b([]string{"pgdown", "ctrl+d", "space"}, "pgdn", "page down"),
		Top:      b([]string{"home", "g"}, "home/g", "first student"),
		Bottom:   b([]string{"end", "G"}, "end/G", "last student"),
		Open:     b([]string{"enter"}, "enter", "the student's answers"),
		Sort:     b([]string{"s"}, "s", "sort: name, progress, idle (wall: attention, name, progress, accuracy)"),
		Back:     b([]string{"esc"}, "esc", "back (answers → roster → app)"),
		Close:    b([]string{"P"}, "P", "close the roster"),
		Help:     b([]string{"?"}, "?", "help"),
		Quit:     b([]string{"q", "ctrl+c"}, "q", "quit (as in the app)"),
		Wall:     b([]string{"w"}, "w", "the class wall / the list"),
		Left:     b([]string{"left", "h"}, "←/h", "previous tile (wall)"),
		Right:    b([]string{"right", "l"}, "→/l", "next tile (wall)"),
		Filter:   b([]string{"f"}, "f", "wall: everyone, stuck, diverged, done"),
		Show:     b([]string{"c"}, "c", "show the open network to the class"),
	}
}

// ShortHelp is the roster's bottom line.
func (k rosterKeys) ShortHelp() []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	return []key.Binding{short(k.Up, "select"), short(k.Open, "answers"), short(k.Sort, "sort"),
		short(k.Wall, "wall"), short(k.Close, "close"), short(k.Help, "keys")}
}

// detailHelp is the bottom line while a student's answers are shown.
func (k rosterKeys) detailHelp() []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	return []key.Binding{short(k.Up, "scroll"), short(k.Back, "back to the roster"), short(k.Close, "close"),
		short(k.Help, "keys")}
}

// helpGroups is the roster's key table as help.
func (k rosterKeys) helpGroups() []widget.HelpGroup {
	return []widget.HelpGroup{{Title: "Class roster (teacher)", Rows: []widget.HelpRow{
		widget.Row("previous/next student", k.Up, k.Down),
		widget.Row("page up/down", k.PageUp, k.PageDown),
		widget.Row("first/last student", k.Top, k.Bottom),
		widget.Row("", k.Open),
		widget.Row("", k.Sort),
		widget.Row("", k.Back),
		widget.Row("", k.Close),
		widget.Row("", k.Help),
		widget.Row("", k.Quit),
	}}, {Title: "Class wall (teacher)", Rows: []widget.HelpRow{
		widget.Row("", k.Wall),
		widget.Row("previous/next tile", k.Left, k.Right),
		widget.Row("tile above/below (pgup/pgdn: a page)", k.Up, k.Down),
		widget.Row("the student's network, read-only (live)", k.Open),
		widget.Row("", k.Filter),
		widget.Row("", k.Show),
	}}}
}

// RosterKeysMarkdown renders the roster's key table as Markdown (for the
// README), from the bindings the roster runs on.
func RosterKeysMarkdown() string {
	var b strings.Builder
	b.WriteString("| key | action |\n|---|---|\n")
	for _, g := range defaultRosterKeys().helpGroups() {
		for _, r := range g.Rows {
			fmt.Fprintf(&b, "| `%s` | %s |\n", r.Key, r.Desc)
		}
	}
	return b.String()
}

// rosterState is the teacher's roster screen.
type rosterState struct {
	open    bool
	keys    rosterKeys
	by      rosterSort
	rows    []ClassMember // the students, sorted
	sel     int           // index in rows
	selID   string        // the selected student, kept across refreshes
	top     int           // first row shown
	detail  bool          // the selected student's answers
	scroll  int           // of the answers
	help    helpState
	tick    int              // the live tick's id (a new one stops the old)
	lessons []*lesson.Lesson // the built-in lessons: the steps' structure
	now     func() time.Time
}

// rosterTickMsg refreshes the open roster (idle times move on).
type rosterTickMsg struct{ id int }

// rosterTickEvery is how often the open roster redraws without news.
const rosterTickEvery = time.Second

func (rs *rosterState) tickCmd() tea.Cmd {
	id := rs.tick
	return tea.Tick(rosterTickEvery, func(time.Time) tea.Msg { return rosterTickMsg{id} })
}

// openRoster shows the roster (teacher).
func (cl *classroom) openRoster() tea.Cmd {
	rs := &cl.rs
	if rs.now == nil {
		rs.now = time.Now
	}
	if len(rs.keys.Up.Keys()) == 0 {
		rs.keys = defaultRosterKeys()
	}
	if rs.lessons == nil {
		ls, err := lesson.Builtin()
		if err != nil {
			cl.app.setFlash("roster: the lessons: "+err.Error(), true)
		}
		rs.lessons = ls
	}
	rs.open, rs.detail, rs.help = true, false, helpState{}
	rs.tick++
	cl.refreshRoster()
	return rs.tickCmd()
}

// closeRoster hides it; its tick stops.
func (cl *classroom) closeRoster() {
	cl.rs.open = false
	cl.rs.tick++
}

// refreshRoster re-reads the class and keeps the selected student
// selected.
func (cl *classroom) refreshRoster() {
	cl.roster = cl.c.Roster()
	rs := &cl.rs
	rs.rows = sortRoster(cl.roster, rs.by, rs.lessons)
	rs.sel = min(rs.sel, max(len(rs.rows)-1, 0))
	for i, r := range rs.rows {
		if r.ID == rs.selID {
			rs.sel = i
		}
	}
	if rs.sel < len(rs.rows) {
		rs.selID = rs.rows[rs.sel].ID
	}
}

// rosterUpdate handles messages while the roster is open; handled false
// passes msg on to the app.
func (cl *classroom) rosterUpdate(m *Model, msg tea.Msg) (tea.Cmd, bool) {
	rs := &cl.rs
	cl.rsW, cl.rsH = m.w, m.h // pages and help pages before the next View
	switch msg := msg.(type) {
	case rosterTickMsg:
		if !rs.open || msg.id != rs.tick {
			return nil, true // an old tick: dropped, so ticks never double
		}
		cl.refreshRoster()
		cl.refreshWall(m)
		return rs.tickCmd(), true
	case wallOpenedMsg:
		cl.wallOpened(msg)
		return nil, true
	case tea.KeyPressMsg:
		if m.typing() {
			return nil, false
		}
		if cl.wall.on && !rs.help.open && !rs.detail {
			cl.app.flash = ""
			if cmd, handled := cl.wallKey(m, msg); handled {
				return cmd, true
			}
		}
		return cl.rosterKey(m, msg)
	case tea.MouseWheelMsg:
		if msg.Mouse().Button == tea.MouseWheelUp {
			cl.moveSel(-1)
		} else {
			cl.moveSel(1)
		}
		return nil, true
	case tea.MouseClickMsg:
		if cl.wall.on && !rs.detail {
			cl.wallClick(msg.Mouse().X, msg.Mouse().Y)
			return nil, true
		}
		if i := rs.top + msg.Mouse().Y - 2; !rs.detail && msg.Mouse().Y >= 2 && i < len(rs.rows) {
			cl.moveSel(i - rs.sel)
		}
		return nil, true
	case tea.MouseMsg:
		return nil, true
	}
	return nil, false
}

// rosterKey runs a roster key.
func (cl *classroom) rosterKey(m *Model, k tea.KeyPressMsg) (tea.Cmd, bool) {
	rs := &cl.rs
	km := &rs.keys
	cl.app.flash = ""
	if rs.help.open && !key.Matches(k, km.Help, km.Back, km.Quit) {
		rs.help.open = false // any other key acts on the roster
	}
	page := max(cl.rosterRows()-1, 1)
	switch {
	case key.Matches(k, km.Quit):
		cl.closeRoster()
		return nil, false // the app quits (and asks, where it would)
	case key.Matches(k, km.Help):
		rs.help.toggle(len(cl.app.helpPages(km.helpGroups(), cl.rsW, cl.rsH)))
	case key.Matches(k, km.Back):
		switch {
		case rs.help.open:
			rs.help.open = false
		case rs.detail:
			rs.detail = false
		default:
			cl.closeRoster()
		}
	case key.Matches(k, km.Close):
		cl.closeRoster()
	case key.Matches(k, km.Up):
		cl.moveSel(-1)
	case key.Matches(k, km.Down):
		cl.moveSel(1)
	case key.Matches(k, km.PageUp):
		cl.moveSel(-page)
	case key.Matches(k, km.PageDown):
		cl.moveSel(page)
	case key.Matches(k, km.Top):
		cl.moveSel(-len(rs.rows))
	case key.Matches(k, km.Bottom):
		cl.moveSel(len(rs.rows))
	case key.Matches(k, km.Open):
		if len(rs.rows) > 0 {
			rs.detail, rs.scroll = !rs.detail, 0
		}
	case key.Matches(k, km.Sort):
		rs.by = (rs.by + 1) % sortCount
		cl.refreshRoster()
		cl.app.setFlash("roster sorted by "+rs.by.about(), false)
	case key.Matches(k, km.Wall):
		cl.wall.on = !cl.wall.on
		cl.wall.open = false
		cl.refreshWall(m)
	default:
		cl.app.setFlash("the roster is open: P or esc closes it, ? lists its keys", true)
	}
	return nil, true
}

// moveSel moves the selection by d rows (in the answers: scrolls them).
func (cl *classroom) moveSel(d int) {
	rs := &cl.rs
	if rs.detail {
		rs.scroll = max(rs.scroll+d, 0)
		return
	}
	if len(rs.rows) == 0 {
		return
	}
	rs.sel = max(min(rs.sel+d, len(rs.rows)-1), 0)
	rs.selID = rs.rows[rs.sel].ID
}

// rosterRows is how many student rows the screen shows.
func (cl *classroom) rosterRows() int {
	return max(cl.rsH-5, 1) // frame (2), header, legend, key line
}

// rosterView draws the roster (or the selected student's answers, or the
// roster's help) over the whole w×h screen.
func (cl *classroom) rosterView(w, h int) string {
	cl.rsW, cl.rsH = w, h
	rs := &cl.rs
	st := cl.app.styles
	if rs.help.open {
		return strings.Join(cl.app.helpScreen(rs.keys.helpGroups(), rs.help, w, h), "\n")
	}
	var lines []string
	short := rs.keys.ShortHelp()
	switch {
	case rs.detail && rs.sel < len(rs.rows):
		lines = cl.detailView(w, h-2)
		short = rs.keys.detailHelp()
	case cl.wall.on:
		lines = cl.wallScreen(w, h)
		short = rs.keys.wallHelp(cl.wall.open)
	default:
		lines = cl.listView(w, h-2)
	}
	if !cl.wall.on || rs.detail {
		lines = append(lines, rosterLegend(st, w))
	}
	// the key line fits w: the last bindings left out first, never the help
	foot := []string{fit(widget.ShortHelp(st, w, short[:len(short)-1], short[len(short)-1]), w)}
	if fl := cl.app.flashLines(w, 4); fl != nil {
		// the flash, wrapped over the rows above the key line when long
		foot = fl
	}
	copy(lines[max(len(lines)+1-len(foot), 0):], foot[:len(foot)-1])
	lines = append(lines, foot[len(foot)-1])
	return strings.Join(lines, "\n")
}

// listView is the framed list of students in w×h cells.
func (cl *classroom) listView(w, h int) []string {
	rs := &cl.rs
	st := cl.app.styles
	iw, ih := w-2, h-2
	steps := 0
	for _, r := range rs.rows {
		if l := findBuiltin(rs.lessons, r.Lesson); l != nil {
			steps = max(steps, len(l.Steps))
		}
	}
	cols := layoutRoster(iw, steps)
	n := max(ih-1, 1)
	rs.top = max(min(rs.top, rs.sel), rs.sel-n+1, 0)
	content := []string{fit(rosterHeader(cols, st), iw)}
	now := rs.now()
	for i := rs.top; i < len(rs.rows) && i < rs.top+n; i++ {
		content = append(content, rosterLine(rs.rows[i], cols, rs.lessons, now, i == rs.sel, st, iw))
	}
	if len(rs.rows) == 0 {
		content = append(content, fit(st.Dim.Render("  no students yet: they appear here as they connect"), iw))
	}
	here, following := 0, 0
	for _, r := range rs.rows {
		if r.Sessions > 0 {
			here++
			if r.Following {
				following++
			}
		}
	}
	title := fmt.Sprintf("Roster · %d here, %d following, %d left · by %s", here, following, len(rs.rows)-here, rs.by)
	if cl.linkDown {
		title = strings.Replace(title, "Roster · ", "Roster · classroom link down · ", 1)
	}
	if len(rs.rows) > n {
		title += fmt.Sprintf(" · %d–%d of %d", rs.top+1, min(rs.top+n, len(rs.rows)), len(rs.rows))
	}
	return cl.app.look.frame(title, block(strings.Join(content, "\n"), iw, ih), w, h, true)
}

// detailView is the selected student's answers, framed, in w×h cells.
func (cl *classroom) detailView(w, h int) []string {
	rs := &cl.rs
	st := cl.app.styles
	r := rs.rows[rs.sel]
	iw, ih := w-2, h-2
	body := studentDetail(r, rs.lessons, rs.now(), st, iw)
	rs.scroll = min(rs.scroll, max(len(body)-ih, 0))
	body = body[rs.scroll:]
	state := "left"
	if r.Sessions > 0 {
		state = "following"
		if !r.Following {
			state = "forked"
		}
	}
	title := fmt.Sprintf("%s · %s · esc: back to the roster", r.Name, state)
	if len(body) > ih {
		title += fmt.Sprintf(" · ↓ %d more", len(body)-ih)
	}
	return cl.app.look.frame(title, block(strings.Join(body, "\n"), iw, ih), w, h, true)
}
