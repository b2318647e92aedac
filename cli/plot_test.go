package cli

import (
	"bytes"
	"encoding/xml"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// trainCircle runs the acceptance training into dir and returns
// the model and history paths.
func trainCircle(t *testing.T, dir string) (model, hist string) {
	t.Helper()
	model, hist = filepath.Join(dir, "c.json"), filepath.Join(dir, "c.csv")
	code, _, errs := runCLI("train", "--data", "circle", "--layers", "_,8,_", "--act", "tanh,sigmoid",
		"--cost", "cross-entropy", "--epochs", "50", "--out", model, "--history", hist)
	if code != 0 {
		t.Fatalf("train: %s", errs)
	}
	return model, hist
}

// checkPNG decodes a PNG file and checks its size.
func checkPNG(t *testing.T, path string, w, h int) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if got := img.Bounds(); got.Dx() != w || got.Dy() != h {
		t.Errorf("%s is %d×%d, want %d×%d", path, got.Dx(), got.Dy(), w, h)
	}
}

// checkSVG parses an SVG file as XML and checks its root element.
func checkSVG(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := xml.NewDecoder(bytes.NewReader(b))
	root := ""
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if se, ok := tok.(xml.StartElement); ok {
			if root == "" {
				root = se.Name.Local
			}
		}
	}
	if root != "svg" || len(b) < 500 {
		t.Errorf("%s: root element %q, %d bytes", path, root, len(b))
	}
}

// TestPlotAcceptance is the acceptance check, on the built binary:
// after training the circle model, every plot kind writes a PNG that
// decodes at the size asked for, and an SVG.
func TestPlotAcceptance(t *testing.T) {
	_, bin := buildBinary(t)
	runCLI := func(args ...string) (int, string, string) {
		var out, errb bytes.Buffer
		cmd := exec.Command(bin, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, out.String(), errb.String()
	}
	dir := t.TempDir()
	model, hist := filepath.Join(dir, "c.json"), filepath.Join(dir, "c.csv")
	if code, _, errs := runCLI("train", "--data", "circle", "--layers", "_,8,_", "--act", "tanh,sigmoid",
		"--cost", "cross-entropy", "--epochs", "50", "--out", model, "--history", hist); code != 0 {
		t.Fatalf("train: %s", errs)
	}
	sine := filepath.Join(dir, "s.json")
	if code, _, errs := runCLI("train", "--data", "sine", "--epochs", "20", "--out", sine); code != 0 {
		t.Fatalf("train sine: %s", errs)
	}
	for _, k := range plotKinds() {
		kind := k[0]
		src := []string{"--model", model}
		if kind == "fit" { // data of one input
			src = []string{"--model", sine}
		}
		if kind == "loss" {
			src = []string{"--history", hist}
		}
		out := filepath.Join(dir, kind+".png")
		args := append([]string{"plot", kind, "-o", out, "--width", "640", "--height", "480"}, src...)
		code, stdout, errs := runCLI(args...)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", strings.Join(args, " "), code, errs)
		}
		if !strings.Contains(stdout, "wrote "+out) {
			t.Errorf("%s: stdout %q", kind, stdout)
		}
		checkPNG(t, out, 640, 480)
		svg := filepath.Join(dir, kind+".svg")
		if code, _, errs := runCLI(append([]string{"plot", kind, "--out", svg}, src...)...); code != 0 {
			t.Fatalf("%s svg: %s", kind, errs)
		}
		checkSVG(t, svg)
	}
	// The loss figure from the model file's own history, as a PDF.
	pdf := filepath.Join(dir, "loss.pdf")
	if code, _, errs := runCLI("plot", "loss", "--model", model, "--log", "-o", pdf); code != 0 {
		t.Fatal(errs)
	}
	if b, _ := os.ReadFile(pdf); !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Errorf("%s is not a PDF", pdf)
	}
	// Default sizes.
	def := filepath.Join(dir, "boundary-default.png")
	if code, _, errs := runCLI("plot", "boundary", "--model", model, "-o", def); code != 0 {
		t.Fatal(errs)
	}
	checkPNG(t, def, 780, 600)
}

// TestPlotErrors: bad input gets eval's kind of messages, exit 2 for
// usage and 1 for files and figures the data can't have.
func TestPlotErrors(t *testing.T) {
	dir := t.TempDir()
	model, hist := trainCircle(t, dir)
	iris := filepath.Join(dir, "iris.json")
	if code, _, errs := runCLI("train", "--data", "iris", "--layers", "_,4,_", "--epochs", "1", "--out", iris); code != 0 {
		t.Fatal(errs)
	}
	bad := writeFile(t, dir, "bad.csv", "epoch,loss\n1,0.5\n2,x\n")
	png := filepath.Join(dir, "out.png")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"plot", "--model", model, "-o", png}, 2, "name the figure: backprop plot loss|boundary|fit|neurons|confusion|weights"},
		{[]string{"plot", "bondary", "--model", model, "-o", png}, 2, `unknown figure "bondary" (did you mean boundary?)`},
		{[]string{"plot", "boundary", "weights", "--model", model, "-o", png}, 2, `one figure at a time`},
		{[]string{"plot", "boundary", "--model", model}, 2, "--out: required"},
		{[]string{"plot", "boundary", "--model", model, "-o", filepath.Join(dir, "b.gif")}, 2, `--out: unknown image format ".gif"`},
		{[]string{"plot", "boundary", "--model", model, "-o", filepath.Join(dir, "no", "b.png")}, 2, "--out: directory"},
		{[]string{"plot", "boundary", "-o", png}, 2, "--model: required"},
		{[]string{"plot", "loss", "-o", png}, 2, "--history: required"},
		{[]string{"plot", "weights", "--model", model, "-o", png, "--log"}, 2, "--log: is for plot loss, not plot weights"},
		{[]string{"plot", "boundary", "--model", model, "-o", png, "--on", "train"}, 2, "--on: is for plot confusion"},
		{[]string{"plot", "boundary", "--model", model, "-o", png, "--width", "10"}, 2, "--width: must be 64..4096 pixels, got 10"},
		{[]string{"plot", "boundary", "--model", model, "-o", png, "--theme", "neon"}, 2, `--theme: unknown "neon"`},
		{[]string{"plot", "confusion", "--model", model, "-o", png, "--on", "every"}, 2, "--on: must be test, train or all"},
		{[]string{"plot", "boundary", "--model", model, "-o", png, "--widht", "9"}, 2, "unknown flag --widht (did you mean --width?)"},
		{[]string{"plot", "boundary", "--model", iris, "-o", png}, 1, "the boundary figure needs 2-D data (a map over the input plane x₁, x₂); iris has 4 inputs"},
		{[]string{"plot", "neurons", "--model", iris, "-o", png}, 1, "the neurons figure needs 2-D data"},
		{[]string{"plot", "fit", "--model", model, "-o", png}, 1, "the fit figure needs data of one input (a curve y = f(x)); circle has 2 inputs"},
		{[]string{"plot", "boundary", "--model", filepath.Join(dir, "missing.json"), "-o", png}, 1, "missing.json"},
		{[]string{"plot", "loss", "--history", bad, "-o", png}, 1, `bad.csv:3:3: loss: want a number, got "x"`},
		{[]string{"plot", "loss", "--history", filepath.Join(dir, "none.csv"), "-o", png}, 1, "none.csv"},
		{[]string{"plot", "boundary", "--model", hist, "-o", png}, 1, "c.csv"},
		{[]string{"plot", "boundary", "--model", filepath.Join(dir, "m\x1b[2J.json"), "-o", png}, 1, `m\x1b[2J.json`},
	} {
		code, _, errs := runCLI(c.args...)
		if code != c.code || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 || strings.ContainsRune(errs, 0x1b) {
			t.Errorf("%s: exit %d, stderr %q; want exit %d and %q on one line", strings.Join(c.args[1:], " "), code, errs, c.code, c.want)
		}
	}
	if _, err := os.Stat(png); err == nil {
		t.Error("a failed plot wrote its file")
	}
}

// TestPlotHelp: the kinds and examples are in --help, and flags may come
// after the kind.
func TestPlotHelp(t *testing.T) {
	code, out, _ := runCLI("plot", "--help")
	if code != 0 {
		t.Fatal(code)
	}
	for _, k := range plotKinds() {
		if !strings.Contains(out, "  "+k[0]) || !strings.Contains(out, "backprop plot "+k[0]) {
			t.Errorf("plot --help lacks the kind %s or its example", k[0])
		}
	}
	if code, out, _ := runCLI("help", "plot"); code != 0 || !strings.Contains(out, "-o FILE") {
		t.Errorf("help plot: %d %q", code, out)
	}
}
