package cli

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"backprop/cli/setup"
)

// tmuxSession drives the built binary inside a real tmux server on its own
// socket.
type tmuxSession struct {
	t      *testing.T
	socket string
	name   string
}

func (s *tmuxSession) tmux(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-L", s.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (s *tmuxSession) start(w, h int, dir string, cmd ...string) {
	s.t.Helper()
	shell := "cd " + tmuxQuote(dir) + " && exec env TERM=xterm-256color COLORTERM=truecolor"
	for _, c := range cmd {
		shell += " " + tmuxQuote(c)
	}
	if out, err := s.tmux("new-session", "-d", "-s", s.name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), shell); err != nil {
		s.t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	_, _ = s.tmux("set-option", "-t", s.name, "remain-on-exit", "on")
}

func (s *tmuxSession) keys(keys ...string) {
	s.t.Helper()
	for _, k := range keys {
		if out, err := s.tmux("send-keys", "-t", s.name, k); err != nil {
			s.t.Fatalf("send-keys %q: %v\n%s", k, err, out)
		}
		time.Sleep(30 * time.Millisecond)
	}
}

func (s *tmuxSession) literal(text string) {
	s.t.Helper()
	if out, err := s.tmux("send-keys", "-t", s.name, "-l", text); err != nil {
		s.t.Fatalf("send-keys -l: %v\n%s", err, out)
	}
}

func (s *tmuxSession) capture() string {
	out, _ := s.tmux("capture-pane", "-p", "-t", s.name)
	return out
}

// waitFor polls the screen until ok accepts it, or fails after 10 s.
func (s *tmuxSession) waitFor(what string, ok func(string) bool) string {
	s.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		scr := s.capture()
		if ok(scr) {
			return scr
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s; screen:\n%s", what, scr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (s *tmuxSession) waitText(text string) string {
	s.t.Helper()
	return s.waitFor(fmt.Sprintf("%q", text), func(scr string) bool { return strings.Contains(scr, text) })
}

func tmuxQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// statusRE extracts "epoch … m N" from the status bar, in its long or its
// short (narrow terminal) form: "ep 0  b 1/4  s 1/1  update  η 2  m 1".
var statusRE = regexp.MustCompile(`ep(och)? (\d+) +b(atch)? \d+/\d+ +s(ample)? \d+/\d+ +(phase )?([a-z -]+?)( L\d+)? +η [^ ]+ +m \d+`)

// status returns the status bar's epoch and phase, or ok=false.
func status(scr string) (epoch int, phase string, ok bool) {
	sm := statusRE.FindStringSubmatch(scr)
	if sm == nil {
		return 0, "", false
	}
	epoch, _ = strconv.Atoi(sm[2])
	return epoch, sm[6], true
}

// TestTrainerE2E runs the built binary in tmux at 80×24: pick XOR in the
// launcher, step phases, run, pause, undo, save, quit; then resume from the
// saved model and check the position is the same.
func TestTrainerE2E(t *testing.T) {
	if _, err := exec.LookPath("tmux"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required under CI=true")
		}
		t.Skip("tmux not installed")
	}
	_, bin := buildBinary(t)
	dir := t.TempDir()
	s := &tmuxSession{t: t, socket: fmt.Sprintf("backprop-e2e-%d", os.Getpid()), name: "e2e"}
	t.Cleanup(func() { _, _ = s.tmux("kill-server") })

	s.start(80, 24, dir, bin)
	s.waitText("pick something to train")
	s.keys("Down", "Down", "Down", "Down") // vacation, and, or, nand, xor
	s.keys("Enter")
	s.waitText("Topology")
	for range 8 { // load, forward ×2, cost, output delta, backward, accumulate, update
		s.keys("Space")
	}
	scr := s.waitFor("the update phase", func(scr string) bool {
		_, ph, ok := status(scr)
		return ok && ph == "update"
	})
	if ep, _, _ := status(scr); ep != 1 {
		t.Errorf("after one sample the status should still say epoch 1 (the epoch in progress):\n%s", scr)
	}
	if !strings.Contains(scr, "w₁ ← w₁ − (η/m)·Σ∂C/∂w₁: ") || !strings.Contains(scr, "→") {
		t.Errorf("the inspector should show the update old → new:\n%s", scr)
	}
	s.keys("r")
	time.Sleep(800 * time.Millisecond)
	s.keys("r")
	scr = s.waitText("paused")
	if ep, _, _ := status(scr); ep <= 1 {
		t.Errorf("run mode did not finish an epoch in 0.8 s:\n%s", scr)
	}
	s.keys("u")
	s.waitText("undone")
	before := statusRE.FindString(s.capture())
	if before == "" {
		t.Fatalf("no status bar:\n%s", s.capture())
	}
	saved := filepath.Join(dir, "saved.json")
	s.keys("S")
	s.waitText("save model as")
	s.keys("C-u")
	s.literal(saved)
	s.keys("Enter")
	s.waitText("saved ")
	if _, err := os.Stat(saved); err != nil {
		t.Fatalf("model not written: %v", err)
	}
	s.keys("q")
	s.waitFor("the program to exit", func(string) bool {
		out, _ := s.tmux("display-message", "-p", "-t", s.name, "#{pane_dead}")
		return strings.TrimSpace(out) == "1"
	})
	// Start the resumed session before killing the first one: killing a
	// server's last session makes it exit, and a new-session racing that
	// exit fails with "server exited unexpectedly".
	first := s.name
	s.name = "resume"
	s.start(80, 24, dir, bin, "--model", saved)
	_, _ = s.tmux("kill-session", "-t", first)
	scr = s.waitText("Topology")
	after := statusRE.FindString(scr)
	if after != before {
		t.Errorf("resumed at %q, saved at %q\n%s", after, before, scr)
	}
}

// TestTrainerSetupKeepsPreset: a flag given with --preset changes only what
// it names; the preset's hidden layers, activations and cost stay.
func TestTrainerSetupKeepsPreset(t *testing.T) {
	cases := []struct {
		args  []string
		sizes string
		acts  string
		cost  string
	}{
		{[]string{"--cost", "quadratic"}, "[4 8 3]", "[sigmoid softmax]", "quadratic"},
		{[]string{"--lr", "0.1"}, "[4 8 3]", "[sigmoid softmax]", "cross-entropy"},
		{[]string{"--layers", "_,5,_"}, "[4 5 3]", "[sigmoid softmax]", "cross-entropy"},
		{[]string{"--layers", "_,5,6,_"}, "[4 5 6 3]", "[sigmoid sigmoid softmax]", "cross-entropy"},
		{[]string{"--data", "wine"}, "[13 8 3]", "[sigmoid softmax]", "cross-entropy"},
	}
	for _, c := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		sf := setup.AddFlags(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		setup, err := trainerSetup(sf, "iris")
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if got := fmt.Sprint(setup.Net.Sizes); got != c.sizes {
			t.Errorf("%v: sizes %s, want %s", c.args, got, c.sizes)
		}
		if got := fmt.Sprint(setup.Net.Acts); got != c.acts {
			t.Errorf("%v: activations %s, want %s", c.args, got, c.acts)
		}
		if got := setup.Net.Cost.String(); got != c.cost {
			t.Errorf("%v: cost %s, want %s", c.args, got, c.cost)
		}
	}
}
