package server

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"backprop/tui"
	"backprop/tui/lesson"
)

// testNATS is a real nats-server with JetStream, in this process, on a
// fixed port so it can be restarted in place.
type testNATS struct {
	t    testing.TB
	dir  string
	addr string
	e    *embeddedNATS
}

// startTestNATS starts one for the test (stopped at cleanup, after the
// links registered later have closed).
func startTestNATS(t testing.TB) *testNATS {
	t.Helper()
	n := &testNATS{t: t, dir: t.TempDir()}
	n.start("127.0.0.1:0")
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(n.e.url, "nats://"))
	n.addr = "127.0.0.1:" + port
	t.Cleanup(func() {
		if n.e != nil {
			n.e.stop()
		}
	})
	return n
}

func (n *testNATS) start(listen string) {
	n.t.Helper()
	e, err := startEmbeddedNATS(n.dir, listen, slog.New(slog.DiscardHandler))
	if err != nil {
		n.t.Fatal(err)
	}
	n.e = e
}

// restart stops the server and starts it again on the same port and store.
func (n *testNATS) restart(down time.Duration) {
	n.t.Helper()
	n.e.stop()
	n.e = nil
	time.Sleep(down)
	n.start(n.addr)
}

func (n *testNATS) url() string { return "nats://" + n.addr }

// testLink connects an instance named inst to n (closed at cleanup).
func testLink(t testing.TB, n *testNATS, inst string) *NATSLink {
	t.Helper()
	l, err := ConnectNATS(context.Background(), NATSConfig{URL: n.url(), Instance: inst, Class: "c1",
		Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l
}

// sharedHub is a hub of instance inst bridged to n.
func sharedHub(t testing.TB, n *testNATS, inst string) *Hub {
	t.Helper()
	h := NewHub(10 * time.Millisecond)
	b := startBridge(testLink(t, n, inst), h, slog.New(slog.DiscardHandler))
	t.Cleanup(func() { b.stop(); h.Close() })
	return h
}

// eventually polls ok for up to d.
func eventually(t testing.TB, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v: %s", d, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// rosterRow finds id's row.
func rosterRow(m *Member, id string) (tui.ClassMember, bool) {
	for _, r := range m.Roster() {
		if r.ID == id {
			return r, true
		}
	}
	return tui.ClassMember{}, false
}

func TestConnectNATSUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now
	start := time.Now()
	_, err = ConnectNATS(context.Background(), NATSConfig{URL: "nats://" + addr, Instance: "a"})
	if err == nil || !strings.Contains(err.Error(), "cannot reach NATS at nats://"+addr) {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
	if _, err := ConnectNATS(context.Background(), NATSConfig{URL: "nats://" + addr, Instance: "a", Class: "a.b"}); err == nil ||
		!strings.Contains(err.Error(), `class "a.b"`) {
		t.Errorf("bad class: %v", err)
	}
}

func TestEmbeddedNATSBusyPortAndLockedStore(t *testing.T) {
	n := startTestNATS(t)
	_, err := startEmbeddedNATS(t.TempDir(), n.addr, slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("busy port: %v", err)
	}
	_, err = startEmbeddedNATS(n.dir, "127.0.0.1:0", slog.New(slog.DiscardHandler))
	if err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("a second server on one store: %v", err)
	}
}

func TestKeyToken(t *testing.T) {
	for in, want := range map[string]string{
		"key-00ff": "key-00ff", "user-a_2fb": "user-a_2fb", "user-ab.12": "user-ab=12",
		"a b": "x-612062", "x-1": "x-782d31", "": "x-",
	} {
		if got := KeyToken(in); got != want {
			t.Errorf("KeyToken(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSharedClass: three instances' hubs on one NATS share a class: the
// teacher's state reaches every student on every instance, late joiners
// start from the current state, the roster lists everyone everywhere, and
// each answer is recorded once.
func TestSharedClass(t *testing.T) {
	n := startTestNATS(t)
	a, b, c := sharedHub(t, n, "a"), sharedHub(t, n, "b"), sharedHub(t, n, "c")
	prof := a.JoinAs(MemberInfo{ID: "key-prof", Name: "prof", Teacher: true})
	alice := b.JoinAs(MemberInfo{ID: "key-alice", Name: "Alice"})
	bob := c.JoinAs(MemberInfo{ID: "user-bob", Name: "bob"})
	local := a.JoinAs(MemberInfo{ID: "user-carol", Name: "carol"})

	prof.Publish(tui.ClassState{Model: []byte(`{"w":1}`), Lesson: "perceptron", LessonStep: 2, Status: "step 2"})
	for _, m := range []*Member{alice, bob, local} {
		eventually(t, 5*time.Second, m.Name()+" gets the teacher's step", func() bool {
			st, ok := m.Latest()
			return ok && st.Lesson == "perceptron" && st.LessonStep == 2 && string(st.Model) == `{"w":1}`
		})
	}
	// a big network goes by reference through the object store
	big := []byte(`{"w":"` + strings.Repeat("7", natsInlineModel+10) + `"}`)
	prof.Publish(tui.ClassState{Model: big, Lesson: "perceptron", LessonStep: 3})
	eventually(t, 10*time.Second, "the big network reaches bob", func() bool {
		st, _ := bob.Latest()
		return st.LessonStep == 3 && string(st.Model) == string(big)
	})
	// students see the teacher on their roster; the teacher sees everyone
	eventually(t, 5*time.Second, "alice sees the teacher", func() bool {
		r, ok := rosterRow(alice, "key-prof")
		return ok && r.Teacher && r.Sessions == 1
	})
	pr := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"perceptron": {Step: 1,
		Given: map[string]lesson.Answer{"0.0": {Choice: 1, Option: "stay", Correct: true, At: time.Now().UTC()}}}}}
	alice.SetProgress("perceptron", 1, pr)
	bob.SetStatus(false, "xor · epoch 3")
	eventually(t, 5*time.Second, "the teacher's roster", func() bool {
		ra, okA := rosterRow(prof, "key-alice")
		rb, okB := rosterRow(prof, "user-bob")
		rc, okC := rosterRow(prof, "user-carol")
		return okA && okB && okC && ra.Sessions == 1 && ra.Lesson == "perceptron" && ra.Step == 1 &&
			ra.Progress != nil && ra.Progress.Lessons["perceptron"].Given["0.0"].Option == "stay" &&
			!rb.Following && rb.Where == "xor · epoch 3" && rc.Sessions == 1
	})
	// a late joiner on another instance starts from the current state
	late := sharedHub(t, n, "d").JoinAs(MemberInfo{ID: "user-dan", Name: "dan"})
	eventually(t, 5*time.Second, "the late joiner's state", func() bool {
		st, ok := late.Latest()
		return ok && st.LessonStep == 3
	})
	// the answer is recorded once, whatever rewrites the row
	alice.SetStatus(true, "following")
	alice.SetProgress("perceptron", 1, pr)
	ctx := context.Background()
	l := testLink(t, n, "probe")
	key := "c1.key-alice.perceptron.0_0"
	eventually(t, 5*time.Second, "the answer in bp_answers", func() bool {
		_, err := l.answers.Get(ctx, key)
		return err == nil
	})
	e, _ := l.answers.Get(ctx, key)
	if e.Revision() == 0 || !strings.Contains(string(e.Value()), `"option":"stay"`) {
		t.Errorf("answer record %s", e.Value())
	}
	if _, err := l.answers.Create(ctx, key, []byte(`{}`)); err == nil {
		t.Error("a second Create of one answer succeeded")
	}
	// a student leaving stays on the roster as gone
	bob.Leave()
	eventually(t, 5*time.Second, "bob gone", func() bool {
		r, ok := rosterRow(prof, "user-bob")
		return ok && r.Sessions == 0
	})
	// the teacher leaving: students see no teacher
	prof.Leave()
	eventually(t, 5*time.Second, "the teacher gone from alice's roster", func() bool {
		_, ok := rosterRow(alice, "key-prof")
		return !ok
	})
}

// TestSharedClassNATSRestart: NATS restarting does not end the class; the
// hubs report the link down meanwhile and catch up afterwards.
func TestSharedClassNATSRestart(t *testing.T) {
	n := startTestNATS(t)
	a, b := sharedHub(t, n, "a"), sharedHub(t, n, "b")
	prof := a.JoinAs(MemberInfo{ID: "key-prof", Name: "prof", Teacher: true})
	alice := b.JoinAs(MemberInfo{ID: "key-alice", Name: "Alice"})
	prof.Publish(tui.ClassState{Lesson: "perceptron", LessonStep: 1})
	eventually(t, 5*time.Second, "step 1", func() bool { st, _ := alice.Latest(); return st.LessonStep == 1 })

	n.e.stop()
	eventually(t, 5*time.Second, "the teacher sees the link down", prof.LinkDown)
	// the class goes on here meanwhile
	prof.Publish(tui.ClassState{Lesson: "perceptron", LessonStep: 2})
	alice.SetStatus(false, "forked while NATS was down")
	time.Sleep(300 * time.Millisecond)
	n.start(n.addr)
	eventually(t, 15*time.Second, "link back", func() bool { return !prof.LinkDown() })
	eventually(t, 15*time.Second, "step 2 after the restart", func() bool { st, _ := alice.Latest(); return st.LessonStep == 2 })
	eventually(t, 15*time.Second, "alice's status after the restart", func() bool {
		r, ok := rosterRow(prof, "key-alice")
		return ok && r.Where == "forked while NATS was down"
	})
	prof.Publish(tui.ClassState{Lesson: "perceptron", LessonStep: 3})
	eventually(t, 5*time.Second, "step 3", func() bool { st, _ := alice.Latest(); return st.LessonStep == 3 })
}

// TestSharedClassInstanceGone: the rows of an instance that stops beating
// count as disconnected; a restarted instance retires its old rows.
func TestSharedClassInstanceGone(t *testing.T) {
	n := startTestNATS(t)
	a := sharedHub(t, n, "a")
	prof := a.JoinAs(MemberInfo{ID: "key-prof", Name: "prof", Teacher: true})
	// instance b: its student is connected, then b vanishes without a word
	lb := testLink(t, n, "b")
	hb := NewHub(10 * time.Millisecond)
	bb := startBridge(lb, hb, slog.New(slog.DiscardHandler))
	hb.JoinAs(MemberInfo{ID: "key-alice", Name: "Alice"})
	eventually(t, 5*time.Second, "alice here", func() bool { r, ok := rosterRow(prof, "key-alice"); return ok && r.Sessions == 1 })
	bb.cancel() // as if killed: no last rows
	bb.wg.Wait()
	lb.Close()
	eventually(t, deadAfter+5*time.Second, "alice counted as gone", func() bool {
		r, ok := rosterRow(prof, "key-alice")
		return ok && r.Sessions == 0
	})
	// b comes back: its old row is retired at once
	sharedHub(t, n, "b")
	ctx := context.Background()
	e, err := testLink(t, n, "probe").roster.Get(ctx, "c1.key-alice.b")
	if err != nil || !strings.Contains(string(e.Value()), `"sessions":0`) {
		t.Errorf("b's old row after its restart: %v %s", err, valueOf(e))
	}
}

func valueOf(e jetstream.KeyValueEntry) string {
	if e == nil {
		return "<nil>"
	}
	return fmt.Sprintf("%s", e.Value())
}

// TestFitRow: a roster row too large for the bucket loses its progress
// (the position stays); one that cannot fit is refused.
func TestFitRow(t *testing.T) {
	given := map[string]lesson.Answer{}
	for i := range 5000 {
		given[fmt.Sprintf("%d.0", i)] = lesson.Answer{Option: strings.Repeat("x", 20)}
	}
	r := tui.ClassMember{ID: "key-1", Name: "ann", Lesson: "perceptron", Step: 2,
		Progress: &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"perceptron": {Given: given}}}}
	data, err := fitRow(rowMsg{ClassMember: r})
	if err != nil || len(data) > rowFits || strings.Contains(string(data), `"progress"`) || !strings.Contains(string(data), `"lesson":"perceptron"`) {
		t.Errorf("fitRow: %d bytes, %v", len(data), err)
	}
	r.Where = strings.Repeat("w", natsRosterValueMax)
	if _, err := fitRow(rowMsg{ClassMember: r}); err == nil {
		t.Error("a row that cannot fit was accepted")
	}
	small := tui.ClassMember{ID: "key-2", Name: "bob"}
	if data, err := fitRow(rowMsg{ClassMember: small}); err != nil || !strings.Contains(string(data), `"name":"bob"`) {
		t.Errorf("a small row: %s, %v", data, err)
	}
}
