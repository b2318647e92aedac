package tui

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"backprop/internal/safetext"
	"backprop/themes"
	"backprop/tui/lesson"
	"github.com/charmbracelet/x/ansi"
)

// app is what every screen shares: the options, the theme and the styles
// drawn from it, the one-line flash message and the help renderer. The root
// model owns it; each screen holds a pointer.
type app struct {
	opts Options

	themeName string
	isDark    bool
	mono      bool
	styles    *themes.Styles
	look      *look

	flash    string
	flashErr bool

	// lessonKeys are the open lesson's keys, which every help view lists
	// (nil: no lesson open); the root model keeps them up to date.
	lessonKeys *lesson.KeyMap
}

func newApp(opts Options) (*app, error) {
	a := &app{opts: opts, isDark: true}
	if opts.Theme != "" {
		if !themes.Valid(opts.Theme) {
			return nil, fmt.Errorf("unknown theme %q (want one of %s)", opts.Theme, strings.Join(themes.Names(), ", "))
		}
		a.themeName = opts.Theme
	}
	a.applyTheme()
	return a, nil
}

// applyTheme rebuilds the styles from the theme name, dark/light and the
// colour profile. The root model passes the new styles on to the bench and
// the lesson.
func (a *app) applyTheme() {
	th, err := themes.Pick(a.themeName, a.isDark, a.mono)
	if err != nil {
		th = themes.Mono()
	}
	a.styles = th
	a.look = newLook(th)
}

func (a *app) cycleTheme() {
	a.themeName = themes.Next(a.themeName)
	a.applyTheme()
	a.setFlash("theme: "+a.themeName, false)
}

// setFlash shows s on the flash line. Flashes quote errors, file and
// folder names and lesson text: s is made safe for the terminal here, the
// one place every flash passes (safetext.Line).
func (a *app) setFlash(s string, isErr bool) { a.flash, a.flashErr = safetext.Line(s), isErr }

// flashLines is the flash wrapped to w cells, at most max lines (the last
// one cut only when even that is not enough), or nil when there is none.
func (a *app) flashLines(w, max int) []string {
	if a.flash == "" || w <= 0 {
		return nil
	}
	st := a.look.okS
	if a.flashErr {
		st = a.look.errS
	}
	lines := strings.Split(ansi.Wordwrap(a.flash, w, ""), "\n")
	if len(lines) > max {
		lines = append(lines[:max-1], ansi.Truncate(strings.Join(lines[max-1:], " "), w, "…"))
	}
	for i, l := range lines {
		lines[i] = fit(st.Render(l), w)
	}
	return lines
}

// withDataDir fills in the data folder where a setup names none:
// Options.DataDir, else the folder remembered for an idx data set
// (datadir.go).
func (a *app) withDataDir(s Setup) Setup {
	if s.Data.DataDir == "" {
		s.Data.DataDir = a.dataDirFor(s.Data.Name)
	}
	return s
}

// resolve turns a typed file name into a path (see resolvePath).
func (a *app) resolve(typed string) (string, error) {
	return resolvePath(typed, a.opts.Sandbox, a.opts.SaveDir)
}

// shownPath is how a save path is shown: in a sandbox (SSH) the plain name
// the user typed, never the server's folders (qa3 #12).
func (a *app) shownPath(path, typed string) string {
	if a.opts.Sandbox {
		return strings.TrimSpace(typed)
	}
	return path
}

// savedPath is where a save's report says the file went: over SSH (a
// sandbox) "mine.json in your saves folder on the server", else the
// absolute path.
func (a *app) savedPath(path, typed string) string {
	if a.opts.Sandbox {
		return strings.TrimSpace(typed) + " in your saves folder on the server"
	}
	if abs, err := filepath.Abs(path); err == nil {
		return abs
	}
	return path
}

// exists reports whether something (a file or a folder) is at the path a
// typed name resolves to.
func (a *app) exists(typed string) bool {
	path, err := a.resolve(typed)
	if err != nil {
		return false
	}
	_, err = os.Stat(path)
	return err == nil
}

// maxModelFiles bounds the names the load prompt completes from.
const maxModelFiles = 500

// modelFiles is the .json files where a plain name is loaded from (the
// saves folder over SSH, else the working directory), sorted, at most
// maxModelFiles of them.
func (a *app) modelFiles() []string {
	dir := "."
	if a.opts.Sandbox {
		dir = a.opts.SaveDir
	}
	f, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer f.Close()
	ents, _ := f.ReadDir(8 * maxModelFiles) // a huge folder is read in part
	var names []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && strings.HasSuffix(n, ".json") && !strings.HasPrefix(n, ".") && safetext.Line(n) == n {
			if names = append(names, n); len(names) == maxModelFiles {
				break
			}
		}
	}
	slices.Sort(names)
	return names
}

// maxListed is how many of a user's files a missing name lists.
const maxListed = 12

// hidePath rewrites a save/load error for a sandbox: the typed name instead
// of the server's path, and for a missing file the names that do exist.
func (a *app) hidePath(err error, path, typed string) error {
	if !a.opts.Sandbox {
		return err
	}
	name := strings.TrimSpace(typed)
	if errors.Is(err, fs.ErrNotExist) {
		var have []string
		if ents, e := os.ReadDir(a.opts.SaveDir); e == nil {
			for _, e := range ents {
				if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
					have = append(have, e.Name())
				}
			}
		}
		if len(have) == 0 {
			return fmt.Errorf("no saved model %q (you have none yet: S saves one)", name)
		}
		if len(have) > maxListed {
			have = append(have[:maxListed], fmt.Sprintf("and %d more", len(have)-maxListed))
		}
		return fmt.Errorf("no saved model %q (yours: %s)", name, strings.Join(have, ", "))
	}
	msg := strings.ReplaceAll(err.Error(), path, name)
	msg = strings.ReplaceAll(msg, a.opts.SaveDir, "")
	return errors.New(msg)
}
