package main

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"backprop/themes"
)

// fontsOrSkip is the term the pictures are drawn with, or a skip when
// DejaVu is not installed (a failure under CI, which installs it).
func fontsOrSkip(t *testing.T) *term {
	t.Helper()
	pal, _ := themes.ByName(themes.Dark)
	tm, err := newTerm(FontDir, pal.Fg, pal.Bg)
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	return tm
}

// checkPicture decodes a PNG and checks its size and that it is a
// picture, not a blank.
func checkPicture(t *testing.T, path string, want picture) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Error(err)
		return
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Errorf("%s: %v", path, err)
		return
	}
	if r := img.Bounds(); r.Dx() != want.Width || r.Dy() != want.Height {
		t.Errorf("%s is %d×%d, want %d×%d", path, r.Dx(), r.Dy(), want.Width, want.Height)
	}
	if n := colours(img); n < 6 {
		t.Errorf("%s has %d colours: blank?", path, n)
	}
}

func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y += 3 {
		for x := r.Min.X; x < r.Max.X; x += 3 {
			a, b, c, d := img.At(x, y).RGBA()
			seen[[4]uint32{a, b, c, d}] = true
		}
	}
	return len(seen)
}

// TestPictures: every picture scripts/pictures.sh writes is a PNG of the
// expected size with something on it. CI runs the script into a temporary
// folder and names it in $BACKPROP_PICTURES; without it the pictures are
// drawn here.
func TestPictures(t *testing.T) {
	tm := fontsOrSkip(t)
	dir := os.Getenv("BACKPROP_PICTURES")
	if dir == "" {
		if testing.Short() {
			t.Skip("draws every picture; -short skips it")
		}
		dir = t.TempDir()
		if _, err := generate(dir, FontDir); err != nil {
			t.Fatal(err)
		}
	}
	want := expected(tm)
	var stale []string
	for _, p := range want {
		checkPicture(t, filepath.Join(dir, p.Name), p)
		fresh, _ := os.ReadFile(filepath.Join(dir, p.Name))
		committed, _ := os.ReadFile(filepath.Join("../../docs/pictures", p.Name))
		if !bytes.Equal(fresh, committed) {
			stale = append(stale, p.Name)
		}
	}
	// The pictures are drawn deterministically (pure-Go rasterisers, the
	// same fonts): a difference means a screen or figure changed.
	if len(stale) > 0 {
		t.Errorf("docs/pictures is out of date (%s): run scripts/pictures.sh and commit docs/pictures", strings.Join(stale, ", "))
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != len(want) {
		t.Errorf("%s holds %d files, want the %d pictures", dir, len(ents), len(want))
	}
}

// TestCommittedPictures: the README shows every picture, and the committed
// ones are the current set at the current sizes (regenerate them with
// scripts/pictures.sh after changing a scene or a size).
func TestCommittedPictures(t *testing.T) {
	tm := fontsOrSkip(t)
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	total := int64(0)
	for _, p := range expected(tm) {
		path := filepath.Join("../../docs/pictures", p.Name)
		checkPicture(t, path, p)
		if !strings.Contains(string(readme), "docs/pictures/"+p.Name) {
			t.Errorf("README.md does not show docs/pictures/%s", p.Name)
		}
		if st, err := os.Stat(path); err == nil {
			total += st.Size()
		}
	}
	if total > 1<<20 {
		t.Errorf("the committed pictures take %d KB; keep them under 1 MB", total>>10)
	}
}

// TestBoxDrawing: half blocks fill exactly half a cell, and a border's
// arms reach the cell's edges (so neighbours join).
func TestBoxDrawing(t *testing.T) {
	tm := fontsOrSkip(t)
	img := image.NewRGBA(image.Rect(0, 0, tm.cellW, tm.cellH))
	rect := img.Bounds()
	fg := tm.fg
	if !tm.geometry(img, rect, '▀', fg, tm.bg) {
		t.Fatal("▀ not drawn as geometry")
	}
	top, bottom := img.At(0, 0), img.At(0, tm.cellH-1)
	if !same(top, fg) || same(bottom, fg) {
		t.Errorf("▀: top %v bottom %v", top, bottom)
	}
	img = image.NewRGBA(rect)
	tm.geometry(img, rect, '─', fg, tm.bg)
	cy := tm.cellH / 2
	if !same(img.At(0, cy), fg) || !same(img.At(tm.cellW-1, cy), fg) {
		t.Error("─ does not reach both edges")
	}
	img = image.NewRGBA(rect)
	tm.geometry(img, rect, '╭', fg, tm.bg)
	if !same(img.At(tm.cellW-1, cy), fg) || !same(img.At(tm.cellW/2, tm.cellH-1), fg) || same(img.At(tm.cellW/2, 0), fg) {
		t.Error("╭ does not join right and down only")
	}
}

func same(a, b interface{ RGBA() (r, g, b, a uint32) }) bool {
	ar, ag, ab, _ := a.RGBA()
	br, bg, bb, _ := b.RGBA()
	return ar == br && ag == bg && ab == bb
}
