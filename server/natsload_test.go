package server

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	gossh "golang.org/x/crypto/ssh"

	"backprop/tui"
)

var (
	natsLoadRun      = flag.Bool("nats.load", false, "run TestNATSLoad: instances sharing a class through NATS, many students, a teacher stepping")
	natsLoadStudents = flag.Int("nats.students", 150, "TestNATSLoad: students, spread over the instances")
	natsLoadSteps    = flag.Int("nats.steps", 30, "TestNATSLoad: teacher steps measured")
)

// followModel is a light classroom session for the load test: a teacher
// publishes a step on each space; a student shows the latest step it
// followed (and draws nothing else, so any output after a step is that
// step's frame).
type followModel struct {
	c    tui.Classroom
	step int
	seen string
}

type followWoke struct{}

func (m *followModel) wait() tea.Cmd {
	return func() tea.Msg {
		if m.c.Wait() {
			return followWoke{}
		}
		return nil
	}
}

func (m *followModel) Init() tea.Cmd { return m.wait() }

func (m *followModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case followWoke:
		if st, ok := m.c.Latest(); ok {
			m.seen = st.Status
		}
		return m, m.wait()
	case tea.KeyPressMsg:
		if msg.String() == "space" && m.c.IsTeacher() {
			m.step++
			m.c.Publish(tui.ClassState{Lesson: "perceptron", LessonStep: m.step, Status: fmt.Sprintf("step %d", m.step)})
		}
	}
	return m, nil
}

func (m *followModel) View() tea.View {
	if m.c.IsTeacher() {
		return tea.NewView(fmt.Sprintf("teacher at step %d", m.step))
	}
	return tea.NewView("following: " + m.seen)
}

// TestNATSLoad (opt-in: go test ./server -run TestNATSLoad -nats.load -v)
// starts a real nats-server and three instances sharing one class, logs
// in -nats.students students over SSH (spread over the instances) and a
// teacher on the first, and measures, for each teacher step, the time
// from the teacher's key press to each student's new frame arriving at
// the student's SSH client. Everything shares this process (and the
// machine's other load: the load average is reported beside the figure).
func TestNATSLoad(t *testing.T) {
	if !*natsLoadRun {
		t.Skip("opt-in: -nats.load")
	}
	n := startTestNATS(t)
	prof := newKey(t)
	teachers := writeAuthorized(t, prof)
	limit := *natsLoadStudents + 10
	var addrs []string
	for i := range 3 {
		_, addr, _ := startServer(t, Config{
			Password: "pw", TeacherKeysPath: teachers, DataDir: t.TempDir(), NATS: testLink(t, n, fmt.Sprintf("i%d", i+1)),
			MaxSessions: limit, RateBurst: limit, MaxStartups: limit, PerSourceStartups: limit,
			NewModel: func(info SessionInfo) (tea.Model, error) { return &followModel{c: info.Options.Classroom}, nil },
		})
		addrs = append(addrs, addr)
	}
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	type student struct {
		c   *gossh.Client
		s   *gossh.Session
		out *stampWriter
	}
	students := make([]*student, *natsLoadStudents)
	var wg sync.WaitGroup
	errs := make(chan error, len(students))
	for i := range students {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := dial(addrs[i%3], fmt.Sprintf("stu%d", i), gossh.Password("pw"))
			if err != nil {
				errs <- err
				return
			}
			s, err := c.NewSession()
			if err != nil {
				errs <- err
				return
			}
			st := &student{c: c, s: s, out: &stampWriter{}}
			s.Stdout, s.Stderr = st.out, st.out
			if err := s.RequestPty("xterm-256color", 5, 40, gossh.TerminalModes{}); err != nil {
				errs <- err
				return
			}
			if err := s.Shell(); err != nil {
				errs <- err
				return
			}
			students[i] = st
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for _, s := range students {
			s.s.Close()
			s.c.Close()
		}
	})
	teacher := login(t, addrs[0], "prof", gossh.PublicKeys(prof.signer), 40, 5, "teacher at step 0")
	time.Sleep(2 * time.Second) // first frames and the roster settle

	var lat []time.Duration
	missed := 0
	load := loadAvg()
	for k := 1; k <= *natsLoadSteps; k++ {
		counts := make([]int64, len(students))
		for i, s := range students {
			counts[i], _ = s.out.activity()
		}
		t0 := time.Now()
		teacher.Send(" ")
		deadline := t0.Add(10 * time.Second)
		done := make([]bool, len(students))
		left := len(students)
		for left > 0 && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
			for i, s := range students {
				if done[i] {
					continue
				}
				if n, _ := s.out.activity(); n > counts[i] {
					done[i] = true
					left--
				}
			}
		}
		time.Sleep(50 * time.Millisecond) // the frames' last bytes
		for i, s := range students {
			if !done[i] {
				missed++
				continue
			}
			_, first := s.out.firstAfter(counts[i])
			lat = append(lat, first.Sub(t0))
		}
		time.Sleep(300 * time.Millisecond) // about 3 steps a second
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	slices.Sort(lat)
	if len(lat) == 0 {
		t.Fatal("no student saw a step")
	}
	q := func(p float64) time.Duration {
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
	}
	t.Logf("3 instances, %d students, %d steps: teacher key → student frame p50 %v, p95 %v, p99 %v, max %v; missed %d of %d; heap %d MB → %d MB (all instances, NATS and clients in one process); load average %s",
		len(students), *natsLoadSteps, q(0.5), q(0.95), q(0.99), lat[len(lat)-1].Round(time.Millisecond),
		missed, len(students)**natsLoadSteps, before.HeapAlloc>>20, after.HeapAlloc>>20, load)
	if missed > 0 {
		t.Errorf("%d student frames never came", missed)
	}
}

// stampWriter records when each output chunk arrived.
type stampWriter struct {
	mu     sync.Mutex
	n      int64
	chunks []stamp
}

type stamp struct {
	end int64
	at  time.Time
}

func (w *stampWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.n += int64(len(p))
	w.chunks = append(w.chunks, stamp{w.n, time.Now()})
	if len(w.chunks) > 4096 {
		w.chunks = slices.Delete(w.chunks, 0, 2048)
	}
	return len(p), nil
}

func (w *stampWriter) activity() (int64, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.chunks) == 0 {
		return 0, time.Time{}
	}
	return w.n, w.chunks[len(w.chunks)-1].at
}

// firstAfter is the first chunk that took the output past n bytes.
func (w *stampWriter) firstAfter(n int64) (int64, time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range w.chunks {
		if c.end > n {
			return c.end, c.at
		}
	}
	return 0, time.Time{}
}

var _ io.Writer = (*stampWriter)(nil)
