package tui

import (
	"cmp"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/internal/safetext"
	"backprop/network"
)

// session is one network being trained: its data, its stepper and where the
// user is looking. It holds no UI state beyond the focus.
type session struct {
	preset string // preset name, "" for custom setups
	setup  Setup  // Data and Net describe the current data and structure
	data   *datasets.Dataset
	st     *network.Stepper
	focus  Focus
	// undoBudget is what each new stepper of the session gets.
	undoBudget int
	// version is bumped whenever weights or structure change, so panes can
	// cache expensive drawings (the decision boundary) by it.
	version uint64
	// savedVersion is the version a file holds: the one built from a
	// preset or setup, loaded, or saved last. Work after it is unsaved.
	savedVersion uint64
	// throwaway: a lesson's scene built the session; leaving it loses
	// nothing the learner made (the lesson's progress is saved apart).
	throwaway bool
	// file is the model file the session was loaded from or last saved
	// to: saving there again replaces it without asking; historyFile the
	// same for H.
	file, historyFile string
}

// Focus says which neuron (and which of its incoming weights) the user is
// looking at. Layer 0 is the input layer; layer l ≥ 1 is Network.Layers[l−1].
// Weight k is the k-th incoming weight, −1 the bias.
type Focus struct{ Layer, Neuron, Weight int }

// fromBuilt wraps a session the builder made.
func fromBuilt(b *setup.Session) *session {
	s := &session{preset: b.Preset, setup: b.Setup, data: b.Dataset, st: b.Stepper, undoBudget: b.UndoBudget}
	s.focus = Focus{Layer: len(b.Setup.Net.Sizes) - 1}
	return s
}

// newSession builds a session from setup (setup.New).
func newSession(preset string, s Setup, lim Limits) (*session, error) {
	b, err := setup.New(preset, s, lim)
	if err != nil {
		return nil, err
	}
	return fromBuilt(b), nil
}

// loadSession resumes from a model file (setup.Load). The file's "data" must
// describe the data set (as written by a save or `backprop train --out`).
func loadSession(path string, lim Limits) (*session, error) {
	b, err := setup.Load(path, nil, lim)
	if err != nil {
		return nil, err
	}
	s := fromBuilt(b)
	s.file = path
	return s, nil
}

// sessionFromModel resumes from a model that came from elsewhere (the
// teacher's network in a classroom).
func sessionFromModel(m *network.Model, lim Limits) (*session, error) {
	f, err := setup.OpenModel(m, "", nil, lim)
	if err != nil {
		return nil, err
	}
	b, err := f.Session(nil, lim)
	if err != nil {
		return nil, err
	}
	return fromBuilt(b), nil
}

// unsaved says what leaving s would lose, "" when nothing: e.g. "the xor
// network (epoch 3) is not saved".
func (s *session) unsaved() string {
	if s == nil || s.throwaway || s.version == s.savedVersion {
		return ""
	}
	return fmt.Sprintf("the %s network (epoch %d) is not saved", s.name(), epochShown(s.st.Pos()))
}

// name is what the learner calls the session: the preset, else the data
// set's name.
func (s *session) name() string {
	if s.preset != "" {
		return s.preset
	}
	if s.data != nil && s.data.Name != "" {
		return safetext.Line(filepath.Base(s.data.Name))
	}
	return "the network"
}

// fileStem is the default file name a save prompt offers: the preset's
// name, or "model".
func (s *session) fileStem() string {
	if s.preset == "" {
		return "model"
	}
	return s.preset
}

// modelFile builds the model file for s, with the data description.
func (s *session) modelFile() (*network.Model, error) {
	return setup.ModelFileView(s.st, s.setup.Data, s.preset, s.setup.View)
}

// resolvePath turns what the user typed into a file path. In a sandbox only
// a plain base name is allowed, and it lives in dir: if it exists, it must
// be a regular file there, and a symlink may not lead out of dir (checked
// through os.Root, which refuses any path that escapes it).
func resolvePath(typed string, sandbox bool, dir string) (string, error) {
	p := strings.TrimSpace(typed)
	if p == "" {
		return "", errors.New("no file name given")
	}
	if !sandbox {
		if strings.HasPrefix(p, "~/") {
			if home, err := os.UserHomeDir(); err == nil {
				p = filepath.Join(home, p[2:])
			}
		}
		return p, nil
	}
	if dir == "" {
		return "", errors.New("saving and loading files is disabled in this session")
	}
	if p != filepath.Base(p) || p == "." || p == ".." || strings.ContainsAny(p, `/\`) || strings.HasPrefix(p, ".") {
		return "", fmt.Errorf("%q: only a plain file name is allowed here (no directories)", p)
	}
	path := filepath.Join(dir, p)
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil // nothing there to follow (saving says the folder is missing)
	}
	if err != nil {
		return "", errors.New("your folder cannot be opened")
	}
	defer root.Close()
	switch st, err := root.Stat(p); {
	case errors.Is(err, fs.ErrNotExist):
		// a new file (saves write a temp file and rename it over the name,
		// so they never follow a link)
	case err != nil:
		return "", fmt.Errorf("%q points outside your folder", p)
	case !st.Mode().IsRegular():
		return "", fmt.Errorf("%q is not a regular file", p)
	}
	return path, nil
}

// rebuild makes a new network with the given spec, keeping every weight
// whose position still exists (mapOld maps a new layer index to the old one,
// or −1). Training restarts at epoch 0; the undo history is lost.
func (s *session) rebuild(spec network.Spec, lim Limits, mapOld func(l int) int) error {
	if err := lim.Check(spec, s.data); err != nil {
		return err
	}
	net, err := network.New(spec, network.NewRand(s.setup.Hyper.Seed))
	if err != nil {
		return err
	}
	if old := s.st.Net(); old != nil && mapOld != nil {
		keepWeights(old, net, mapOld, inputColumn(old, spec))
	}
	h := s.st.Hyper()
	train, test, err := setup.Sets(s.data, net.Features)
	if err != nil {
		return err
	}
	st, err := network.NewStepper(net, h, train, test)
	if err != nil {
		return err
	}
	st.SetUndoBudget(cmp.Or(s.undoBudget, setup.DefaultUndoBudget))
	st.SetThreads(s.st.Threads())
	s.st.Close()
	s.st = st
	s.setup.Net = spec
	s.setup.Hyper = h
	s.version++
	s.clampFocus()
	return nil
}

// keepWeights copies old's weights into net where their positions still
// exist: layer l from old layer mapOld(l), and the first layer's input k
// from old column col(k) (the same input feature), −1 for none.
func keepWeights(old, net *network.Network, mapOld, col func(int) int) {
	for l, nl := range net.Layers {
		ol := mapOld(l)
		if ol < 0 || ol >= len(old.Layers) {
			continue
		}
		o := old.Layers[ol]
		for j := 0; j < min(nl.Out, o.Out); j++ {
			for k := 0; k < nl.In; k++ {
				ok := k
				if ol == 0 && l == 0 {
					ok = col(k)
				}
				if ok >= 0 && ok < o.In {
					nl.W[j*nl.In+k] = o.W[j*o.In+ok]
				}
			}
			nl.B[j] = o.B[j]
		}
	}
}

// clampFocus keeps the focus on an existing neuron and weight.
func (s *session) clampFocus() {
	sizes := s.setup.Net.Sizes
	if net := s.st.Net(); net != nil {
		sizes = net.Sizes
	}
	if len(sizes) == 0 {
		s.focus = Focus{}
		return
	}
	f := &s.focus
	f.Layer = max(0, min(f.Layer, len(sizes)-1))
	f.Neuron = max(0, min(f.Neuron, sizes[f.Layer]-1))
	if f.Layer == 0 {
		f.Weight = 0
		return
	}
	f.Weight = max(-1, min(f.Weight, sizes[f.Layer-1]-1))
}
