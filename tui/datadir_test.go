package tui

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeTinyMNIST writes four idx files of 28×28 images (20 to train on,
// 10 to test) into dir: what the mnist preset needs, in a few kilobytes.
func writeTinyMNIST(t *testing.T, dir string) {
	t.Helper()
	idx := func(dims []int, data []byte) []byte {
		var b bytes.Buffer
		b.Write([]byte{0, 0, 8, byte(len(dims))})
		for _, d := range dims {
			_ = binary.Write(&b, binary.BigEndian, uint32(d))
		}
		b.Write(data)
		return b.Bytes()
	}
	files := map[string][]byte{}
	for _, set := range []struct {
		name string
		n    int
	}{{"train", 20}, {"t10k", 10}} {
		img, lab := make([]byte, set.n*28*28), make([]byte, set.n)
		for i := range img {
			img[i] = byte(i * 7)
		}
		for i := range lab {
			lab[i] = byte(i % 10)
		}
		files[set.name+"-images-idx3-ubyte"] = idx([]int{set.n, 28, 28}, img)
		files[set.name+"-labels-idx1-ubyte"] = idx([]int{set.n}, lab)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// MNIST from the launcher without the files: the error said where to get
// them but gave no way to say where they are; the learner had to quit and
// restart with --data-dir. Now the launcher asks for the folder, says what
// is wrong with a wrong one, and remembers a right one.
func TestLauncherAsksForTheMNISTFolder(t *testing.T) {
	state, files := t.TempDir(), t.TempDir()
	writeTinyMNIST(t, files)
	m := newTestModel(t, Options{StateDir: state}, 80, 24)
	cursorTo(t, m, "mnist")
	press(m, "enter")
	p := promptOf(m)
	if m.screen != screenLauncher || p == nil || p.Label() != "folder with the mnist files" {
		t.Fatalf("mnist without its files: screen %d, prompt %v\n%s", m.screen, p, screen(t, m))
	}
	if scr := strings.Join(strings.Fields(screen(t, m)), " "); !strings.Contains(scr, "go mod download") || !strings.Contains(scr, "train-images-idx3-ubyte") {
		t.Errorf("the prompt does not say which files, or where to get them:\n%s", scr)
	}
	typeText(m, t.TempDir())
	press(m, "enter")
	if p := promptOf(m); p == nil || !strings.Contains(p.Err(), "the mnist files are not in") {
		t.Fatalf("a folder without the files: %v", p)
	}
	p.SetValue(files)
	press(m, "enter")
	if m.screen != screenTrainer || m.tr.sess.preset != "mnist" || m.tr.sess.data.Train.Len() != 20 {
		t.Fatalf("the folder with the files: screen %d, flash %q", m.screen, m.app.flash)
	}
	if !strings.Contains(m.app.flash, "remembered") {
		t.Errorf("flash %q", m.app.flash)
	}
	// remembered: the next start opens mnist from the launcher at once, and
	// --preset mnist too
	m2 := newTestModel(t, Options{StateDir: state}, 80, 24)
	cursorTo(t, m2, "mnist")
	press(m2, "enter")
	if m2.screen != screenTrainer || m2.tr.sess.data.Train.Len() != 20 {
		t.Fatalf("the folder was not remembered: screen %d, prompt %v", m2.screen, promptOf(m2))
	}
	if m3 := newTestModel(t, Options{StateDir: state, Preset: "mnist"}, 80, 24); m3.screen != screenTrainer {
		t.Error("--preset mnist without --data-dir should use the remembered folder")
	}
}

// Over SSH the session's folder rules apply: a plain name in the session
// folder, remembered as typed in the user's own state folder.
func TestMNISTFolderInASandbox(t *testing.T) {
	state, saves := t.TempDir(), t.TempDir()
	writeTinyMNIST(t, filepath.Join(mkdir(t, saves, "digits")))
	m := newTestModel(t, Options{Sandbox: true, SaveDir: saves, StateDir: state}, 80, 24)
	cursorTo(t, m, "mnist")
	press(m, "enter")
	p := promptOf(m)
	if p == nil || !strings.Contains(p.Label(), "in the session folder") {
		t.Fatalf("prompt %v", p)
	}
	p.SetValue("/etc")
	press(m, "enter")
	if p := promptOf(m); p == nil || !strings.Contains(p.Err(), "only the name of a folder in your folder") {
		t.Fatalf("/etc over SSH: %v", p)
	}
	// a link out of the folder, or a folder holding one, is refused
	if err := os.Symlink(t.TempDir(), filepath.Join(saves, "out")); err != nil {
		t.Fatal(err)
	}
	links := mkdir(t, saves, "links")
	if err := os.Symlink("/etc/passwd", filepath.Join(links, "train-images-idx3-ubyte")); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"out", "links"} {
		p.SetValue(name)
		press(m, "enter")
		if p := promptOf(m); p == nil || m.screen != screenLauncher {
			t.Fatalf("%s over SSH was opened", name)
		}
	}
	if e := promptOf(m).Err(); !strings.Contains(e, "not a regular file") {
		t.Errorf("a folder holding a link: %q", e)
	}
	p.SetValue("digits")
	press(m, "enter")
	if m.screen != screenTrainer {
		t.Fatalf("digits in the session folder: %v", promptOf(m))
	}
	b, err := os.ReadFile(filepath.Join(state, dataDirsFile))
	if err != nil || !strings.Contains(string(b), `"mnist": "digits"`) || strings.Contains(string(b), saves) {
		t.Errorf("remembered %s (%v), want the name as typed", b, err)
	}
}

func mkdir(t *testing.T, parent, name string) string {
	t.Helper()
	d := filepath.Join(parent, name)
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}
