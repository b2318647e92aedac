package testkit_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/datasets"
	"backprop/internal/testkit"
)

func TestKey(t *testing.T) {
	tests := []struct {
		name string
		want tea.KeyPressMsg
		str  string
	}{
		{"a", tea.KeyPressMsg{Code: 'a', Text: "a"}, "a"},
		{"1", tea.KeyPressMsg{Code: '1', Text: "1"}, "1"},
		{"+", tea.KeyPressMsg{Code: '+', Text: "+"}, "+"},
		{"G", tea.KeyPressMsg{Code: 'g', ShiftedCode: 'G', Text: "G", Mod: tea.ModShift}, "G"},
		{"space", tea.KeyPressMsg{Code: tea.KeySpace, Text: " "}, "space"},
		{"enter", tea.KeyPressMsg{Code: tea.KeyEnter}, "enter"},
		{"esc", tea.KeyPressMsg{Code: tea.KeyEscape}, "esc"},
		{"pgdown", tea.KeyPressMsg{Code: tea.KeyPgDown}, "pgdown"},
		{"f5", tea.KeyPressMsg{Code: tea.KeyF5}, "f5"},
		{"ctrl+c", tea.KeyPressMsg{Code: 'c', Mod: tea.ModCtrl}, "ctrl+c"},
		{"alt+x", tea.KeyPressMsg{Code: 'x', Mod: tea.ModAlt}, "alt+x"},
		{"shift+tab", tea.KeyPressMsg{Code: tea.KeyTab, Mod: tea.ModShift}, "shift+tab"},
		{"shift+right", tea.KeyPressMsg{Code: tea.KeyRight, Mod: tea.ModShift}, "shift+right"},
		{"ctrl+shift+up", tea.KeyPressMsg{Code: tea.KeyUp, Mod: tea.ModCtrl | tea.ModShift}, "ctrl+shift+up"},
		{"ctrl+space", tea.KeyPressMsg{Code: tea.KeySpace, Mod: tea.ModCtrl}, "ctrl+space"},
	}
	for _, tt := range tests {
		got := testkit.Key(tt.name)
		if got != tt.want {
			t.Errorf("Key(%q) = %+v, want %+v", tt.name, got, tt.want)
		}
		if got.String() != tt.str {
			t.Errorf("Key(%q).String() = %q, want %q", tt.name, got.String(), tt.str)
		}
	}
	if got := testkit.Keys("down down", "enter"); len(got) != 3 || got[2].Code != tea.KeyEnter {
		t.Errorf("Keys = %+v", got)
	}
	if got := testkit.Text("a b"); len(got) != 3 || got[1].String() != "space" {
		t.Errorf("Text = %+v", got)
	}
}

func TestKeyUnknownPanics(t *testing.T) {
	for _, name := range []string{"", "ctrl+", "f13", "pagedown", "ab"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Key(%q) did not panic", name)
				}
			}()
			testkit.Key(name)
		}()
	}
}

func TestGoMNIST(t *testing.T) {
	if testkit.GoMNIST != datasets.GoMNIST {
		t.Errorf("testkit.GoMNIST %q, datasets.GoMNIST %q", testkit.GoMNIST, datasets.GoMNIST)
	}
}

func TestFuncs(t *testing.T) {
	dir := t.TempDir()
	src := "package p\n\nfunc a() {\n}\n\ntype T struct{}\n\nfunc (t *T) b() {\n\t_ = 1\n\t_ = 2\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "p.go"), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "p_test.go"), []byte("package p\n\nfunc c() {\n\n\n\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	fs, err := testkit.Funcs(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(fs); got != "[{T.b p.go 8 4} {a p.go 3 2}]" {
		t.Errorf("Funcs = %s", got)
	}
	long, _ := testkit.LongFuncs(dir, 3)
	if len(long) != 1 || long[0].Name != "T.b" {
		t.Errorf("LongFuncs = %v", long)
	}
}

// TestTmux drives a shell in tmux: the pane is exactly w×h, typed text
// arrives, and the exit status is read back.
func TestTmux(t *testing.T) {
	x := testkit.NewTmux(t)
	p := x.StartShell("s", 50, 7, `stty size; printf 'ready\n'; read line; echo "got:$line"; exit 3`)
	p.WaitText("ready")
	if scr := p.Screen(); !strings.Contains(scr, "7 50") {
		t.Errorf("pane size: stty says\n%s\nwant 7 50", scr)
	}
	p.Type("hello world")
	p.Keys("Enter")
	p.WaitText("got:hello world")
	if st := p.WaitExit(); st != 3 {
		t.Errorf("exit status %d, want 3", st)
	}
	q := x.Start("argv", 40, 5, t.TempDir(), "sh", "-c", `echo "$TERM it's"; exec cat`)
	q.WaitText("xterm-256color it's")
	q.Resize(60, 8)
	q.Kill()
}

// fakeTB records a Fatalf and ends its goroutine, as testing.T does.
type fakeTB struct {
	testing.TB
	msg string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

// A wait fails at once when the program exits without showing the text,
// and after Timeout when it hangs: never by a guess at how long things take.
func TestTmuxWaitFails(t *testing.T) {
	x := testkit.NewTmux(t)
	p := x.StartShell("gone", 40, 5, "echo bye; exit 2")
	q := x.StartShell("hang", 40, 5, "echo stuck; exec sleep 60")
	x.Timeout = 300 * time.Millisecond
	for _, c := range []struct {
		p    *testkit.Pane
		want string
	}{{p, "the program exited (status 2)"}, {q, "waited 300ms"}} {
		fake := &fakeTB{TB: t}
		done := make(chan struct{})
		go func() {
			defer close(done)
			testkit.PaneWithTB(c.p, fake).WaitText("never")
		}()
		<-done
		if !strings.Contains(fake.msg, c.want) {
			t.Errorf("%s: failure %q, want %q", c.p.Target, fake.msg, c.want)
		}
	}
}
