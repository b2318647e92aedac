package server

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backprop/internal/testkit"
)

// sshAs is sshInPane for user name user.
func sshAs(key, port, user string) string {
	return strings.Replace(sshInPane(key, port), " -tt ", " -l "+user+" -tt ", 1)
}

// rowWith returns the screen line that holds all of subs ("" if none).
func rowWith(screen string, subs ...string) string {
	for _, l := range strings.Split(screen, "\n") {
		ok := true
		for _, s := range subs {
			ok = ok && strings.Contains(l, s)
		}
		if ok {
			return l
		}
	}
	return ""
}

// TestE2ERosterInTmux is the roster's acceptance test, through real
// OpenSSH clients in tmux: a teacher (120×40) opens the lessons, two
// students (80×24) follow into the first step and answer its question, one
// right, one wrong; the teacher's roster shows each answer, then a
// checkpoint, within a second; a student who disconnects stays on it as
// gone; and the gradebook report (serve --report) lists the answers.
func TestE2ERosterInTmux(t *testing.T) {
	testkit.NeedTools(t, "tmux", "ssh")
	prof, alice, bob := newKey(t), newKey(t), newKey(t)
	alice.authz = strings.TrimSuffix(alice.authz, "\n") + " Alice Smith\n" // her name on the roster
	dataDir := t.TempDir()
	report := filepath.Join(t.TempDir(), "grades.csv")
	srv, addr, logs := startServer(t, Config{
		AuthorizedKeysPath: writeAuthorized(t, alice, bob), TeacherKeysPath: writeAuthorized(t, prof),
		DataDir: dataDir, ReportPath: report, ReportEvery: 100 * time.Millisecond, NewModel: realTrainer,
	})
	_, port, _ := strings.Cut(addr, ":")
	x := testkit.NewTmux(t)
	x.Timeout = time.Minute
	T := x.StartShell("teacher", 120, 40, sshAs(writeClientKey(t, prof, "id_prof"), port, "prof"))
	A := x.StartShell("alice", 80, 24, sshAs(writeClientKey(t, alice, "id_alice"), port, "alice"))
	B := x.StartShell("bob", 80, 24, sshAs(writeClientKey(t, bob, "id_bob"), port, "bob"))
	for _, p := range []*testkit.Pane{T, A, B} {
		p.WaitText("guided lessons…")
	}
	// the teacher opens the lessons and predicts
	// up from the first item wraps to the last: load a model, open a
	// CSV, guided lessons (whatever presets come before them)
	for i := 0; i < 3; i++ {
		T.Keys("Up")
	}
	T.WaitText("▸ guided lessons…")
	T.Keys("Enter")
	T.WaitText("Every weight is 0")
	T.Keys("b")
	// the students follow into the step and are asked
	A.WaitText("Every weight is 0")
	B.WaitText("Every weight is 0")
	T.Keys("P")
	T.WaitFor("both students on the roster, not answered yet", func(s string) bool {
		return rowWith(s, "Alice Smith", "perceptron", "1/5 ·····") != "" && rowWith(s, "bob", "1/5 ·····") != ""
	})

	// an answer reaches the roster
	start := time.Now()
	A.Keys("b") // stay: right
	T.WaitFor("Alice's right answer", func(s string) bool { return rowWith(s, "Alice Smith", "1/5 ✓····") != "" })
	answered := time.Since(start)
	start = time.Now()
	B.Keys("a") // go: wrong
	T.WaitFor("bob's wrong answer", func(s string) bool { return rowWith(s, "bob", "1/5 ✗····") != "" })
	answered = max(answered, time.Since(start))
	// the checkpoint: leave and weather
	A.WaitText("Goal")
	start = time.Now()
	A.Keys("2", "3")
	A.WaitText("Checkpoint reached")
	T.WaitFor("Alice's checkpoint", func(s string) bool { return rowWith(s, "Alice Smith", "✓····   ●○○○○") != "" })
	checked := time.Since(start)
	t.Logf("answer → teacher's screen: %v at most; checkpoint keys → teacher's screen: %v (tmux polls every 20 ms)",
		answered.Round(time.Millisecond), checked.Round(time.Millisecond))

	// the teacher's screen at 80×24 still shows both, and Alice's answers
	T.Resize(80, 24)
	T.WaitFor("the roster at 80×24", func(s string) bool {
		return rowWith(s, "Alice Smith", "✓····", "●○○○○", "1/1") != "" && rowWith(s, "bob", "✗····", "0/1") != ""
	})
	T.Keys("Enter") // Alice is first by name
	T.WaitFor("Alice's answers", func(s string) bool {
		return rowWith(s, "Meet the perceptron", "✓ stay") != ""
	})
	T.Keys("Escape")
	T.WaitText("Roster ·")

	// bob disconnects: still listed, as gone
	B.Kill()
	T.WaitFor("bob marked as gone", func(s string) bool {
		return strings.Contains(s, "1 here, 1 following, 1 left") && rowWith(s, "bob", "○") != ""
	})

	// the report lists the answers and the checkpoint
	wantRows := []string{
		"Alice Smith,perceptron,1,q1,stay,true,",
		"Alice Smith,perceptron,1,checkpoint,reached,true,",
		"bob,perceptron,1,q1,go,false,",
	}
	var csv string
	deadline := time.Now().Add(30 * time.Second)
	for {
		b, _ := os.ReadFile(report)
		csv = string(b)
		missing := ""
		for _, w := range wantRows {
			if !strings.Contains(csv, "\n"+w) {
				missing = w
			}
		}
		if missing == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("report lacks %q:\n%s\nlog:\n%s", missing, csv, logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if strings.Contains(csv, "prof") {
		t.Errorf("the teacher is in the report:\n%s", csv)
	}
	// the records behind it
	users, err := DirStore{Dir: dataDir}.Users()
	if err != nil || len(users) != 3 {
		t.Errorf("users %+v, %v", users, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		t.Errorf("shutdown: %v", err)
	}
	final, _ := os.ReadFile(report)
	if !strings.Contains(string(final), "\n"+wantRows[0]) {
		t.Errorf("the report written at shutdown:\n%s", final)
	}
}
