package testkit

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tmuxConf makes a session's size its pane's size (no status line), keeps
// a pane after its program exits (so its last screen and exit status can be
// read), and keeps the server up without sessions (so killing one session
// never races the start of the next).
const tmuxConf = `set-option -g status off
set-option -g remain-on-exit on
set-option -s exit-empty off
`

// Tmux is a tmux server of the test's own: its socket is in a fresh
// temporary directory, it reads only tmuxConf, and it is killed when the
// test ends.
type Tmux struct {
	tb                testing.TB
	dir, socket, conf string
	// Timeout bounds each wait of its panes. Waits return as soon as the
	// screen is right, so only a hang reaches it. Default: 2 minutes.
	Timeout time.Duration
}

// NewTmux starts nothing yet: the server starts with its first session.
// It skips the test when tmux is missing (see NeedTools).
func NewTmux(tb testing.TB) *Tmux {
	tb.Helper()
	NeedTools(tb, "tmux")
	// os.MkdirTemp, not tb.TempDir: a socket path must fit in 108 bytes.
	dir, err := os.MkdirTemp("", "testkit-tmux-")
	if err != nil {
		tb.Fatal(err)
	}
	x := &Tmux{tb: tb, dir: dir, socket: filepath.Join(dir, "sock"), conf: filepath.Join(dir, "tmux.conf"), Timeout: 2 * time.Minute}
	if err := os.WriteFile(x.conf, []byte(tmuxConf), 0o600); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		_, _ = x.Run("kill-server")
		_ = os.RemoveAll(dir)
	})
	return x
}

// Run runs one tmux command on this server and returns its output.
func (x *Tmux) Run(args ...string) (string, error) {
	out, err := exec.Command("tmux", append([]string{"-S", x.socket, "-f", x.conf}, args...)...).CombinedOutput()
	return string(out), err
}

// must runs a tmux command and fails the test if it fails.
func (x *Tmux) must(args ...string) string {
	x.tb.Helper()
	out, err := x.Run(args...)
	if err != nil {
		x.tb.Fatalf("tmux %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Start opens session name, w×h cells, running argv in dir on a fixed
// terminal (TERM=xterm-256color, COLORTERM=truecolor).
func (x *Tmux) Start(name string, w, h int, dir string, argv ...string) *Pane {
	x.tb.Helper()
	shell := "cd " + ShellQuote(dir) + " && env TERM=xterm-256color COLORTERM=truecolor"
	for _, a := range argv {
		shell += " " + ShellQuote(a)
	}
	return x.StartShell(name, w, h, shell)
}

// StartShell opens session name, w×h cells, running the shell command cmd
// (for pipelines such as "ssh … ; echo EXIT=$?"). cmd runs in a subshell
// whose exit status the outer shell writes to a file Exited reads: tmux
// 3.3 can mark a pane dead before it has reaped the process and then never
// report the status.
func (x *Tmux) StartShell(name string, w, h int, cmd string) *Pane {
	x.tb.Helper()
	status := filepath.Join(x.dir, name+".status")
	os.Remove(status) // a session of the same name before
	shell := "(" + cmd + "\n); echo $? >" + ShellQuote(status+".tmp") + " && mv " + ShellQuote(status+".tmp") + " " + ShellQuote(status)
	x.must("new-session", "-d", "-s", name, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h), shell)
	return &Pane{x: x, Target: name, status: status}
}

// ShellQuote quotes s for sh.
func ShellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// Pane is the one pane of a session started by Tmux.Start.
type Pane struct {
	x      *Tmux
	Target string // the session's name
	status string // where the shell writes the exit status
}

// Keys sends tmux key names, each on its own: "Down", "Enter", "Space",
// "C-u", "q". A program cannot tell Escape followed at once by a key from
// alt+key: after "Escape", wait for its effect before sending more.
func (p *Pane) Keys(keys ...string) {
	p.x.tb.Helper()
	for _, k := range keys {
		p.x.must("send-keys", "-t", p.Target, k)
	}
}

// Type sends text literally.
func (p *Pane) Type(text string) {
	p.x.tb.Helper()
	p.x.must("send-keys", "-t", p.Target, "-l", text)
}

// Screen returns the pane's visible text, one line per row.
func (p *Pane) Screen() string {
	out, _ := p.x.Run("capture-pane", "-p", "-t", p.Target)
	return out
}

// Resize makes the session w×h cells.
func (p *Pane) Resize(w, h int) {
	p.x.tb.Helper()
	p.x.must("resize-window", "-t", p.Target, "-x", strconv.Itoa(w), "-y", strconv.Itoa(h))
}

// Kill ends the session (and its program).
func (p *Pane) Kill() { _, _ = p.x.Run("kill-session", "-t", p.Target) }

// Exited reports whether the pane's program has exited, and its status
// (−1 when the session is gone).
func (p *Pane) Exited() (bool, int) {
	if n, ok := p.readStatus(); ok {
		return true, n
	}
	out, err := p.x.Run("display-message", "-p", "-t", p.Target, "#{pane_dead}|#{pane_dead_status}")
	if err != nil {
		return true, -1
	}
	dead, status, _ := strings.Cut(strings.TrimSpace(out), "|")
	if dead != "1" {
		return false, 0
	}
	if p.status != "" {
		// The shell may have written the status since the first look; if
		// not, it died without writing it: killed.
		if n, ok := p.readStatus(); ok {
			return true, n
		}
		return true, -1
	}
	n, err := strconv.Atoi(status)
	if err != nil {
		n = -1
	}
	return true, n
}

// readStatus reads the exit status Start's shell wrote, if it has.
func (p *Pane) readStatus() (int, bool) {
	if p.status == "" {
		return 0, false
	}
	b, err := os.ReadFile(p.status)
	if err != nil {
		return 0, false
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		n = -1
	}
	return n, true
}

// WaitFor polls the screen until ok accepts it and returns that screen.
// It fails the test, showing the last screen, when the program exits
// first or Timeout passes; what says what was awaited.
func (p *Pane) WaitFor(what string, ok func(screen string) bool) string {
	p.x.tb.Helper()
	deadline := time.Now().Add(p.x.Timeout)
	for {
		exited, status := p.Exited()
		scr := p.Screen()
		switch {
		case ok(scr):
			return scr
		case exited:
			p.x.tb.Fatalf("waiting for %s: the program exited (status %d); screen:\n%s", what, status, scr)
		case time.Now().After(deadline):
			p.x.tb.Fatalf("waited %v for %s; screen:\n%s", p.x.Timeout, what, scr)
		}
		time.Sleep(20 * time.Millisecond) // a poll, not a guess at how long the program takes
	}
}

// WaitText waits until the screen contains text (see WaitFor).
func (p *Pane) WaitText(text string) string {
	p.x.tb.Helper()
	return p.WaitFor(fmt.Sprintf("%q", text), func(scr string) bool { return strings.Contains(scr, text) })
}

// WaitExit waits until the program exits and returns its exit status.
func (p *Pane) WaitExit() int {
	p.x.tb.Helper()
	deadline := time.Now().Add(p.x.Timeout)
	for {
		if exited, status := p.Exited(); exited {
			return status
		}
		if time.Now().After(deadline) {
			p.x.tb.Fatalf("waited %v for the program to exit; screen:\n%s", p.x.Timeout, p.Screen())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
