package figures

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"

	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgpdf"
	"gonum.org/v1/plot/vg/vgsvg"

	"backprop/network"
	"backprop/themes"
)

// Format is an output file format.
type Format string

// The formats a figure is written in.
const (
	PNG Format = "png"
	SVG Format = "svg"
	PDF Format = "pdf"
)

// Formats lists the formats in the order --help names them.
func Formats() []Format { return []Format{PNG, SVG, PDF} }

// ErrFormat is FormatOf's error for a file name without a known extension.
var ErrFormat = errors.New("figures: unknown image format")

// FormatOf is the format named by path's extension (case-insensitive).
func FormatOf(path string) (Format, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	for _, f := range Formats() {
		if ext == string(f) {
			return f, nil
		}
	}
	if ext == "" {
		return "", fmt.Errorf("%w: %s has no extension; want .png, .svg or .pdf", ErrFormat, path)
	}
	return "", fmt.Errorf("%w %q in %s; want .png, .svg or .pdf", ErrFormat, "."+ext, path)
}

// Size bounds, in pixels: big enough to read, small enough that a PNG's
// pixels (4 bytes each) stay under 64 MiB.
const (
	MinSide = 64
	MaxSide = 4096
)

// DPI is the resolution at the default size: a figure of W × H pixels
// there measures W/96 × H/96 inches (SVG and PDF: the same size in points,
// 1 px = ¾ pt).
const DPI = 96

// Options are what every figure takes.
type Options struct {
	// Width and Height in pixels; 0 takes the figure's default size
	// (DefaultSize). A figure larger than its default is drawn at a higher
	// resolution, so the text keeps its proportions.
	Width, Height int
	// Theme names the themes palette (themes.ForPrint): "" is light.
	Theme string
	// Title replaces the figure's own title; Subtitle is a second line
	// under it (the data and network, say). Both are optional.
	Title, Subtitle string
}

// Figure is a drawing ready to be written in any Format at its size.
type Figure struct {
	Kind          string // "loss", "boundary", "neurons", "confusion", "weights"
	Width, Height int    // pixels
	scale         float64
	st            *style
	draw          func(c draw.Canvas)
}

// newFigure resolves o for a figure of the given kind whose default size
// is defW × defH, and builds its style.
func newFigure(kind string, o Options, defW, defH int) (*Figure, error) {
	w, h := o.Width, o.Height
	if w == 0 {
		w = defW
	}
	if h == 0 {
		h = defH
	}
	if w < MinSide || h < MinSide || w > MaxSide || h > MaxSide {
		return nil, fmt.Errorf("figures: size %d × %d pixels; want each side %d to %d", w, h, MinSide, MaxSide)
	}
	pal, err := themes.ForPrint(o.Theme)
	if err != nil {
		return nil, err
	}
	// Bigger than the default: more dots per inch, the same layout.
	scale := math.Max(1, math.Min(float64(w)/float64(defW), float64(h)/float64(defH)))
	return &Figure{Kind: kind, Width: w, Height: h, scale: scale, st: newStyle(pal, o)}, nil
}

// size is the figure's size in points at its resolution.
func (f *Figure) size() (vg.Length, vg.Length) {
	dpi := DPI * f.scale
	return vg.Length(float64(f.Width)/dpi) * vg.Inch, vg.Length(float64(f.Height)/dpi) * vg.Inch
}

// Write draws the figure in format to w.
func (f *Figure) Write(w io.Writer, format Format) error {
	var c vg.CanvasWriterTo
	pw, ph := f.size()
	switch format {
	case PNG:
		img := image.NewRGBA(image.Rect(0, 0, f.Width, f.Height))
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseImage(img), vgimg.UseDPI(int(math.Round(DPI*f.scale))))}
	case SVG:
		c = vgsvg.New(pw, ph)
	case PDF:
		c = pdfCanvas{vgpdf.New(pw, ph)}
	default:
		return fmt.Errorf("%w %q; want png, svg or pdf", ErrFormat, format)
	}
	dc := draw.New(c)
	if format != PNG {
		dc.SetColor(f.st.pal.Page)
		dc.Fill(dc.Rectangle.Path())
	}
	if err := f.drawSafely(dc); err != nil {
		return err
	}
	if format == SVG {
		// vgsvg encodes its images as PNG but labels them image/jpg,
		// which strict viewers (librsvg) refuse to show.
		var b bytes.Buffer
		if _, err := c.WriteTo(&b); err != nil {
			return err
		}
		_, err := w.Write(bytes.ReplaceAll(b.Bytes(), []byte(`"data:image/jpg;base64,`), []byte(`"data:image/png;base64,`)))
		return err
	}
	_, err := c.WriteTo(w)
	return err
}

// drawSafely draws the figure and turns a panic inside the plotting
// library into an error: a figure must never take its caller (a trainer
// session) down.
func (f *Figure) drawSafely(c draw.Canvas) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("figures: drawing the %s figure failed: %v", f.Kind, r)
		}
	}()
	f.draw(c)
	return nil
}

// Encode is the figure in format, as bytes.
func (f *Figure) Encode(format Format) ([]byte, error) {
	var b bytes.Buffer
	if err := f.Write(&b, format); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Save writes the figure to path in the format its extension names,
// atomically (a temporary file, synced, renamed over path): a failed save
// leaves any old file whole.
func (f *Figure) Save(path string) error {
	format, err := FormatOf(path)
	if err != nil {
		return err
	}
	b, err := f.Encode(format)
	if err != nil {
		return err
	}
	return network.WriteFileAtomic(path, b)
}

// Caption is the line under a figure's title that says what it is of:
// "circle · 2→8→1, tanh/sigmoid, cross-entropy · epoch 50".
func Caption(data string, net *network.Network, epoch int) string {
	if net == nil {
		return data
	}
	sizes := make([]string, len(net.Sizes))
	for i, n := range net.Sizes {
		sizes[i] = strconv.Itoa(n)
	}
	acts := make([]string, len(net.Layers))
	for i, l := range net.Layers {
		acts[i] = l.Act.String()
	}
	return fmt.Sprintf("%s · %s, %s, %s · epoch %d", data, strings.Join(sizes, "→"), strings.Join(acts, "/"), net.Cost, epoch)
}
