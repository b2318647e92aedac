package server

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"backprop/internal/testkit"
)

// wallScenario drives the class wall through real ssh clients in tmux:
// the teacher T opens a trainer that the students A and B follow; A forks
// and trains 4 epochs; T opens the roster, w the wall, sees both
// students' tiles (A's epochs), enter opens A's network read-only, c
// shows it to the class, and B (following) gets it: his trainer is at A's
// epoch.
func wallScenario(t *testing.T, T, A, B *testkit.Pane) {
	t.Helper()
	for _, p := range []*testkit.Pane{T, A, B} {
		p.WaitText("guided lessons…")
	}
	pickLauncher(T, "xor")
	T.Keys("Enter")
	for _, p := range []*testkit.Pane{T, A, B} {
		p.WaitText(" ep 1  b 1/")
	}
	A.Keys("F")
	A.WaitText("forked")
	A.Keys("e", "e", "e", "e")
	A.WaitText(" ep 4  b 4/4") // four epochs done
	T.Keys("P")
	T.WaitText("Roster ·")
	T.Keys("w")
	T.WaitFor("both students' tiles on the wall, Alice's epochs", func(s string) bool {
		return strings.Contains(s, "Class wall") && strings.Contains(s, "Alice Smith") && strings.Contains(s, "bob") &&
			strings.Contains(s, "· ep 4")
	})
	T.Keys("Enter") // Alice is first by name
	T.WaitText("Alice Smith's network · read-only")
	T.Keys("c")
	T.WaitFor("shown to the class (or asked first)", func(s string) bool {
		return strings.Contains(s, "showing Alice Smith's network") || strings.Contains(s, "show it")
	})
	if strings.Contains(T.Screen(), "show it") {
		T.Keys("y")
	}
	T.WaitText("showing Alice Smith's network")
	T.WaitText(" ep 4  b 4/4")
	B.WaitText(" ep 4  b 4/4") // bob follows: the class sees Alice's network
}

// TestE2EWallInTmux: the class wall on one serve (no NATS), through real
// OpenSSH clients in tmux.
func TestE2EWallInTmux(t *testing.T) {
	testkit.NeedTools(t, "tmux", "ssh")
	prof, alice, bob := newKey(t), newKey(t), newKey(t)
	alice.authz = strings.TrimSuffix(alice.authz, "\n") + " Alice Smith\n"
	_, addr, _ := startServer(t, Config{
		AuthorizedKeysPath: writeAuthorized(t, alice, bob), TeacherKeysPath: writeAuthorized(t, prof),
		DataDir: t.TempDir(), NewModel: realTrainer,
	})
	_, port, _ := strings.Cut(addr, ":")
	x := testkit.NewTmux(t)
	x.Timeout = time.Minute
	T := x.StartShell("teacher", 120, 40, sshAs(writeClientKey(t, prof, "id_prof"), port, "prof"))
	A := x.StartShell("alice", 80, 24, sshAs(writeClientKey(t, alice, "id_alice"), port, "alice"))
	B := x.StartShell("bob", 80, 24, sshAs(writeClientKey(t, bob, "id_bob"), port, "bob"))
	wallScenario(t, T, A, B)
}

// pickLauncher moves the launcher's selection to item (the list's order
// grows with the app).
func pickLauncher(p *testkit.Pane, item string) {
	for range 40 {
		s := p.Screen()
		if rowWith(s, "▸ "+item+" ") != "" {
			return
		}
		p.Keys("Down")
		p.WaitFor("the selection moved", func(n string) bool { return n != s })
	}
	p.WaitText("▸ " + item + " ")
}

// TestE2ENATSWallAndSavesInTmux: the class wall and saved models across
// three `serve --nats` processes, through real OpenSSH clients in tmux.
// The teacher on i1 sees the tiles of Alice (i2) and bob (i3), opens
// Alice's network read-only and shows it to the class (bob's screen gets
// it). Then Alice trains on, saves with S, i2 is SIGKILLed once the save
// is in NATS, and Alice, reconnected to i3, finds it with O.
func TestE2ENATSWallAndSavesInTmux(t *testing.T) {
	testkit.NeedTools(t, "tmux", "ssh")
	if testing.Short() {
		t.Skip("builds the binary and runs three servers")
	}
	bin := buildBackprop(t)
	n := startTestNATS(t)
	prof, alice, bob := newKey(t), newKey(t), newKey(t)
	alice.authz = strings.TrimSuffix(alice.authz, "\n") + " Alice Smith\n"
	auth := []string{"--authorized-keys", writeAuthorized(t, alice, bob), "--teacher-key", writeAuthorized(t, prof)}
	hostKey := filepath.Join(t.TempDir(), "host_key")
	i1 := startInstance(t, bin, n.url(), "i1", hostKey, auth...)
	i2 := startInstance(t, bin, n.url(), "i2", hostKey, auth...)
	i3 := startInstance(t, bin, n.url(), "i3", hostKey, auth...)
	defer func() {
		if t.Failed() {
			t.Log("i1:\n" + i1.log() + "\ni2:\n" + i2.log() + "\ni3:\n" + i3.log())
		}
	}()
	x := testkit.NewTmux(t)
	x.Timeout = time.Minute
	aliceKey := writeClientKey(t, alice, "id_alice")
	T := x.StartShell("teacher", 120, 40, sshAs(writeClientKey(t, prof, "id_prof"), i1.port, "prof"))
	A := x.StartShell("alice", 80, 24, sshAs(aliceKey, i2.port, "alice"))
	B := x.StartShell("bob", 80, 24, sshAs(writeClientKey(t, bob, "id_bob"), i3.port, "bob"))
	wallScenario(t, T, A, B)

	// Alice trains on and saves: S on i2
	A.Keys("e", "e")
	A.WaitText(" ep 6  b 4/4")
	A.Keys("S")
	A.WaitText("save model as")
	A.Keys("C-u")
	A.Type("alice.json")
	A.Keys("Enter")
	A.WaitText("saved alice.json")
	// the save reaches NATS (the object store, listed in her manifest)
	probe := testLink(t, n, "probe")
	eventually(t, 30*time.Second, "alice.json in NATS", func() bool {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		keys, err := probe.users.ListKeysFiltered(ctx, "*.saves")
		if err != nil {
			return false
		}
		for k := range keys.Keys() {
			if e, err := probe.users.Get(ctx, k); err == nil && strings.Contains(string(e.Value()), `"alice.json"`) {
				return true
			}
		}
		return false
	})
	i2.kill(t)
	A.WaitText("SSH-EXIT=255")
	A.Kill()
	// on i3 she follows the teacher (epoch 4) until she forks and opens her save
	A2 := x.StartShell("alice2", 80, 24, sshAs(aliceKey, i3.port, "alice"))
	A2.WaitText(" ep 4  b 4/4")
	A2.Keys("F")
	A2.WaitText("forked")
	A2.Keys("O")
	A2.WaitText("load model file")
	A2.Type("alice.json")
	A2.Keys("Enter")
	A2.WaitText("loaded alice.json")
	A2.WaitText(" ep 6  b 4/4")
}
