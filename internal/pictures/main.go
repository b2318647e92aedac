// Command pictures draws the README's pictures: screens of the app
// rendered from its own View (through an x/vt emulator, every cell drawn
// at its grid position with DejaVu Sans Mono, which has braille), and one
// figure of each `backprop plot` kind, made by the command itself.
//
//	go run ./internal/pictures [-out DIR] [-fonts DIR]
//
// scripts/pictures.sh runs it into docs/pictures; CI runs it into a
// temporary folder and checks every file (pictures_test.go).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"path/filepath"
	"sort"

	"backprop/cli"
	"backprop/network"
	"backprop/themes"
)

// picture is one file written: its name and its size in pixels.
type picture struct {
	Name          string
	Width, Height int
}

func main() {
	out := flag.String("out", "docs/pictures", "the folder to write the pictures to")
	fonts := flag.String("fonts", FontDir, "the folder holding DejaVuSansMono.ttf, DejaVuSansMono-Bold.ttf and DejaVuSans.ttf")
	flag.Parse()
	pics, err := generate(*out, *fonts)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pictures:", err)
		os.Exit(1)
	}
	for _, p := range pics {
		fmt.Printf("%s %d×%d\n", filepath.Join(*out, p.Name), p.Width, p.Height)
	}
}

// generate writes every picture into dir and lists them.
func generate(dir, fonts string) ([]picture, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	pal, _ := themes.ByName(themes.Dark)
	t, err := newTerm(fonts, pal.Fg, pal.Bg)
	if err != nil {
		return nil, err
	}
	var pics []picture
	for _, sc := range scenes() {
		img, err := shoot(t, sc)
		if err != nil {
			return nil, err
		}
		name := "screen-" + sc.name + ".png"
		if err := writePNG(filepath.Join(dir, name), img); err != nil {
			return nil, err
		}
		pics = append(pics, picture{name, img.Bounds().Dx(), img.Bounds().Dy()})
	}
	figs, err := plots(dir)
	if err != nil {
		return nil, err
	}
	return append(pics, figs...), nil
}

// writePNG writes img at the best compression, as a paletted image when
// it has at most 256 colours (terminal screens do): a few tens of KB.
func writePNG(path string, img *image.RGBA) error {
	var src image.Image = img
	if p := paletted(img); p != nil {
		src = p
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&b, src); err != nil {
		return err
	}
	return network.WriteFileAtomic(path, b.Bytes())
}

// shrink re-encodes the PNG at path with at most 256 colours (its most
// common ones, dithered) when that is smaller: a figure's smooth maps take
// half the bytes and look the same at README size.
func shrink(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	src, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		return err
	}
	img := image.NewRGBA(src.Bounds())
	draw.Draw(img, img.Bounds(), src, src.Bounds().Min, draw.Src)
	if paletted(img) == nil {
		p := image.NewPaletted(img.Bounds(), popular(img, 256))
		draw.FloydSteinberg.Draw(p, p.Bounds(), img, img.Bounds().Min)
		var out bytes.Buffer
		if err := (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&out, p); err != nil {
			return err
		}
		if out.Len() < len(b) { // dithering costs more than it saves on pictures of pixels
			return network.WriteFileAtomic(path, out.Bytes())
		}
		return nil
	}
	return writePNG(path, img)
}

// popular is a palette of img's n most common colours, counted in 5-bit
// buckets per channel (each bucket's mean colour).
func popular(img *image.RGBA, n int) color.Palette {
	type bucket struct {
		key        uint32
		count      int
		r, g, b, a int
	}
	buckets := map[uint32]*bucket{}
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			k := uint32(c.R>>3)<<10 | uint32(c.G>>3)<<5 | uint32(c.B>>3)
			bk := buckets[k]
			if bk == nil {
				bk = &bucket{key: k}
				buckets[k] = bk
			}
			bk.count++
			bk.r, bk.g, bk.b, bk.a = bk.r+int(c.R), bk.g+int(c.G), bk.b+int(c.B), bk.a+int(c.A)
		}
	}
	all := make([]*bucket, 0, len(buckets))
	for _, bk := range buckets {
		all = append(all, bk)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].count != all[j].count {
			return all[i].count > all[j].count
		}
		return all[i].key < all[j].key // the same palette every run
	})
	var pal color.Palette
	for _, bk := range all[:min(n, len(all))] {
		pal = append(pal, color.RGBA{uint8(bk.r / bk.count), uint8(bk.g / bk.count), uint8(bk.b / bk.count), uint8(bk.a / bk.count)})
	}
	return pal
}

// paletted is img with a palette of its own colours, or nil when it has
// more than 256.
func paletted(img *image.RGBA) *image.Paletted {
	index := map[color.RGBA]uint8{}
	var pal color.Palette
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			c := img.RGBAAt(x, y)
			if _, ok := index[c]; !ok {
				if len(pal) == 256 {
					return nil
				}
				index[c] = uint8(len(pal))
				pal = append(pal, c)
			}
		}
	}
	p := image.NewPaletted(r, pal)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p.SetColorIndex(x, y, index[img.RGBAAt(x, y)])
		}
	}
	return p
}

// plot is one `backprop plot` run for the README.
type plot struct {
	name  string // the file written
	args  []string
	w, h  int
	model string // "circle", "digits" or "sine"
}

// plotList is the README's figures.
func plotList(work string) []plot {
	circle, digits, sine := filepath.Join(work, "circle.json"), filepath.Join(work, "digits.json"), filepath.Join(work, "sine.json")
	return []plot{
		{"plot-loss.png", []string{"loss", "--history", filepath.Join(work, "circle.csv")}, 800, 360, ""},
		{"plot-boundary.png", []string{"boundary"}, 640, 490, circle},
		{"plot-neurons.png", []string{"neurons"}, 960, 340, circle},
		{"plot-neurons-digits.png", []string{"neurons"}, 620, 640, digits},
		{"plot-confusion.png", []string{"confusion"}, 520, 500, digits},
		{"plot-weights.png", []string{"weights"}, 760, 400, circle},
		{"plot-fit.png", []string{"fit"}, 640, 420, sine},
	}
}

// expected lists the pictures generate writes, with their sizes, without
// drawing them.
func expected(t *term) []picture {
	var pics []picture
	for _, sc := range scenes() {
		w, h := t.size(sc.w, sc.h)
		pics = append(pics, picture{"screen-" + sc.name + ".png", w, h})
	}
	for _, p := range plotList("") {
		pics = append(pics, picture{p.name, p.w, p.h})
	}
	return pics
}

// plots trains the README's models with `backprop train` and draws one
// figure of each kind with `backprop plot`, as a user would.
func plots(dir string) ([]picture, error) {
	work, err := os.MkdirTemp("", "backprop-pictures-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	run := func(args ...string) error {
		var stdout, stderr bytes.Buffer
		if code := cli.Run(args, &stdout, &stderr); code != 0 {
			return fmt.Errorf("backprop %v: exit %d: %s", args, code, stderr.String())
		}
		return nil
	}
	circle, digits := filepath.Join(work, "circle.json"), filepath.Join(work, "digits.json") // as plotList names them
	if err := run("train", "--data", "circle", "--layers", "_,8,_", "--act", "tanh,sigmoid", "--cost", "cross-entropy",
		"--epochs", "50", "--out", circle, "--history", filepath.Join(work, "circle.csv"), "--progress", "plain"); err != nil {
		return nil, err
	}
	if err := run("train", "--data", "digits", "--layers", "64,30,10", "--act", "sigmoid", "--cost", "quadratic", "--lr", "3",
		"--batch", "10", "--epochs", "10", "--seed", "1", "--out", digits, "--progress", "plain"); err != nil {
		return nil, err
	}
	if err := run("train", "--data", "sine", "--epochs", "300", "--seed", "1", "--out", filepath.Join(work, "sine.json"),
		"--progress", "plain"); err != nil {
		return nil, err
	}
	var pics []picture
	for _, p := range plotList(work) {
		path := filepath.Join(dir, p.name)
		args := append([]string{"plot"}, p.args...)
		if p.model != "" {
			args = append(args, "--model", p.model)
		}
		args = append(args, "-o", path, "--width", fmt.Sprint(p.w), "--height", fmt.Sprint(p.h))
		if err := run(args...); err != nil {
			return nil, err
		}
		if err := shrink(path); err != nil {
			return nil, err
		}
		pics = append(pics, picture{p.name, p.w, p.h})
	}
	return pics, nil
}
