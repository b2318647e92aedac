package server

import (
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"backprop/tui"
)

// waitTrue runs m.Wait in a goroutine and reports its result within d.
func waitResult(m *Member, d time.Duration) (result, returned bool) {
	ch := make(chan bool, 1)
	go func() { ch <- m.Wait() }()
	select {
	case r := <-ch:
		return r, true
	case <-time.After(d):
		return false, false
	}
}

func TestHubPublishFollow(t *testing.T) {
	h := NewHub(20 * time.Millisecond)
	teacher := h.Join("prof", true)
	alice := h.Join("alice", false)
	if _, ok := alice.Latest(); ok {
		t.Fatal("Latest before any Publish")
	}
	alice.Publish(tui.ClassState{Status: "student cannot publish"})
	if _, ok := teacher.Latest(); ok {
		t.Fatal("a student's Publish was accepted")
	}
	model := []byte(`{"sizes":[2,2,1]}`)
	teacher.Publish(tui.ClassState{Model: model, Status: "epoch 1"})
	model[0] = 'X' // the hub keeps its own copy
	if r, ok := waitResult(alice, time.Second); !ok || !r {
		t.Fatalf("student not woken by Publish (returned=%v, result=%v)", ok, r)
	}
	st, ok := alice.Latest()
	if !ok || st.Version != 1 || st.Status != "epoch 1" || string(st.Model) != `{"sizes":[2,2,1]}` {
		t.Fatalf("Latest = %+v, %v", st, ok)
	}
	// Many publishes in a burst: coalesced into few wake-ups, last state wins.
	for i := 2; i <= 50; i++ {
		teacher.Publish(tui.ClassState{Status: "epoch " + strconv.Itoa(i)})
	}
	wakes := 0
	for {
		r, ok := waitResult(alice, 100*time.Millisecond)
		if !ok {
			break
		}
		if !r {
			t.Fatal("Wait returned false while joined")
		}
		wakes++
	}
	if wakes < 1 || wakes > 3 {
		t.Errorf("50 publishes woke the student %d times, want 1..3", wakes)
	}
	if st, _ := alice.Latest(); st.Version != 50 || st.Status != "epoch 50" {
		t.Errorf("after burst Latest = %+v", st)
	}
	// A student joining late is woken at once to load the current state.
	bob := h.Join("bob", false)
	if r, ok := waitResult(bob, time.Second); !ok || !r {
		t.Error("late joiner not woken")
	}
}

func TestHubStatusClippedAtRune(t *testing.T) {
	h := NewHub(time.Millisecond)
	defer h.Close()
	m := h.Join("alice", false)
	for _, tc := range []struct{ in, want string }{
		{"forked · epoch 3", "forked · epoch 3"},
		{strings.Repeat("a", 79) + "·b", strings.Repeat("a", 79)}, // "·" is 2 bytes at 79–80
		{strings.Repeat("a", 78) + "·b", strings.Repeat("a", 78) + "·"},
		{strings.Repeat("é", 50), strings.Repeat("é", 40)},
		{strings.Repeat("€", 30), strings.Repeat("€", 26)}, // 3-byte runes: 78 bytes
	} {
		m.SetStatus(false, tc.in)
		got := h.Join("t", true).Roster()
		var where string
		for _, r := range got {
			if r.Name == "alice" {
				where = r.Where
			}
		}
		if where != tc.want || !utf8.ValidString(where) || len(where) > maxWhere {
			t.Errorf("SetStatus(%q): roster says %q (%d bytes), want %q", tc.in, where, len(where), tc.want)
		}
	}
}

func TestHubRosterAndStatus(t *testing.T) {
	h := NewHub(10 * time.Millisecond)
	bob := h.Join("bob", false)
	teacher := h.Join("prof", true)
	alice := h.Join("alice", false)
	waitResult(teacher, 200*time.Millisecond) // drain join wake-ups
	alice.SetStatus(false, "forked at epoch 3")
	if r, ok := waitResult(teacher, time.Second); !ok || !r {
		t.Fatal("teacher not woken by a status change")
	}
	var got []string
	for _, m := range teacher.Roster() {
		got = append(got, fmt.Sprintf("%s teacher=%v following=%v where=%q", m.Name, m.Teacher, m.Following, m.Where))
	}
	want := []string{
		`prof teacher=true following=false where=""`,
		`alice teacher=false following=false where="forked at epoch 3"`,
		`bob teacher=false following=true where=""`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("roster:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	bob.Leave()
	bob.Leave() // idempotent
	if r, ok := waitResult(bob, time.Second); !ok || r {
		t.Error("Wait after Leave did not return false")
	}
	if r := teacher.Roster(); len(r) != 3 || r[2].Name != "bob" || r[2].Sessions != 0 || r[1].Sessions != 1 {
		t.Errorf("roster after bob left: %+v", r)
	}
	h.Close()
	if r, ok := waitResult(alice, time.Second); !ok || r {
		t.Error("Wait after Hub.Close did not return false")
	}
	if m := h.Join("late", false); m.Wait() {
		t.Error("Join after Close: Wait returned true")
	}
}

// classModel is a fake trainer for classroom tests. The teacher counts with
// space and publishes; a following student shows the teacher's count and
// ignores space; f forks (space counts locally), F rejoins.
type classModel struct {
	cls       tui.Classroom
	count     int
	following bool
	roster    string
	away      bool // students: no teacher on the roster
}

type classWoke struct{}

func (m *classModel) wait() tea.Cmd {
	cls := m.cls
	return func() tea.Msg {
		if cls.Wait() {
			return classWoke{}
		}
		return nil
	}
}

func (m *classModel) Init() tea.Cmd { return m.wait() }

func (m *classModel) follow() {
	if st, ok := m.cls.Latest(); ok {
		m.count, _ = strconv.Atoi(string(st.Model))
	}
}

func (m *classModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case classWoke:
		if m.cls.IsTeacher() {
			var b strings.Builder
			for _, r := range m.cls.Roster() {
				fmt.Fprintf(&b, "[%s following=%v %s]", r.Name, r.Following, r.Where)
				if r.Sessions == 0 {
					b.WriteString("(left)")
				}
			}
			m.roster = b.String()
		} else {
			m.away = !teacherIn(m.cls)
			if m.following {
				m.follow()
			}
		}
		return m, m.wait()
	case tea.KeyPressMsg:
		switch msg.String() {
		case "space":
			if m.cls.IsTeacher() {
				m.count++
				m.cls.Publish(tui.ClassState{Model: []byte(strconv.Itoa(m.count))})
			} else if !m.following {
				m.count++
				m.cls.SetStatus(false, "forked count "+strconv.Itoa(m.count))
			}
		case "f":
			m.following = false
			m.cls.SetStatus(false, "forked count "+strconv.Itoa(m.count))
		case "F":
			m.following = true
			m.follow()
			m.cls.SetStatus(true, "following")
		case "q":
			return m, tea.Quit
		}
	}
	return m, nil
}

func (m *classModel) View() tea.View {
	role := "student"
	if m.cls.IsTeacher() {
		role = "teacher"
	}
	v := tea.NewView(fmt.Sprintf("role=%s name=%s count=%d following=%v away=%v\n%s", role, m.cls.Name(), m.count, m.following, m.away, m.roster))
	v.AltScreen = true
	return v
}

func TestClassroomFollowForkRejoin(t *testing.T) {
	prof, alice, bob, eve := newKey(t), newKey(t), newKey(t), newKey(t)
	srv, addr, logs := startServer(t, Config{
		AuthorizedKeysPath: writeAuthorized(t, alice, bob),
		TeacherKeysPath:    writeAuthorized(t, prof),
		ClassInterval:      10 * time.Millisecond,
		NewModel: func(info SessionInfo) (tea.Model, error) {
			if info.Options.Classroom == nil {
				return nil, fmt.Errorf("no classroom")
			}
			return &classModel{cls: info.Options.Classroom, following: !info.Options.Classroom.IsTeacher()}, nil
		},
	})
	base := runtime.NumGoroutine()
	connect := func(user string, k keyPair) *term {
		tm := login(t, addr, user, gossh.PublicKeys(k.signer), 100, 10, "name="+user)
		return tm
	}
	// Only listed keys get in: eve is neither a student nor the teacher.
	if c, err := dial(addr, "eve", gossh.PublicKeys(eve.signer)); err == nil {
		c.Close()
		t.Fatal("unlisted key accepted in classroom mode")
	}
	T := connect("prof", prof)
	T.WaitScreen("role=teacher")
	A, B := connect("alice", alice), connect("bob", bob)
	A.WaitScreen("role=student")
	T.WaitScreen("[alice following=true ][bob following=true ]")

	// Follow: the teacher steps, both students see it.
	T.Send("  ")
	T.WaitScreen("count=2")
	A.WaitScreen("count=2")
	B.WaitScreen("count=2")
	// Following is read-only.
	A.Send(" ")
	T.Send(" ")
	A.WaitScreen("count=3")
	B.WaitScreen("count=3")

	// Fork: alice works on her own copy; the teacher sees it.
	A.Send("f")
	A.Send("  ")
	A.WaitScreen("count=5 following=false")
	T.WaitScreen("[alice following=false forked count 5]")
	T.Send(" ")
	B.WaitScreen("count=4")
	time.Sleep(50 * time.Millisecond)
	if s := A.Screen(); !strings.Contains(s, "count=5") {
		t.Errorf("forked student followed the teacher:\n%s", s)
	}

	// Rejoin: back to the teacher's state.
	A.Send("F")
	A.WaitScreen("count=4 following=true")
	T.WaitScreen("[alice following=true following]")

	// Leaving updates the roster (bob stays on it, marked as left);
	// everything winds down cleanly.
	B.Send("q")
	B.WaitDone()
	T.WaitScreen("[alice following=true following][bob following=true ](left)\n")
	if !strings.Contains(logs.String(), "teacher=true") {
		t.Error("teacher session not marked in the log")
	}
	// The teacher leaves: alice is told at once and keeps the state; a
	// teacher connecting again is followed.
	T.Send("q")
	T.WaitDone()
	T.Close()
	A.WaitScreen("count=4 following=true away=true")
	T = connect("prof", prof)
	A.WaitScreen("away=false")
	T.Send(" ")
	A.WaitScreen("count=1 following=true away=false")
	for _, x := range []*term{A, T} {
		x.Send("q")
		x.WaitDone()
		x.Close()
	}
	B.Close()
	settleGoroutines(t, base)
	if n := srv.Sessions(); n != 0 {
		t.Errorf("%d sessions still registered", n)
	}
}

// drainWakes lets due wake-ups fire, then drops m's pending one (without
// leaving a waiting goroutine behind, as waitResult does on timeout).
func drainWakes(m *Member) {
	time.Sleep(3 * m.hub.interval)
	select {
	case <-m.wake:
	default:
	}
}

// teacherIn reports whether m's roster has a teacher (what a student checks).
func teacherIn(m tui.Classroom) bool {
	for _, r := range m.Roster() {
		if r.Teacher {
			return true
		}
	}
	return false
}

func TestHubTeacherLeavesAndReturns(t *testing.T) {
	h := NewHub(10 * time.Millisecond)
	defer h.Close()
	prof := h.Join("prof", true)
	alice := h.Join("alice", false)
	prof.Publish(tui.ClassState{Model: []byte("7"), Status: "epoch 7"})
	if r, ok := waitResult(alice, time.Second); !ok || !r {
		t.Fatal("student not woken by Publish")
	}
	drainWakes(alice)
	prof.Leave()
	if r, ok := waitResult(alice, time.Second); !ok || !r {
		t.Fatalf("student not woken when the teacher left (returned=%v, result=%v)", ok, r)
	}
	if teacherIn(alice) {
		t.Error("roster still has the teacher after Leave")
	}
	if st, ok := alice.Latest(); !ok || string(st.Model) != "7" {
		t.Errorf("the last state should stay after the teacher left: %+v, %v", st, ok)
	}
	prof2 := h.Join("prof", true)
	if r, ok := waitResult(alice, time.Second); !ok || !r {
		t.Fatal("student not woken when a teacher joined")
	}
	if !teacherIn(alice) {
		t.Error("roster has no teacher after Join")
	}
	prof2.Publish(tui.ClassState{Model: []byte("8")})
	if r, ok := waitResult(alice, time.Second); !ok || !r {
		t.Fatal("student not woken by the new teacher's Publish")
	}
	if st, _ := alice.Latest(); string(st.Model) != "8" || st.Version != 2 {
		t.Errorf("after the teacher came back Latest = %+v", st)
	}
	// A student leaving does not wake the other students.
	drainWakes(alice)
	h.Join("bob", false).Leave()
	if _, ok := waitResult(alice, 100*time.Millisecond); ok {
		t.Error("a student's Leave woke the other students")
	}
}

// TestHubLessonPosition: the teacher's lesson and step reach the students
// unchanged (tui follows them), and a publish without a lesson clears them.
func TestHubLessonPosition(t *testing.T) {
	h := NewHub(time.Millisecond)
	teacher, alice := h.Join("prof", true), h.Join("alice", false)
	teacher.Publish(tui.ClassState{Lesson: "backprop", LessonStep: 2, Status: "xor · lesson backprop step 3"})
	if st, ok := alice.Latest(); !ok || st.Lesson != "backprop" || st.LessonStep != 2 {
		t.Fatalf("Latest = %+v, %v", st, ok)
	}
	teacher.Publish(tui.ClassState{Model: []byte("{}")})
	if st, _ := alice.Latest(); st.Lesson != "" || st.LessonStep != 0 || st.Version != 2 {
		t.Errorf("after a publish without a lesson: %+v", st)
	}
	teacher.Leave()
	alice.Leave()
}
