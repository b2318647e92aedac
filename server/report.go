package server

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"backprop/internal/safetext"
	"backprop/tui/lesson"
)

// The gradebook report: the roster and every user's saved lesson progress
// as CSV, one row per fact, for a spreadsheet or a gradebook import.
//
//	user,lesson,step,question,answer,correct,time,id,ask
//	Alice Smith,perceptron,1,q1,stay,true,2025-03-04T10:02:11Z,key-3f…,"Every weight is 0 …"
//	Alice Smith,perceptron,1,checkpoint,reached,true,2025-03-04T10:02:30Z,key-3f…,
//	Alice Smith,perceptron,2,,,,2025-03-04T10:40:00Z,key-3f…,
//
// Rows by question: "q1", "q2", … a prediction of that step (answer: the
// option chosen, correct: true or false, time: when it was made);
// "checkpoint" the step's checkpoint (answer "reached", time: when first
// reached); "" where the student is in that lesson (step: the step they
// are at, answer "completed" once the lesson is, time: their last answer
// or checkpoint there, or when they were last seen if that is later). A user with no lesson progress has one row with only user, time
// and id. Steps and questions count from 1; times are RFC 3339 in UTC.
// Users are sorted by name (ignoring case); teachers are left out. Text cells are sanitised (safetext) and a cell
// that a spreadsheet would run as a formula (=, +, -, @) is prefixed
// with '.

// ReportColumns is the report's header.
func ReportColumns() []string {
	return []string{"user", "lesson", "step", "question", "answer", "correct", "time", "id", "ask"}
}

// WriteReport writes the report of every user in st to w. lessons (the
// built-in ones) order each user's lessons and give the questions' text;
// a lesson not among them follows, by ID. A user whose progress cannot be
// read is listed without it, and the first such error is returned after
// the whole report is written.
func WriteReport(w io.Writer, st Store, lessons []*lesson.Lesson) error {
	users, first := st.Users()
	sort.SliceStable(users, func(i, j int) bool {
		a, b := strings.ToLower(users[i].Name), strings.ToLower(users[j].Name)
		if a != b {
			return a < b
		}
		return users[i].ID < users[j].ID
	})
	cw := csv.NewWriter(w)
	if err := cw.Write(ReportColumns()); err != nil {
		return err
	}
	for _, u := range users {
		if u.Teacher {
			continue
		}
		p, err := st.Progress(u.ID).Load()
		if err != nil && first == nil {
			first = fmt.Errorf("%s: %w", u.ID, err)
		}
		for _, r := range userRows(u, p, lessons) {
			if err := cw.Write(r); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return first
}

// userRows are one user's rows.
func userRows(u UserRecord, p *lesson.Progress, lessons []*lesson.Lesson) [][]string {
	row := func(lessonID string, step int, question, answer, correct string, at time.Time, ask string) []string {
		s := ""
		if step > 0 {
			s = strconv.Itoa(step)
		}
		t := ""
		if !at.IsZero() {
			t = at.UTC().Format(time.RFC3339)
		}
		return []string{cell(u.Name), cell(lessonID), s, question, cell(answer), correct, t, cell(u.ID), cell(ask)}
	}
	var out [][]string
	for _, id := range lessonOrder(p, lessons) {
		lp := p.Lessons[id]
		l := findLesson(lessons, id)
		done := ""
		if lp.Completed {
			done = "completed"
		}
		out = append(out, row(id, lp.Step+1, "", done, "", lastActive(u.LastSeen, lp), ""))
		for _, f := range facts(lp, l) {
			si, qi := f.si, f.qi
			key := lesson.AnswerKey(si, qi)
			q := fmt.Sprintf("q%d", qi+1)
			if f.checkpoint {
				at, _ := lp.DoneAt(si)
				out = append(out, row(id, si+1, "checkpoint", "reached", "true", at, goal(l, si)))
				continue
			}
			a, given := lp.Given[key]
			right := a.Correct
			if !given {
				right = lp.Answers[key] // saved before predictions were recorded
			}
			out = append(out, row(id, si+1, q, a.Option, strconv.FormatBool(right), a.At, ask(l, si, qi)))
		}
	}
	if len(out) == 0 {
		out = append(out, row("", 0, "", "", "", u.LastSeen, ""))
	}
	return out
}

// lastActive is when the student was last seen, or their latest answer
// or checkpoint in lp if later (a student still connected was last "seen"
// when they logged in).
func lastActive(seen time.Time, lp *lesson.LessonProgress) time.Time {
	for _, a := range lp.Given {
		if a.At.After(seen) {
			seen = a.At
		}
	}
	for _, t := range lp.Done {
		if t.After(seen) {
			seen = t
		}
	}
	return seen
}

// lessonOrder is the IDs of p's lessons: the known lessons' order, then
// the others by ID.
func lessonOrder(p *lesson.Progress, lessons []*lesson.Lesson) []string {
	if p == nil {
		return nil
	}
	var ids []string
	for _, l := range lessons {
		if p.Lessons[l.ID] != nil {
			ids = append(ids, l.ID)
		}
	}
	var rest []string
	for id, lp := range p.Lessons {
		if lp != nil && findLesson(lessons, id) == nil {
			rest = append(rest, id)
		}
	}
	sort.Strings(rest)
	return append(ids, rest...)
}

func findLesson(lessons []*lesson.Lesson, id string) *lesson.Lesson {
	for _, l := range lessons {
		if l.ID == id {
			return l
		}
	}
	return nil
}

// fact is one row's place: step si, question qi, or the step's
// checkpoint.
type fact struct {
	si, qi     int
	checkpoint bool
}

// facts lists lp's predictions and checkpoints in step order, a step's
// questions before its checkpoint. A step of l that has no checkpoint gets
// no checkpoint row (its Done stamp only says its questions were
// answered); keys that are not numbers are skipped.
func facts(lp *lesson.LessonProgress, l *lesson.Lesson) []fact {
	var out []fact
	seen := map[[2]int]bool{}
	for _, m := range []map[string]bool{keysOf(lp.Given), lp.Answers} {
		for k := range m {
			a, b, ok := strings.Cut(k, ".")
			si, err1 := strconv.Atoi(a)
			qi, err2 := strconv.Atoi(b)
			if !ok || err1 != nil || err2 != nil || si < 0 || qi < 0 || seen[[2]int{si, qi}] {
				continue
			}
			seen[[2]int{si, qi}] = true
			out = append(out, fact{si: si, qi: qi})
		}
	}
	for k := range lp.Done {
		si, err := strconv.Atoi(k)
		if err != nil || si < 0 || l != nil && (si >= len(l.Steps) || len(l.Steps[si].Checks) == 0) {
			continue
		}
		out = append(out, fact{si: si, checkpoint: true})
	}
	slices.SortFunc(out, func(a, b fact) int {
		switch {
		case a.si != b.si:
			return a.si - b.si
		case a.checkpoint != b.checkpoint:
			if a.checkpoint {
				return 1
			}
			return -1
		}
		return a.qi - b.qi
	})
	return out
}

func keysOf(m map[string]lesson.Answer) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// ask is the text of question qi of step si ("" when unknown).
func ask(l *lesson.Lesson, si, qi int) string {
	if l == nil || si >= len(l.Steps) || qi >= len(l.Steps[si].Questions) {
		return ""
	}
	return oneLine(l.Steps[si].Questions[qi].Ask)
}

// goal is step si's checkpoint in words ("" when unknown).
func goal(l *lesson.Lesson, si int) string {
	if l == nil || si >= len(l.Steps) {
		return ""
	}
	return oneLine(l.Steps[si].Goal)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// cell makes text safe in a report: terminal controls escaped (a CSV is
// often read with cat), and a leading =, +, -, @ (a formula to a
// spreadsheet) prefixed with '.
func cell(s string) string {
	s = safetext.Line(s)
	if s != "" && strings.ContainsRune("=+-@", rune(s[0])) {
		s = "'" + s
	}
	return s
}

// ReportFile writes WriteReport's CSV to path atomically (temp file,
// fsync, rename): a spreadsheet that opens it sees the old report or the
// new one, whole. On a progress error the report is still written and the
// error returned.
func ReportFile(path string, st Store, lessons []*lesson.Lesson) error {
	var b bytes.Buffer
	err := WriteReport(&b, st, lessons)
	if b.Len() == 0 {
		return err
	}
	if werr := writeFileAtomic(path, b.Bytes(), 0o600); werr != nil {
		return fmt.Errorf("report %s: %w", path, werr)
	}
	return err
}

// DefaultReportEvery is how often serve --report rewrites its file.
const DefaultReportEvery = 5 * time.Second

// reporter keeps Config.ReportPath up to date while the server runs: it
// rewrites the file when the report changed, every ReportEvery, and once
// more when the server stops.
type reporter struct {
	path    string
	every   time.Duration
	store   Store
	lessons []*lesson.Lesson
	log     *slog.Logger

	start, finish sync.Once
	stop, done    chan struct{}
	last          []byte // the report last written (the loop's, then close's)
	failed        string // the last error logged, to log each once
}

func newReporter(path string, every time.Duration, st Store, log *slog.Logger) *reporter {
	ls, err := lesson.Builtin()
	if err != nil {
		log.Warn("report: the built-in lessons", "err", err)
	}
	return &reporter{path: path, every: every, store: st, lessons: ls, log: log,
		stop: make(chan struct{}), done: make(chan struct{})}
}

// run starts the loop (once).
func (r *reporter) run() {
	r.start.Do(func() {
		go func() {
			defer close(r.done)
			t := time.NewTicker(r.every)
			defer t.Stop()
			r.write()
			for {
				select {
				case <-r.stop:
					return
				case <-t.C:
					r.write()
				}
			}
		}()
	})
}

// close stops the loop and writes the report a last time.
func (r *reporter) close() {
	r.finish.Do(func() {
		close(r.stop)
		r.start.Do(func() { close(r.done) }) // never started
		<-r.done
		r.write()
	})
}

// write rewrites the file if the report changed; errors are logged, each
// new one once.
func (r *reporter) write() {
	var b bytes.Buffer
	err := WriteReport(&b, r.store, r.lessons)
	if err == nil && !bytes.Equal(b.Bytes(), r.last) {
		if err = writeFileAtomic(r.path, b.Bytes(), 0o600); err == nil {
			r.last = b.Bytes()
			r.log.Debug("report written", "file", r.path, "bytes", b.Len())
		}
	}
	if err != nil && err.Error() != r.failed {
		r.log.Warn("report", "file", r.path, "err", err)
	}
	if err != nil {
		r.failed = err.Error()
	} else {
		r.failed = ""
	}
}
