package tui

import (
	"backprop/internal/safetext"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"backprop/themes"
	"backprop/tui/lesson"
)

// The teacher's roster drawn as pure functions of the rows, the built-in
// lessons and the time: sorting, the columns a width allows, one line per
// student, and one student's answers in full.

// rosterSort is the roster's order; connected students always come first.
type rosterSort uint8

const (
	sortName     rosterSort = iota // by name
	sortProgress                   // furthest behind first
	sortIdle                       // longest idle first
	sortCount
)

func (s rosterSort) String() string { return [...]string{"name", "progress", "idle"}[s] }

// about says what the order puts first.
func (s rosterSort) about() string {
	return [...]string{"name", "progress: the furthest behind first", "idle time: the longest idle first"}[s]
}

// sortRoster returns the students of rows (teachers left out) in order by:
// the connected first, then by the key, then by name and ID. lessons give
// the lessons' order for sortProgress.
func sortRoster(rows []ClassMember, by rosterSort, lessons []*lesson.Lesson) []ClassMember {
	out := make([]ClassMember, 0, len(rows))
	for _, r := range rows {
		if !r.Teacher {
			out = append(out, r)
		}
	}
	name := func(a, b ClassMember) int {
		if c := strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	}
	slices.SortStableFunc(out, func(a, b ClassMember) int {
		if (a.Sessions > 0) != (b.Sessions > 0) {
			if a.Sessions > 0 {
				return -1
			}
			return 1
		}
		switch by {
		case sortProgress:
			pa, pb := progressKey(a, lessons), progressKey(b, lessons)
			if c := slices.Compare(pa[:], pb[:]); c != 0 {
				return c
			}
		case sortIdle:
			if c := a.LastInput.Compare(b.LastInput); c != 0 {
				return c // the earliest input: idle longest
			}
		}
		return name(a, b)
	})
	return out
}

// progressKey orders by how far a student is: no lesson first, then by
// the lesson's place, the step, and the steps done in it.
func progressKey(r ClassMember, lessons []*lesson.Lesson) [3]int {
	if r.Lesson == "" {
		return [3]int{-1, 0, 0}
	}
	li := len(lessons)
	for i, l := range lessons {
		if l.ID == r.Lesson {
			li = i
		}
	}
	done := 0
	if lp := lessonOf(r); lp != nil {
		done = len(lp.Done)
	}
	return [3]int{li, r.Step, done}
}

// lessonOf is r's progress in the lesson they have open (nil: none).
func lessonOf(r ClassMember) *lesson.LessonProgress {
	if r.Progress == nil || r.Lesson == "" {
		return nil
	}
	return r.Progress.Lessons[r.Lesson]
}

func findBuiltin(lessons []*lesson.Lesson, id string) *lesson.Lesson {
	for _, l := range lessons {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// mark is one step's state in a strip.
type mark rune

const (
	markNone    mark = '–' // the step asks nothing / has no checkpoint
	markNotYet  mark = '·'
	markRight   mark = '✓'
	markWrong   mark = '✗'
	markReached mark = '●' // the checkpoint was reached
	markOpen    mark = '○' // not yet
)

// stepMarks are lesson l's steps for progress lp: the predictions (right
// when all of a step's are, wrong when any is, not yet while any is
// missing) and the checkpoints (reached or not).
func stepMarks(l *lesson.Lesson, lp *lesson.LessonProgress) (answers, checks []mark) {
	for si, st := range l.Steps {
		a := markNone
		if len(st.Questions) > 0 {
			a = markRight
			for qi := range st.Questions {
				right, ok := answerOf(lp, si, qi)
				switch {
				case ok && !right:
					a = markWrong
				case !ok && a == markRight:
					a = markNotYet
				}
			}
		}
		c := markNone
		if st.HasCheckpoint() {
			c = markOpen
			if stepReached(lp, si) {
				c = markReached
			}
		}
		answers, checks = append(answers, a), append(checks, c)
	}
	return answers, checks
}

// answerOf is the prediction for question qi of step si: right or not,
// and whether one was made (recorded, or scored in an older file).
func answerOf(lp *lesson.LessonProgress, si, qi int) (right, ok bool) {
	if lp == nil {
		return false, false
	}
	k := lesson.AnswerKey(si, qi)
	if a, ok := lp.Given[k]; ok {
		return a.Correct, true
	}
	right, ok = lp.Answers[k]
	return right, ok
}

// stepReached: the step's checkpoint was reached (stamped; in a file from
// before the stamps, within the steps reached).
func stepReached(lp *lesson.LessonProgress, si int) bool {
	if _, ok := lp.DoneAt(si); ok {
		return true
	}
	return lp != nil && lp.Done == nil && si < lp.Reached
}

// score counts lp's predictions that were right, and those made.
func score(lp *lesson.LessonProgress) (right, asked int) {
	if lp == nil {
		return 0, 0
	}
	seen := map[string]bool{}
	for k, a := range lp.Given {
		seen[k] = true
		asked++
		if a.Correct {
			right++
		}
	}
	for k, ok := range lp.Answers {
		if !seen[k] {
			asked++
			if ok {
				right++
			}
		}
	}
	return right, asked
}

// idleText is a short duration: 42s, 12m, 3h, 2d ("—" for none).
func idleText(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Minute:
		return strconv.Itoa(int(d/time.Second)) + "s"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + "m"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + "h"
	case d < 1000*24*time.Hour:
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return "long"
}

// rosterCols is the roster's column layout for one width: a width of 0
// leaves the column out.
type rosterCols struct {
	name, mode, lesson, strip, score, goals, where int
}

// Column widths that do not depend on the terminal.
const (
	rcMark   = 2 // "▸ "
	rcOn     = 1 // ● or ○
	rcIdle   = 4
	rcStep   = 5 // 10/12
	rcNameLo = 8
	rcNameHi = 24
)

// layoutRoster fits the columns into w cells (inside the frame) for
// strips of steps cells: name, on, idle, mode, lesson, step and the two
// strips always; the name up to 18 cells, then the score, then the name up
// to rcNameHi, then the position of forked students, as room allows.
func layoutRoster(w, steps int) rosterCols {
	c := rosterCols{mode: 6, lesson: 11, strip: max(steps, 7)}
	base := rcMark + 1 + rcOn + 1 + rcIdle + 1 + c.mode + 1 + c.lesson + 1 + rcStep + 1 + c.strip + 1 + c.strip
	rest := w - base
	c.name = max(min(rest, 18), 0)
	rest -= c.name
	if rest >= 6 {
		c.score = 5 // 12/12
		rest -= 6
	}
	if rest >= 6 {
		c.goals = 5 // 2/3: measurable goals met
		rest -= 6
	}
	grow := max(min(rest, rcNameHi-c.name), 0)
	c.name += grow
	rest -= grow
	if rest >= 17 {
		c.where = rest - 1
	}
	c.name = max(c.name, rcNameLo)
	return c
}

// rcell right-aligns s in n cells.
func rcell(s string, n int) string {
	if w := ansi.StringWidth(s); w < n {
		return strings.Repeat(" ", n-w) + s
	}
	return fit(s, n)
}

// rosterHeader is the line over the rows.
func rosterHeader(c rosterCols, st *themes.Styles) string {
	var b strings.Builder
	b.WriteString(strings.Repeat(" ", rcMark))
	b.WriteString(fit("student", c.name) + " ")
	b.WriteString(fit("", rcOn) + " " + rcell("idle", rcIdle) + " ")
	b.WriteString(fit("mode", c.mode) + " " + fit("lesson", c.lesson) + " " + rcell("step", rcStep) + " ")
	b.WriteString(fit("answers", c.strip) + " " + fit("checks", c.strip))
	if c.score > 0 {
		b.WriteString(" " + rcell("right", c.score))
	}
	if c.goals > 0 {
		b.WriteString(" " + rcell("goals", c.goals))
	}
	if c.where > 0 {
		b.WriteString(" " + fit("forked at", c.where))
	}
	return st.Dim.Render(b.String())
}

// rosterLine is one student's row, w cells wide.
func rosterLine(r ClassMember, c rosterCols, lessons []*lesson.Lesson, now time.Time, selected bool, st *themes.Styles, w int) string {
	var b strings.Builder
	mk := "  "
	if selected {
		mk = "▸ "
	}
	b.WriteString(mk + fit(r.Name, c.name) + " ")
	on, mode := st.OK.Render("●"), "follow"
	if r.Sessions == 0 {
		on, mode = st.Dim.Render("○"), "—"
	} else if !r.Following {
		mode = "fork"
	}
	idle := "—"
	if !r.LastInput.IsZero() {
		idle = idleText(now.Sub(r.LastInput))
	}
	b.WriteString(on + " " + rcell(idle, rcIdle) + " " + fit(mode, c.mode) + " ")
	l := findBuiltin(lessons, r.Lesson)
	lp := lessonOf(r)
	lname, step := "—", ""
	if r.Lesson != "" {
		lname, step = r.Lesson, strconv.Itoa(r.Step+1)
		if l != nil {
			step += "/" + strconv.Itoa(len(l.Steps))
		}
	}
	b.WriteString(fit(lname, c.lesson) + " " + rcell(step, rcStep) + " ")
	var as, cs []mark
	if l != nil {
		as, cs = stepMarks(l, lp)
	}
	b.WriteString(strip(as, r.Step, c.strip, st) + " " + strip(cs, r.Step, c.strip, st))
	if c.score > 0 {
		s := ""
		if right, asked := score(lp); asked > 0 {
			s = fmt.Sprintf("%d/%d", right, asked)
		}
		b.WriteString(" " + rcell(s, c.score))
	}
	if c.goals > 0 {
		s := ""
		if met, all := goalCount(l, lp); all > 0 {
			s = fmt.Sprintf("%d/%d", met, all)
		}
		b.WriteString(" " + rcell(s, c.goals))
	}
	if c.where > 0 {
		where := ""
		if r.Sessions > 0 && !r.Following {
			where = r.Where
		}
		b.WriteString(" " + fit(where, c.where))
	}
	line := fit(b.String(), w)
	if selected {
		line = st.Selected.Render(ansi.Strip(line))
	}
	return line
}

// goalCount is how many of lesson l's measurable goals the student has met
// (each first success is in the progress), of how many.
func goalCount(l *lesson.Lesson, lp *lesson.LessonProgress) (met, all int) {
	if l == nil {
		return 0, 0
	}
	for si, stp := range l.Steps {
		for gi := range stp.Goals {
			all++
			if lp != nil {
				if _, ok := lp.Goals[lesson.GoalKey(si, gi)]; ok {
					met++
				}
			}
		}
	}
	return met, all
}

// strip draws marks in n cells; the step the student is at is bold.
func strip(ms []mark, at, n int, st *themes.Styles) string {
	var b strings.Builder
	for i, m := range ms {
		if i >= n {
			break
		}
		s := string(m)
		switch m {
		case markRight, markReached:
			s = st.OK.Render(s)
		case markWrong:
			s = st.Warn.Render(s)
		case markNotYet, markOpen, markNone:
			if i == at {
				s = st.Bold.Render(s)
			} else {
				s = st.Dim.Render(s)
			}
		}
		b.WriteString(s)
	}
	if len(ms) < n {
		b.WriteString(strings.Repeat(" ", n-len(ms)))
	}
	return b.String()
}

// rosterLegend explains the marks in one line of w cells: the long form
// when it fits, else the short one, each part as long as room allows.
func rosterLegend(st *themes.Styles, w int) string {
	ok, warn, dim := st.OK.Render, st.Warn.Render, st.Dim.Render
	long := []string{
		"answers: " + ok("✓") + " right " + warn("✗") + " wrong · not yet",
		"checks: " + ok("●") + " reached ○ not yet",
		"– none",
		ok("●") + " here " + dim("○") + " left",
	}
	short := []string{
		ok("✓") + " right " + warn("✗") + " wrong · not yet",
		ok("●") + " reached ○ not yet",
		"– none",
		ok("●") + "/○ here/left",
	}
	for _, parts := range [][]string{long, short} {
		if s := strings.Join(parts, "   "); ansi.StringWidth(s) <= w {
			return fit(s, w)
		}
	}
	line := ""
	for _, p := range short {
		next := p
		if line != "" {
			next = line + "  " + p
		}
		if ansi.StringWidth(next) > w {
			break
		}
		line = next
	}
	return fit(line, w)
}

// studentDetail is one student's answers in every lesson, as lines of w
// cells: a lesson's title line, then a line per step: its title, the
// prediction (the option chosen, right or wrong, when) and the checkpoint
// (reached when). Times are in loc: "15:04" today, else "Jan 2".
func studentDetail(r ClassMember, lessons []*lesson.Lesson, now time.Time, st *themes.Styles, w int) []string {
	var out []string
	add := func(s string) { out = append(out, fit(s, w)) }
	var progress map[string]*lesson.LessonProgress
	if r.Progress != nil {
		progress = r.Progress.Lessons
	}
	known := map[string]bool{}
	for _, l := range lessons {
		known[l.ID] = true
		lp := progress[l.ID]
		head := st.Title.Render(l.ID) + " · " + l.Title
		if lp == nil {
			add(head + st.Dim.Render(" · not started"))
			continue
		}
		info := fmt.Sprintf(" · at step %d/%d", lp.Step+1, len(l.Steps))
		if lp.Completed {
			info = " · completed"
		}
		if right, asked := score(lp); asked > 0 {
			info += fmt.Sprintf(" · %d/%d right", right, asked)
		}
		add(head + st.Dim.Render(info))
		tw := 0
		for _, stp := range l.Steps {
			tw = max(tw, ansi.StringWidth(stp.Title))
		}
		tw = min(tw, max((w-detailFixed)/2, 8))
		ow := max(min(w-detailFixed-tw, 28), 4)
		for si, stp := range l.Steps {
			for _, line := range stepDetail(lp, si, stp, now, st, tw, ow) {
				add(line)
			}
		}
	}
	var other []string
	for id := range progress {
		if !known[id] && progress[id] != nil {
			other = append(other, id)
		}
	}
	slices.Sort(other)
	for _, id := range other {
		right, asked := score(progress[id])
		add(st.Title.Render(id) + st.Dim.Render(fmt.Sprintf(" · at step %d · %d/%d right", progress[id].Step+1, right, asked)))
	}
	return out
}

// detailFixed is the width of a step line's fixed cells: "▸ 1 " before
// the title, then "  ✓ " + option + " " + time(6) + "  ● " + time(6).
const detailFixed = 4 + 2 + 2 + 1 + 6 + 2 + 2 + 6

// stepDetail is step si's line (and one more for each further question):
// "▸ 2 Weights are significance  ✗ w₁ tickets   10:05  ● 10:07".
func stepDetail(lp *lesson.LessonProgress, si int, stp *lesson.Step, now time.Time, st *themes.Styles, tw, ow int) (out []string) {
	stamp := func(t time.Time) string {
		if t.IsZero() {
			return fit("", 6)
		}
		t = t.In(now.Location())
		if y, m, d := t.Date(); y == now.Year() && m == now.Month() && d == now.Day() {
			return st.Dim.Render(fit(t.Format("15:04"), 6))
		}
		return st.Dim.Render(fit(t.Format("Jan 2"), 6))
	}
	here := "  "
	if si == lp.Step {
		here = "▸ "
	}
	check := ""
	if stp.HasCheckpoint() {
		check = st.Dim.Render("○")
		if stepReached(lp, si) {
			at, _ := lp.DoneAt(si)
			check = st.OK.Render("●") + " " + stamp(at)
		}
	}
	title := fmt.Sprintf("%s%d %s", here, si+1, fit(stp.Title, tw))
	if len(stp.Questions) == 0 {
		return append([]string{title + "  " + fit(st.Dim.Render("–"), 2+ow+1+6) + "  " + check}, goalDetail(lp, si, stp, st, stamp, tw+ow+12)...)
	}
	defer func() { out = append(out, goalDetail(lp, si, stp, st, stamp, tw+ow+12)...) }()
	for qi := range stp.Questions {
		k := lesson.AnswerKey(si, qi)
		ans := st.Dim.Render("·") + " " + fit(st.Dim.Render("not yet"), ow) + " " + fit("", 6)
		if a, ok := lp.Given[k]; ok {
			ans = verdict(a.Correct, st) + " " + fit(a.Option, ow) + " " + stamp(a.At)
		} else if right, ok := lp.Answers[k]; ok {
			ans = verdict(right, st) + " " + fit(st.Dim.Render("(not recorded)"), ow) + " " + fit("", 6)
		}
		if qi > 0 {
			title, check = strings.Repeat(" ", ansi.StringWidth(title)), ""
		}
		out = append(out, title+"  "+ans+"  "+check)
	}
	return out
}

// goalDetail is a line per measurable goal of step si: "✓ test_loss <=
// 0.177 = 0.15  10:07" once the student met it (the value then), "· …"
// before; gw cells for the goal and its value.
func goalDetail(lp *lesson.LessonProgress, si int, stp *lesson.Step, st *themes.Styles, stamp func(time.Time) string, gw int) []string {
	var out []string
	for gi, g := range stp.Goals {
		line := "    " + st.Dim.Render("·") + " " + fit(st.Dim.Render(g.Src), gw) + " " + fit("", 6)
		if r, ok := lp.Goals[lesson.GoalKey(si, gi)]; ok {
			text := g.Src
			if r.Value != "" {
				text += " = " + safetext.Line(r.Value)
			}
			line = "    " + st.OK.Render("✓") + " " + fit(text, gw) + " " + stamp(r.At)
		}
		out = append(out, line)
	}
	return out
}

func verdict(right bool, st *themes.Styles) string {
	if right {
		return st.OK.Render("✓")
	}
	return st.Warn.Render("✗")
}
