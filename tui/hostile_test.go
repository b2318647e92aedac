package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"backprop/datasets"
	"backprop/network"
)

// A terminal claiming 65535×65535 gets a MaxWidth×MaxHeight screen: what a
// frame costs never depends on the size a client claims.
func TestHugeWindowClamped(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 65535, 65535)
	for _, size := range [][2]int{{65535, 65535}, {-5, 1 << 40}, {1 << 40, 30}} {
		send(m, tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(m.View().Content, "\n")
		if len(lines) > MaxHeight {
			t.Errorf("%v: %d lines, want at most %d", size, len(lines), MaxHeight)
		}
		for i, l := range lines {
			if w := ansi.StringWidth(l); w > MaxWidth {
				t.Fatalf("%v: line %d is %d wide, want at most %d", size, i, w, MaxWidth)
			}
		}
	}
}

// In a sandbox a typed name may not lead out of the folder through a
// symlink, and must be a regular file if it exists.
func TestResolvePathSandbox(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	secret := filepath.Join(outside, "secret.csv")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(secret, []byte("a,b\n1,2\n"), 0o600))
	must(os.WriteFile(filepath.Join(dir, "mine.csv"), []byte("a,b\n1,2\n"), 0o600))
	must(os.Symlink(secret, filepath.Join(dir, "p.csv")))
	must(os.Symlink("../"+filepath.Base(outside)+"/secret.csv", filepath.Join(dir, "rel.csv")))
	must(os.Symlink("/nonexistent/x", filepath.Join(dir, "dangling.csv")))
	must(os.Symlink("mine.csv", filepath.Join(dir, "alias.csv")))
	must(os.Mkdir(filepath.Join(dir, "sub"), 0o700))
	must(syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o600))
	for name, wantErr := range map[string]string{
		"mine.csv":     "",
		"new.json":     "",
		"alias.csv":    "", // a link that stays inside
		"p.csv":        "points outside your folder",
		"rel.csv":      "points outside your folder",
		"dangling.csv": "points outside your folder",
		"sub":          "not a regular file",
		"fifo":         "not a regular file",
	} {
		got, err := resolvePath(name, true, dir)
		switch {
		case wantErr == "" && (err != nil || got != filepath.Join(dir, name)):
			t.Errorf("%s: %q, %v; want %s", name, got, err, filepath.Join(dir, name))
		case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
			t.Errorf("%s: %q, %v; want an error saying %q", name, got, err, wantErr)
		}
	}
}

// sgrRE matches the Select Graphic Rendition sequences the screens are
// styled with: the program's own, the only escapes a View may hold.
var sgrRE = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// rawControl reports the first character of a View (its styling removed)
// that a terminal would act on: a byte below 0x20 other than newline and
// tab, ESC, DEL, a C1 control, a bidi control or invalid UTF-8.
func rawControl(view string) string {
	s := sgrRE.ReplaceAllString(view, "")
	for i, r := range s {
		switch {
		case r == '\n' || r == '\t':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069,
			r == 0x200e, r == 0x200f, r == 0x061c, r == 0x2028, r == 0x2029:
			return fmt.Sprintf("%U at byte %d in %q", r, i, s[max(0, i-60):min(len(s), i+60)])
		case r == utf8.RuneError && !strings.HasPrefix(s[i:], "\ufffd"):
			return fmt.Sprintf("invalid UTF-8 at byte %d", i)
		}
	}
	return ""
}

// hostile is text from outside that would act on a terminal: set the
// window title, clear the screen, write the clipboard (OSC 52), an 8-bit
// CSI, a bidi override, a carriage return.
var hostile = []string{"\x1b]2;pwned\x07", "\x1b[2J", "\x1b]52;c;cm0gLXJmIH4=\x07", "\u009b31m", "\u202eevil", "over\rwrite"}

// TestHostileTextReachesNoScreen drives the trainer over data, file names,
// a model file and a lesson that hold terminal escapes — the Sample,
// Confusion and status panes, every prompt's refusal, the flash line (saved
// and loaded paths, the names a sandbox lists), the lesson panel's titles,
// text and questions — and checks that no View holds a control character
// from them, while the escaped text does show.
func TestHostileTextReachesNoScreen(t *testing.T) {
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("x\x1b[2J,\"y\u202e\",\x1b]2;title\x07label\n")
	for i := range 60 {
		fmt.Fprintf(&csv, "%d,%d,%s\n", i%5, i%3, hostile[i%len(hostile)])
	}
	data := filepath.Join(dir, "h\x1b]2;name\x07.csv")
	if err := os.WriteFile(data, []byte(csv.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	su := Setup{Data: datasets.Spec{Name: data, Seed: 1},
		Net: network.Spec{Sizes: []int{2, 4, len(hostile)}, Acts: []network.Activation{network.Tanh, network.Softmax},
			Cost: network.CrossEntropy, Init: network.InitXavier},
		Hyper: network.DefaultHyper()}
	views := 0
	var check func(m *Model, what string)
	checker := func(t *testing.T) func(m *Model, what string) {
		return func(m *Model, what string) {
			t.Helper()
			views++
			if bad := rawControl(m.View().Content); bad != "" {
				t.Fatalf("%s: the View holds %s", what, bad)
			}
		}
	}
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("data %dx%d", size[0], size[1]), func(t *testing.T) {
			check = checker(t)
			out := t.TempDir() // each size saves its own model (a second save would ask to replace it)
			m := newTestModel(t, Options{Custom: &su}, size[0], size[1])
			check(m, "first screen")
			for range 12 {
				press(m, "space")
				check(m, "stepping")
			}
			press(m, "e", "3") // 3: the Sample pane, at 80×24
			check(m, "an epoch")
			pressSettle(m, "C")
			check(m, "the confusion browser")
			pressSettle(m, "tab", "M", "C")
			check(m, "browsing")
			scr := screen(t, m)
			if !strings.Contains(scr, `\x1b`) {
				t.Errorf("%v: no escaped name or label on the screen (the test could not fail):\n%s", size, scr)
			}

			// A prompt's input drops what a terminal would act on as it is
			// typed or pasted (it shows what it holds): m\u202e.json is saved
			// as m.json.
			press(m, "S", "ctrl+u")
			send(m, tea.PasteMsg{Content: filepath.Join(out, "m\u202e\x1b[2J.json")})
			press(m, "enter")
			check(m, "saved")
			saved := filepath.Join(out, "m[2J.json")
			if _, err := os.Stat(saved); err != nil || !strings.Contains(m.app.flash, saved) {
				t.Errorf("flash %q, want %s saved: %v", m.app.flash, saved, err)
			}
			press(m, "O")
			send(m, tea.PasteMsg{Content: filepath.Join(dir, "missing\x1b]2;x\x07\u202e.json")})
			press(m, "enter")
			check(m, "a refused load")
			if p := promptOf(m); p == nil || !strings.Contains(p.Err(), "missing]2;x.json") {
				t.Errorf("load of a missing file: prompt %v", p)
			}
			press(m, "ctrl+u")
			send(m, tea.PasteMsg{Content: saved})
			press(m, "enter")
			check(m, "loaded")
			if !strings.Contains(m.app.flash, "loaded") {
				t.Errorf("the model trained on the hostile data did not load: %q", m.app.flash)
			}
			press(m, "3", "space")
			if scr := screen(t, m); !strings.Contains(scr, `\x1b`) {
				t.Errorf("the loaded model's data shows no escaped names:\n%s", scr)
			}
			press(m, "d", "ctrl+u")
			send(m, tea.PasteMsg{Content: filepath.Join(dir, "nope\x1b[2J\u202e.csv")})
			press(m, "enter")
			check(m, "a refused data set")
		})
	}

	// In a sandbox a missing name lists the user's own files, at most
	// maxListed of them.
	t.Run("sandbox", func(t *testing.T) {
		check = checker(t)
		box := t.TempDir()
		for _, name := range []string{"a\x1b[2Jb.json", "\u202eevil.json", "c\u009b1m.json"} {
			os.WriteFile(filepath.Join(box, name), []byte("{}"), 0o600)
		}
		for i := range maxListed {
			os.WriteFile(filepath.Join(box, fmt.Sprintf("p%02d.json", i)), []byte("{}"), 0o600)
		}
		m := newTestModel(t, Options{Preset: "xor", Sandbox: true, SaveDir: box}, 120, 40)
		press(m, "O")
		typeText(m, "nope.json")
		press(m, "enter")
		check(m, "the sandbox's file list")
		if p := promptOf(m); p == nil || !strings.Contains(p.Err(), `a\x1b[2Jb.json`) || !strings.Contains(p.Err(), "p09.json, and 3 more)") {
			t.Errorf("the sandbox's names: prompt %v", p)
		}
	})

	// A lesson whose title, step titles, text and question hold escapes.
	lessonPath := filepath.Join(dir, "l\x1b[2J.md")
	os.WriteFile(lessonPath, []byte("---\ntitle: T\x1b]2;x\x07itle\nid: hostile\nsummary: s\u009b2J\n---\n\n"+
		"## Step: One \x1b[2J\u202e\n\n```scene\nscreen: trainer\npreset: xor\n```\n\nText \x1b]52;c;aGk=\x07 and\r over\u202e.\n\n"+
		"```question\nask: Which\x1b[2J?\noptions: a\x1b[1m | b\u202e\nanswer: a\x1b[1m\nreveal: r\x1b]2;t\x07\n```\n\n"+
		"## Step: Two\x07\n\n```check\ngoal: g\x1b[2J\nphase == load\n```\n"), 0o644)
	for _, size := range [][2]int{{120, 40}, {80, 24}} {
		t.Run(fmt.Sprintf("lesson %dx%d", size[0], size[1]), func(t *testing.T) {
			check = checker(t)
			m := newTestModel(t, Options{Lesson: lessonPath, StateDir: t.TempDir()}, size[0], size[1])
			run(m, m.Init())
			check(m, "the lesson")
			press(m, "a")
			check(m, "the lesson's answer")
			press(m, "space", "pgdown")
			check(m, "the lesson's next step")
			if scr := screen(t, m); !strings.Contains(scr, `\x1b`) {
				t.Errorf("%v: no escaped lesson text on the screen (the test could not fail):\n%s", size, scr)
			}
		})
	}
	t.Logf("%d views checked", views)
}
