package server

import (
	"bytes"
	"encoding/csv"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backprop/tui/lesson"
)

// The store keeps a record per user in their folder; Users lists the
// folders with a record or progress; IDs that are not one folder name are
// refused.
func TestDirStore(t *testing.T) {
	dir := t.TempDir()
	st := DirStore{Dir: dir}
	at := time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)
	if err := st.PutUser(UserRecord{ID: "key-ab", Name: "Alice", User: "alice", FirstSeen: at, LastSeen: at}); err != nil {
		t.Fatal(err)
	}
	r, ok, err := st.User("key-ab")
	if err != nil || !ok || r.Name != "Alice" || !r.FirstSeen.Equal(at) {
		t.Fatalf("User = %+v, %v, %v", r, ok, err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "key-ab", UserFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("user.json: %v, %v", fi, err)
	}
	// a folder with progress but no record (an older data dir)
	p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"cost": {Step: 1}}}
	if err := st.Progress("user-bob").Save(p); err != nil {
		t.Fatal(err)
	}
	// neither: not a user
	if err := os.MkdirAll(filepath.Join(dir, "user-carol", "saves"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "stray.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	users, err := st.Users()
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 || users[0].ID != "key-ab" || users[1].ID != "user-bob" || users[1].Name != "bob" {
		t.Errorf("Users = %+v", users)
	}
	for _, id := range []string{"", ".", "..", "a/b", `a\b`} {
		if err := st.PutUser(UserRecord{ID: id}); err == nil {
			t.Errorf("PutUser(%q) accepted", id)
		}
		if _, err := st.Progress(id).Load(); err == nil {
			t.Errorf("Progress(%q) accepted", id)
		}
	}
	if got := nameFromID("user-a_2fb"); got != "user-a_2fb" {
		t.Errorf("an escaped name is listed as %q, want its folder", got)
	}
	// a broken record: listed under its folder, the error reported
	if err := os.WriteFile(filepath.Join(dir, "key-ab", UserFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	users, err = st.Users()
	if err == nil || !strings.Contains(err.Error(), filepath.Join("key-ab", UserFile)) || len(users) != 2 {
		t.Errorf("broken record: %+v, %v", users, err)
	}
}

// reportFixture is a data dir with a student who answered (right, wrong,
// one from an old progress file), one who never opened a lesson, one with a
// hostile name, and a teacher.
func reportFixture(t *testing.T) DirStore {
	t.Helper()
	st := DirStore{Dir: t.TempDir()}
	at := func(m int) time.Time { return time.Date(2025, 3, 4, 10, m, 0, 0, time.UTC) }
	put := func(r UserRecord, p *lesson.Progress) {
		if err := st.PutUser(r); err != nil {
			t.Fatal(err)
		}
		if p != nil {
			if err := st.Progress(r.ID).Save(p); err != nil {
				t.Fatal(err)
			}
		}
	}
	put(UserRecord{ID: "key-a1", Name: "Alice Smith", LastSeen: at(40)}, &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{
		"perceptron": {Step: 1, Reached: 1,
			Answers: map[string]bool{"0.0": true},
			Given: map[string]lesson.Answer{
				"0.0": {Choice: 1, Option: "stay", Correct: true, At: at(2)},
				"1.0": {Choice: 0, Option: "w₁ tickets", Correct: false, At: at(5)},
			},
			Done: map[string]time.Time{"0": at(3)}},
		"cost":     {Step: 0, Answers: map[string]bool{"0.0": false}},                               // before given was recorded
		"my-own":   {Step: 4, Completed: true, Done: map[string]time.Time{"1": at(50), "x": at(9)}}, // after she was last seen
		"networks": nil,
	}})
	put(UserRecord{ID: "user-bob", Name: "bob", LastSeen: at(30)}, nil)
	put(UserRecord{ID: "user-_3d", Name: "=HYPERLINK(\"x\")\x1b[2J", LastSeen: at(31)}, nil)
	put(UserRecord{ID: "key-t", Name: "Prof", Teacher: true}, &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"cost": {Step: 2}}})
	return st
}

func TestWriteReport(t *testing.T) {
	st := reportFixture(t)
	ls, err := lesson.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteReport(&b, st, ls); err != nil {
		t.Fatal(err)
	}
	want := `user,lesson,step,question,answer,correct,time,id,ask
"'=HYPERLINK(""x"")\x1b[2J",,,,,,2025-03-04T10:31:00Z,user-_3d,
Alice Smith,perceptron,2,,,,2025-03-04T10:40:00Z,key-a1,
Alice Smith,perceptron,1,q1,stay,true,2025-03-04T10:02:00Z,key-a1,Every weight is 0 and θ = 0.5. Turn on leave and weather — what will it decide?
Alice Smith,perceptron,1,checkpoint,reached,true,2025-03-04T10:03:00Z,key-a1,say you got leave and the weather is nice (keys 2 and 3)
Alice Smith,perceptron,2,q1,w₁ tickets,false,2025-03-04T10:05:00Z,key-a1,Which weight has to be bigger than θ?
Alice Smith,cost,1,,,,2025-03-04T10:40:00Z,key-a1,
Alice Smith,cost,1,q1,,false,,key-a1,` + costQ1(t, ls) + `
Alice Smith,my-own,5,,completed,,2025-03-04T10:50:00Z,key-a1,
Alice Smith,my-own,2,checkpoint,reached,true,2025-03-04T10:50:00Z,key-a1,
bob,,,,,,2025-03-04T10:30:00Z,user-bob,
`
	if got := b.String(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if len(r) != len(ReportColumns()) {
			t.Errorf("row %q has %d cells", r, len(r))
		}
	}
}

// costQ1 is the text of the cost lesson's first question, as a CSV cell.
func costQ1(t *testing.T, ls []*lesson.Lesson) string {
	t.Helper()
	for _, l := range ls {
		if l.ID == "cost" {
			var b bytes.Buffer
			w := csv.NewWriter(&b)
			_ = w.Write([]string{strings.Join(strings.Fields(l.Steps[0].Questions[0].Ask), " ")})
			w.Flush()
			return strings.TrimSuffix(b.String(), "\n")
		}
	}
	t.Fatal("no cost lesson")
	return ""
}

// A progress file that cannot be read: the user is listed without it, the
// rest of the report is whole, and the error names the user.
func TestWriteReportBadProgress(t *testing.T) {
	st := reportFixture(t)
	_ = os.MkdirAll(filepath.Join(st.Dir, "user-bob", "state"), 0o700)
	if err := os.WriteFile(filepath.Join(st.Dir, "user-bob", "state", lesson.ProgressFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	err := WriteReport(&b, st, nil)
	if err == nil || !strings.Contains(err.Error(), "user-bob") {
		t.Errorf("err = %v", err)
	}
	if !strings.Contains(b.String(), "\nbob,,,,,,2025-03-04T10:30:00Z,user-bob,\n") || !strings.Contains(b.String(), "Alice Smith,perceptron") {
		t.Errorf("report:\n%s", b.String())
	}
}

// serve --report: the file is written at start, rewritten when the report
// changes, and a last time at close; it is replaced whole (no temp files).
func TestReporter(t *testing.T) {
	st := reportFixture(t)
	out := filepath.Join(t.TempDir(), "sub", "grades.csv")
	r := newReporter(out, time.Hour, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r.write()
	first, err := os.ReadFile(out)
	if err != nil || !bytes.Contains(first, []byte("Alice Smith,perceptron")) {
		t.Fatalf("first report: %v\n%s", err, first)
	}
	if err := st.PutUser(UserRecord{ID: "user-dan", Name: "dan"}); err != nil {
		t.Fatal(err)
	}
	r.run()
	r.close() // writes once more
	r.close() // idempotent
	last, _ := os.ReadFile(out)
	if !bytes.Contains(last, []byte("\ndan,")) {
		t.Errorf("the last report lacks the new user:\n%s", last)
	}
	ents, _ := os.ReadDir(filepath.Dir(out))
	if len(ents) != 1 {
		t.Errorf("report folder holds %v", ents)
	}
	// a reporter closed without ever running
	r2 := newReporter(out, time.Hour, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	r2.close()
}
