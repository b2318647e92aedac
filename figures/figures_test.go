package figures

import (
	"bytes"
	"encoding/xml"
	"errors"
	"image/color"
	"image/png"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"

	"backprop/datasets"
	"backprop/network"
	"backprop/themes"
)

// trained is a small network trained a few epochs on data set name.
func trained(t testing.TB, name string, sizes []int, acts []network.Activation, epochs int) (*network.Network, *datasets.Dataset, []network.EpochStats) {
	t.Helper()
	ds, err := datasets.Load(datasets.Spec{Name: name, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	sizes[0], sizes[len(sizes)-1] = len(ds.Features), len(ds.Targets)
	net, err := network.New(network.Spec{Sizes: sizes, Acts: acts, Cost: network.CrossEntropy, Init: network.InitXavier}, network.NewRand(1))
	if err != nil {
		t.Fatal(err)
	}
	h := network.DefaultHyper()
	h.Eta = 0.5
	st, err := network.NewStepper(net, h, network.Set{X: ds.Train.X, Y: ds.Train.Y}, network.Set{X: ds.Test.X, Y: ds.Test.Y})
	if err != nil {
		t.Fatal(err)
	}
	st.SetUndoBudget(0)
	for range epochs {
		if err := st.Step(network.ByEpoch); err != nil {
			t.Fatal(err)
		}
	}
	return st.Net(), ds, st.History()
}

// checkFormats writes f in every format and checks each decodes: the PNG
// at the figure's size, the SVG as XML with an svg root, the PDF's header.
func checkFormats(t *testing.T, f *Figure, w, h int) {
	t.Helper()
	if f.Width != w || f.Height != h {
		t.Errorf("%s: %d×%d, want %d×%d", f.Kind, f.Width, f.Height, w, h)
	}
	b, err := f.Encode(PNG)
	if err != nil {
		t.Fatalf("%s png: %v", f.Kind, err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s png: %v", f.Kind, err)
	}
	if r := img.Bounds(); r.Dx() != w || r.Dy() != h {
		t.Errorf("%s png is %d×%d, want %d×%d", f.Kind, r.Dx(), r.Dy(), w, h)
	}
	// Not blank: the picture has many colours.
	colours := map[[4]uint32]bool{}
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x += 7 {
			r, g, b, a := img.At(x, y).RGBA()
			colours[[4]uint32{r, g, b, a}] = true
		}
	}
	if len(colours) < 8 {
		t.Errorf("%s png has %d colours: blank?", f.Kind, len(colours))
	}
	if raceEnabled {
		return
	}
	b, err = f.Encode(SVG)
	if err != nil {
		t.Fatalf("%s svg: %v", f.Kind, err)
	}
	var root struct{ XMLName xml.Name }
	if err := xml.Unmarshal(b, &root); err != nil || root.XMLName.Local != "svg" {
		t.Errorf("%s svg: %v, root %q", f.Kind, err, root.XMLName.Local)
	}
	if bytes.Contains(b, []byte("data:image/jpg")) {
		t.Errorf("%s svg labels its PNG images as JPEG", f.Kind)
	}
	b, err = f.Encode(PDF)
	if err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s pdf: %v", f.Kind, err)
	}
}

func TestEveryFigure(t *testing.T) {
	net, ds, hist := trained(t, "circle", []int{2, 6, 1}, []network.Activation{network.Tanh, network.Sigmoid}, 5)
	xnet, xds, _ := trained(t, "spiral", []int{2, 5, 4, 1}, []network.Activation{network.ReLU, network.Linear, network.Sigmoid}, 2)
	dnet, dds, _ := trained(t, "digits", []int{64, 12, 10}, []network.Activation{network.Sigmoid, network.Softmax}, 1)
	met := dnet.Evaluate(network.Set{X: dds.Test.X, Y: dds.Test.Y})
	for _, c := range []struct {
		name string
		make func(o Options) (*Figure, error)
		w, h int
	}{
		{"loss", func(o Options) (*Figure, error) { return Loss(hist, false, o) }, 960, 440},
		{"loss log", func(o Options) (*Figure, error) { return Loss(hist, true, o) }, 960, 440},
		{"boundary", func(o Options) (*Figure, error) { return Boundary(net, ds, o) }, 780, 600},
		{"boundary relu", func(o Options) (*Figure, error) { return Boundary(xnet, xds, o) }, 780, 600},
		{"neurons 2-D", func(o Options) (*Figure, error) { return Neurons(xnet, xds, o) }, 0, 0},
		{"neurons images", func(o Options) (*Figure, error) { return Neurons(dnet, dds, o) }, 0, 0},
		{"confusion", func(o Options) (*Figure, error) { return Confusion(met.Confusion, dds.Classes, o) }, 640, 600},
		{"weights", func(o Options) (*Figure, error) { return Weights(dnet, o) }, 1000, 520},
		{"hidden", func(o Options) (*Figure, error) { return Hidden(net, ds, 1, 0, 3, o) }, 780, 600},
		{"hidden relu", func(o Options) (*Figure, error) { return Hidden(xnet, xds, 2, 1, 2, o) }, 780, 600},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := c.make(Options{Subtitle: "test"})
			if err != nil {
				t.Fatal(err)
			}
			if c.w == 0 {
				c.w, c.h = f.Width, f.Height // sized by the number of neurons
			}
			checkFormats(t, f, c.w, c.h)
			if raceEnabled {
				return
			}
			// Another size and theme: the PNG only.
			f, err = c.make(Options{Width: 400, Height: 320, Theme: themes.MonoName, Title: "a title"})
			if err != nil {
				t.Fatal(err)
			}
			if b, err := f.Encode(PNG); err != nil {
				t.Fatal(err)
			} else if img, err := png.Decode(bytes.NewReader(b)); err != nil || img.Bounds().Dx() != 400 || img.Bounds().Dy() != 320 {
				t.Errorf("mono 400×320: %v %v", err, img.Bounds())
			}
			f, err = c.make(Options{Width: 2 * c.w, Height: 2 * c.h})
			if err != nil {
				t.Fatal(err)
			}
			if f.scale != 2 {
				t.Errorf("twice the default size is drawn at scale %v, want 2", f.scale)
			}
		})
	}
}

func TestFigureErrors(t *testing.T) {
	net, ds, hist := trained(t, "iris", []int{4, 3, 3}, []network.Activation{network.Tanh, network.Softmax}, 1)
	for _, c := range []struct {
		name string
		err  error
		want string
	}{
		{"boundary of iris", second(Boundary(net, ds, Options{})), "the boundary figure needs 2-D data (a map over the input plane x₁, x₂); iris has 4 inputs"},
		{"neurons of iris", second(Neurons(net, ds, Options{})), "the neurons figure needs 2-D data"},
		{"hidden of iris", second(Hidden(net, ds, 1, 0, 1, Options{})), "the hidden space figure needs 2-D data"},
		{"no history", second(Loss(nil, false, Options{})), "no epochs"},
		{"too small", second(Loss(hist, false, Options{Width: 10, Height: 500})), "size 10 × 500 pixels; want each side 64 to 4096"},
		{"too big", second(Loss(hist, false, Options{Width: 5000, Height: 500})), "want each side 64 to 4096"},
		{"theme", second(Loss(hist, false, Options{Theme: "neon"})), `unknown theme "neon"`},
		{"no confusion", second(Confusion(nil, nil, Options{})), "no confusion matrix"},
		{"ragged confusion", second(Confusion([][]int{{1, 2}, {3}}, nil, Options{})), "row 1 has 1 cells, want 2"},
		{"negative count", second(Confusion([][]int{{1, -2}, {3, 4}}, nil, Options{})), "[0][1] = -2"},
	} {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, c.err, c.want)
		}
	}
	if err := second(Boundary(net, ds, Options{})); !errors.Is(err, ErrNot2D) {
		t.Errorf("boundary of iris: %v is not ErrNot2D", err)
	}
	bad := net.Clone()
	bad.Layers[0].W[0] = math.NaN()
	if err := second(Weights(bad, Options{})); err == nil || !strings.Contains(err.Error(), "layer 1 has weights that are not finite") {
		t.Errorf("NaN weights: %v", err)
	}
}

func second(_ *Figure, err error) error { return err }

// TestReceptiveFieldOrientation: a weight on the top-left pixel is drawn
// at the top left of the neuron's picture.
func TestReceptiveFieldOrientation(t *testing.T) {
	pal, _ := themes.ForPrint("")
	row := make([]float64, 64)
	row[0] = 1   // top left: positive
	row[63] = -1 // bottom right: negative
	img := receptiveImage(&style{pal: pal}, row, 8, 8)
	if got := img.At(0, 0); got != pal.Diverging(1) {
		t.Errorf("top-left pixel %v, want Pos %v", got, pal.Diverging(1))
	}
	if got := img.At(7, 7); got != pal.Diverging(-1) {
		t.Errorf("bottom-right pixel %v, want Neg %v", got, pal.Diverging(-1))
	}
	// raster: grid row 0 is the bottom of the plane.
	colours := []color.Color{pal.Pos, pal.Neg}
	r := raster(2, 1, func(r, _ int) color.Color { return colours[r] })
	if r.At(0, 1) != colours[0] || r.At(0, 0) != colours[1] {
		t.Error("raster puts grid row 0 at the top")
	}
}

// TestLossAxisSpansTheData: the y axis runs from just below the lowest
// cost to just above the highest (not from 0, nor from 1e-16 on a log
// scale).
func TestLossAxisSpansTheData(t *testing.T) {
	xy := plotter.XYs{{X: 1, Y: 0.73}, {X: 2, Y: 0.52}, {X: 3, Y: 0.44}}
	for _, logY := range []bool{false, true} {
		p := plot.New()
		fitY(p, xy, nil, logY, false)
		if !(p.Y.Min > 0.4 && p.Y.Min < 0.44 && p.Y.Max > 0.73 && p.Y.Max < 0.78) {
			t.Errorf("log=%v: y axis %v..%v for a cost in 0.44..0.73", logY, p.Y.Min, p.Y.Max)
		}
	}
	p := plot.New()
	fitY(p, plotter.XYs{{X: 1, Y: 0.9}, {X: 2, Y: 1}}, nil, false, true)
	if p.Y.Max > 1.02 || p.Y.Min < 0.8 {
		t.Errorf("accuracy axis %v..%v", p.Y.Min, p.Y.Max)
	}
	ticks := logTicks{}.Ticks(0.055, 0.8)
	labels := 0
	for _, tk := range ticks {
		if tk.Label != "" {
			labels++
		}
	}
	if labels < 3 {
		t.Errorf("log ticks over 0.055..0.8 label %d values", labels)
	}
}

func TestFormatOf(t *testing.T) {
	for in, want := range map[string]Format{"a.png": PNG, "b.SVG": SVG, "dir/c.Pdf": PDF} {
		if f, err := FormatOf(in); err != nil || f != want {
			t.Errorf("FormatOf(%q) = %q, %v", in, f, err)
		}
	}
	for in, want := range map[string]string{"a.gif": `unknown image format ".gif" in a.gif`, "noext": "has no extension"} {
		if _, err := FormatOf(in); err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), want) {
			t.Errorf("FormatOf(%q): %v", in, err)
		}
	}
}

func TestPDFRuns(t *testing.T) {
	got := pdfRuns("a¹₃ · 2→8 · x₁₂ − b⁹")
	want := []pdfRun{{"a", baseline}, {"1", raised}, {"3", lowered}, {" · 2-8 · x", baseline}, {"12", lowered}, {" – b", baseline}, {"9", raised}}
	if len(got) != len(want) {
		t.Fatalf("pdfRuns: %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("run %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	if r := pdfRuns("日本"); r[0].s != "??" {
		t.Errorf("characters cp1252 lacks: %+v", r)
	}
}

func TestNames(t *testing.T) {
	for _, c := range [][2]string{{neuronName(1, 2), "a¹₃"}, {neuronName(2, 11), "a²₁₂"}, {neuronName(9, 0), "a^9₁"}, {sup(10), "^10"}} {
		if c[0] != c[1] {
			t.Errorf("%q, want %q", c[0], c[1])
		}
	}
}

// TestHiddenFigure: the hidden space of XOR with 2 tanh units has the
// decision line in its legend, and a pair that is not in the layer is an
// error that names it.
func TestHiddenFigure(t *testing.T) {
	net, ds, _ := trained(t, "circle", []int{2, 2, 1}, []network.Activation{network.Tanh, network.Sigmoid}, 3)
	f, err := Hidden(net, ds, 1, 0, 1, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.Encode(SVG)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Hidden space of layer 1", "decision line (output = ½)", "input grid line", "class 1"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("the SVG lacks %q", want)
		}
	}
	if err := second(Hidden(net, ds, 1, 0, 2, Options{})); err == nil || !strings.Contains(err.Error(), "no neurons 1 and 3 in hidden layer 1") {
		t.Errorf("a pair out of the layer: %v", err)
	}
	if err := second(Hidden(net, ds, 2, 0, 1, Options{})); err == nil {
		t.Error("the output layer as hidden space: no error")
	}
}
