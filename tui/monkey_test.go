package tui

import (
	"math/rand/v2"
	"runtime/debug"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// TestMonkey feeds 100,000 random keys, clicks, wheel turns, ticks and
// resizes (down to 1×1) to the root model and checks it never panics and
// always draws. Files go to a sandbox temp dir.
func TestMonkey(t *testing.T) {
	events := 100_000
	if testing.Short() {
		events = 10_000
	}
	// a tiny CPU budget keeps run-mode ticks short
	monkey(t, events, Options{Sandbox: true, SaveDir: t.TempDir(), StateDir: t.TempDir(), Budget: fixedBudget(200 * time.Microsecond)})
}

// TestMonkeyClass is the monkey as a classroom teacher and as a student.
func TestMonkeyClass(t *testing.T) {
	hub := &fakeHub{status: map[string]string{}}
	for _, member := range []*fakeMember{{hub, "prof", true}, {hub, "ann", false}} {
		t.Run(member.name, func(t *testing.T) {
			monkey(t, 5_000, Options{Preset: "xor", Sandbox: true, SaveDir: t.TempDir(), StateDir: t.TempDir(),
				Budget: fixedBudget(200 * time.Microsecond), Classroom: member})
		})
	}
}

func monkey(t *testing.T, events int, opts Options) {
	rng := rand.New(rand.NewPCG(42, 7))
	m := newTestModel(t, opts, 80, 24)
	var keys []string
	for _, group := range m.tr.table {
		for _, r := range group.rows {
			for _, c := range r.cmds {
				keys = append(keys, c.b.Keys()...)
			}
		}
	}
	keys = append(keys, "enter", "esc", "backspace", "up", "down", "1", "0", "x", "9", "-", ".", "e")
	heavy := map[string]bool{"e": true, "b": true}
	for i := 0; i < events; i++ {
		var msg tea.Msg
		switch r := rng.IntN(100); {
		case r < 70:
			k := keys[rng.IntN(len(keys))]
			if heavy[k] && m.tr.sess != nil && len(m.tr.sess.data.Train.X) > 500 && rng.IntN(20) != 0 {
				k = "space" // keep whole epochs of big sets rare
			}
			if k == "q" || k == "ctrl+c" {
				k = "?" // quitting would only return tea.Quit; keep going
			}
			msg = keyMsg(k)
		case r < 80:
			msg = tea.MouseClickMsg{X: rng.IntN(max(m.w, 1) + 2), Y: rng.IntN(max(m.h, 1) + 2), Button: tea.MouseLeft}
		case r < 85:
			b := tea.MouseWheelUp
			if rng.IntN(2) == 0 {
				b = tea.MouseWheelDown
			}
			msg = tea.MouseWheelMsg{X: rng.IntN(max(m.w, 1)), Y: rng.IntN(max(m.h, 1)), Button: b}
		case r < 90:
			msg = runTickMsg{id: m.tr.run.id}
		case r < 92:
			msg = classWokeMsg{}
		case r < 97:
			sizes := [][2]int{{80, 24}, {120, 40}, {160, 48}, {60, 18}, {59, 17}, {1, 1}, {2, 30}, {200, 3}}
			s := sizes[rng.IntN(len(sizes))]
			if rng.IntN(3) == 0 {
				s = [2]int{1 + rng.IntN(200), 1 + rng.IntN(60)}
			}
			msg = tea.WindowSizeMsg{Width: s[0], Height: s[1]}
		default:
			msg = tea.KeyPressMsg{Code: rune(32 + rng.IntN(95)), Text: string(rune(32 + rng.IntN(95)))}
		}
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Fatalf("event %d (%T %v): panic: %v\n%s", i, msg, msg, p, debug.Stack())
				}
			}()
			m.Update(msg)
			// deliver the confusion browser's background evaluation now
			// and then (the monkey drops commands otherwise)
			if b := &m.tr.browse; b.on && b.inflight && m.tr.sess != nil && rng.IntN(3) == 0 {
				set, test := m.tr.sess.browseSet()
				p := m.tr.sess.st.Pos()
				m.Update(browseEval(b.gen, m.tr.sess.st.Net().Clone(), set, test, m.tr.sess.version, p.Epoch, epochShown(p))())
			}
			if i%16 == 0 {
				m.View()
			}
		}()
	}
}

// fixedBudget grants at most its own duration per request.
type fixedBudget time.Duration

func (b fixedBudget) Grant(want time.Duration) time.Duration { return min(want, time.Duration(b)) }
func (b fixedBudget) Done(time.Duration)                     {}
