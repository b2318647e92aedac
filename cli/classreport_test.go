package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backprop/server"
	"backprop/tui/lesson"
)

// report writes the gradebook of a data dir to stdout or, atomically, to
// --out; a missing dir or an unreadable progress file exits 1 (the rest
// still written).
func TestReportCommand(t *testing.T) {
	dir := t.TempDir()
	st := server.DirStore{Dir: dir}
	at := time.Date(2025, 3, 4, 10, 2, 0, 0, time.UTC)
	if err := st.PutUser(server.UserRecord{ID: "user-ann", Name: "ann", LastSeen: at}); err != nil {
		t.Fatal(err)
	}
	p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"perceptron": {
		Given: map[string]lesson.Answer{"0.0": {Choice: 1, Option: "stay", Correct: true, At: at}},
		Done:  map[string]time.Time{"0": at},
	}}}
	if err := st.Progress("user-ann").Save(p); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCLI("report", "--data-dir", dir)
	want := "user,lesson,step,question,answer,correct,time,id,ask\n" +
		"ann,perceptron,1,,,,2025-03-04T10:02:00Z,user-ann,\n" +
		"ann,perceptron,1,q1,stay,true,2025-03-04T10:02:00Z,user-ann,"
	if code != 0 || !strings.HasPrefix(out, want) || !strings.Contains(out, "\nann,perceptron,1,checkpoint,reached,true,") {
		t.Errorf("report: exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
	file := filepath.Join(t.TempDir(), "grades.csv")
	if code, _, errs := runCLI("report", "--data-dir", dir, "--out", file); code != 0 {
		t.Fatalf("--out: exit %d: %s", code, errs)
	}
	if b, err := os.ReadFile(file); err != nil || string(b) != out {
		t.Errorf("--out wrote %q (%v), want what stdout had", b, err)
	}
	if code, _, errs := runCLI("report", "--data-dir", filepath.Join(dir, "nope")); code != 1 || !strings.Contains(errs, "--data-dir") {
		t.Errorf("missing dir: exit %d, %q", code, errs)
	}
	if err := os.WriteFile(filepath.Join(dir, "user-ann", "state", lesson.ProgressFile), []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = runCLI("report", "--data-dir", dir)
	if code != 1 || !strings.Contains(errs, "user-ann") || !strings.Contains(out, "\nann,,,,,,2025-03-04T10:02:00Z,user-ann,\n") {
		t.Errorf("broken progress: exit %d, stderr %q, stdout:\n%s", code, errs, out)
	}
}

// readmeDataDir is the data dir behind the README's report: Alice, who
// answered two questions (one wrong) and reached a checkpoint, and bob, who
// logged in and opened no lesson.
func readmeDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	st := server.DirStore{Dir: dir}
	at := func(m int) time.Time { return time.Date(2025, 3, 4, 10, m, 0, 0, time.UTC) }
	for _, u := range []server.UserRecord{
		{ID: "key-3f2a9c0d1e2b4a5f", Name: "Alice Smith", User: "alice", FirstSeen: at(0), LastSeen: at(0)},
		{ID: "user-bob", Name: "bob", User: "bob", FirstSeen: at(1), LastSeen: at(30)},
	} {
		if err := st.PutUser(u); err != nil {
			t.Fatal(err)
		}
	}
	p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"perceptron": {
		Step: 1, Reached: 1, Answers: map[string]bool{"0.0": true},
		Given: map[string]lesson.Answer{
			"0.0": {Choice: 1, Option: "stay", Correct: true, At: at(2)},
			"1.0": {Choice: 0, Option: "w₁ tickets", Correct: false, At: at(5)},
		},
		Done: map[string]time.Time{"0": at(3)},
	}}}
	if err := st.Progress("key-3f2a9c0d1e2b4a5f").Save(p); err != nil {
		t.Fatal(err)
	}
	return dir
}
