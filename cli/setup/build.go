package setup

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"backprop/datasets"
	"backprop/network"
)

// Session is a stepper ready to train, with the data it trains on.
type Session struct {
	// Preset is the preset the session came from ("" for others).
	Preset string
	// Setup describes the session: Data as loaded, Net with its ends
	// fitted to the data, Hyper as the stepper has them.
	Setup   Setup
	Dataset *datasets.Dataset
	Stepper *network.Stepper
	// UndoBudget is the stepper's undo budget in bytes (Limits.Undo).
	UndoBudget int
}

// New loads s's data and builds its network and stepper: the ends of the
// network follow the data, the initial weights come from
// network.NewRand(s.Hyper.Seed), and lim is checked before anything large
// is allocated for the network.
func New(preset string, s Setup, lim Limits) (*Session, error) {
	ds, err := lim.LoadData(s.Data)
	if err != nil {
		return nil, err
	}
	if ds == nil {
		return nil, fmt.Errorf("data set %q: loader returned nothing", s.Data.Name)
	}
	return build(preset, s, ds, lim)
}

// NewWith is New starting from a copy of net's weights instead of drawn
// ones (a network built by hand on a bench): s.Net is taken from net, and
// its ends must fit the data. Reset returns to these weights.
func NewWith(preset string, s Setup, net *network.Network, lim Limits) (*Session, error) {
	if net == nil {
		return nil, errors.New("setup: no network to start from")
	}
	ds, err := lim.LoadData(s.Data)
	if err != nil {
		return nil, err
	}
	s.Net = SpecOf(net)
	return buildFrom(preset, s, ds, lim, net.Clone())
}

// build is New with the data set already loaded.
func build(preset string, s Setup, ds *datasets.Dataset, lim Limits) (*Session, error) {
	return buildFrom(preset, s, ds, lim, nil)
}

// buildFrom is build starting from net's weights (nil: drawn from
// network.NewRand(s.Hyper.Seed)).
func buildFrom(preset string, s Setup, ds *datasets.Dataset, lim Limits, net *network.Network) (*Session, error) {
	spec, err := FitSizes(s.Net, ds)
	if err != nil {
		return nil, err
	}
	if err := lim.Check(spec, ds); err != nil {
		return nil, err
	}
	if net == nil {
		net, err = network.New(spec, network.NewRand(s.Hyper.Seed))
		if err != nil {
			return nil, shapeError{err}
		}
	} else if SizesString(net.Sizes) != SizesString(spec.Sizes) {
		return nil, fmt.Errorf("setup: the network is %s; data set %q needs %s",
			SizesString(net.Sizes), ds.Name, SizesString(spec.Sizes))
	}
	train, test, err := Sets(ds, net.Features)
	if err != nil {
		return nil, err
	}
	st, err := network.NewStepper(net, s.Hyper, train, test)
	if err != nil {
		return nil, err
	}
	st.SetUndoBudget(lim.Undo())
	st.SetThreads(lim.Threads)
	s.Net = spec
	return &Session{Preset: preset, Setup: s, Dataset: ds, Stepper: st, UndoBudget: lim.Undo()}, nil
}

// shapeError is a network the engine refuses to build (the flag path
// reports it as a --layers mistake).
type shapeError struct{ error }

func (e shapeError) Unwrap() error { return e.error }

// ModelData is what a model file keeps under "data": the data set's spec
// (at the top level, so files written by `backprop train` and the trainer
// read alike) and the preset it came from.
type ModelData struct {
	datasets.Spec
	Preset string `json:"preset,omitempty"`
	// View is how the trainer showed the data (its Boundary toggles).
	View View `json:"view,omitzero"`
}

// View is the trainer's view of the data, kept in the model file under
// "data"."view": the Boundary pane's toggles as TensorFlow Playground has
// them.
type View struct {
	// NeuronMap: Boundary shows the focused neuron's map, not the output.
	NeuronMap bool `json:"neuron_map,omitempty"`
	// HideTest: Boundary leaves the test points off.
	HideTest bool `json:"hide_test_data,omitempty"`
	// Discretize: Boundary shows the predicted class only.
	Discretize bool `json:"discretize_output,omitempty"`
}

// ModelFile is st's model file with its data described by data and preset;
// file paths in data are made absolute (SavedDataSpec).
func ModelFile(st *network.Stepper, data datasets.Spec, preset string) (*network.Model, error) {
	return ModelFileView(st, data, preset, View{})
}

// ModelFileView is ModelFile with the trainer's view recorded too.
func ModelFileView(st *network.Stepper, data datasets.Spec, preset string, view View) (*network.Model, error) {
	m := st.Model()
	if m == nil {
		return nil, errors.New("network: the stepper produced no model")
	}
	b, err := json.Marshal(ModelData{Spec: SavedDataSpec(data), Preset: preset, View: view})
	if err != nil {
		return nil, err
	}
	m.Data = b
	return m, nil
}

// ModelFile is the session's model file (see the function ModelFile).
func (s *Session) ModelFile() (*network.Model, error) {
	return ModelFile(s.Stepper, s.Setup.Data, s.Preset)
}

// File is a model file together with the data it trains on, loaded and
// checked to fit the network.
type File struct {
	Path    string // "" for a model that did not come from a file
	Model   *network.Model
	Net     *network.Network
	Data    ModelData // as loaded: flags applied, paths found
	Dataset *datasets.Dataset
}

// Open reads the model file at path and loads its data (see OpenModel)
// under lim's data limit.
func Open(path string, f *Flags, lim Limits) (*File, error) {
	m, err := network.LoadModel(path)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("%s: no model", path)
	}
	return OpenModel(m, path, f, lim)
}

// OpenModel loads the data that model m names under "data". A relative data
// path that does not exist from the working directory is looked up next to
// path, the model file (path "" means m came from elsewhere). f, when not
// nil, holds data flags that override the file's data (and may name the
// data of a file that names none). The data is loaded under lim's data
// limit (Limits.LoadData). The network's ends must fit the data.
func OpenModel(m *network.Model, path string, f *Flags, lim Limits) (*File, error) {
	name := path
	if name == "" {
		name = "the model"
	}
	var base *ModelData
	if len(m.Data) > 0 && string(m.Data) != "null" {
		var md ModelData
		if err := json.Unmarshal(m.Data, &md); err != nil {
			return nil, fmt.Errorf("%s: data: %v", name, err)
		}
		if path != "" {
			md.Spec = besideModel(path, md.Spec)
		}
		base = &md
	}
	var md ModelData
	switch {
	case f != nil:
		if base == nil && !f.Given("data") {
			return nil, Errorf("data", "required: the model file %s does not name its data", name)
		}
		var bs *datasets.Spec
		if base != nil {
			bs, md.Preset = &base.Spec, base.Preset
		}
		spec, err := f.DataSpec(bs)
		if err != nil {
			return nil, err
		}
		if bs == nil || spec.Name != bs.Name {
			md.Preset = "" // other data: no longer the preset
		}
		md.Spec = spec
	case base == nil:
		return nil, fmt.Errorf("%s: the model does not say which data it was trained on (no \"data\"); start it with --data", name)
	default:
		md = *base
	}
	ds, err := lim.LoadData(md.Spec)
	if err != nil {
		return nil, err
	}
	net, err := m.Network()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	in, out := net.Inputs(), net.Sizes[len(net.Sizes)-1]
	if in != len(ds.Features) || out != len(ds.Targets) {
		return nil, Errorf("data", "the model %s takes %d inputs and gives %d outputs (%s), but %s has %d inputs and %d outputs",
			name, in, out, SizesString(net.Sizes), ds.Name, len(ds.Features), len(ds.Targets))
	}
	return &File{Path: path, Model: m, Net: net, Data: md, Dataset: ds}, nil
}

// Session makes the stepper of the model file, resuming exactly where it
// was saved. f, when not nil, holds hyper-parameter flags that override the
// file's.
func (mf *File) Session(f *Flags, lim Limits) (*Session, error) {
	name := mf.Path
	if name == "" {
		name = "the model"
	}
	ds := mf.Dataset
	train, test, err := Sets(ds, mf.Net.Features)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	st, err := mf.Model.Stepper(train, test)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	spec := SpecOf(st.Net())
	if err := lim.Check(spec, ds); err != nil {
		return nil, err
	}
	st.SetUndoBudget(lim.Undo())
	st.SetThreads(lim.Threads)
	if f != nil {
		cur := st.Hyper()
		h, err := f.Hyper(&cur)
		if err != nil {
			return nil, err
		}
		if h != cur {
			if err := st.SetHyper(h); err != nil {
				return nil, err
			}
		}
	}
	return &Session{Preset: mf.Data.Preset, Dataset: ds, Stepper: st, UndoBudget: lim.Undo(),
		Setup: Setup{Data: mf.Data.Spec, Net: spec, Hyper: st.Hyper(), View: mf.Data.View}}, nil
}

// Load resumes the model file at path (Open, then File.Session).
func Load(path string, f *Flags, lim Limits) (*Session, error) {
	mf, err := Open(path, f, lim)
	if err != nil {
		return nil, err
	}
	return mf.Session(f, lim)
}

// Session builds the session the flags describe: from --model (data and
// hyper-parameter flags override the file's; shape flags are refused), or
// from the data, network and training flags.
func (f *Flags) Session(lim Limits) (*Session, error) {
	if f.Model != "" {
		var given []string
		for _, n := range NetworkFlagNames() {
			if f.Given(n) {
				given = append(given, "--"+n)
			}
		}
		if len(given) > 0 {
			return nil, Errorf(strings.TrimPrefix(given[0], "--"), "cannot be used with --model: the model file fixes the network (drop %s)", strings.Join(given, ", "))
		}
		return Load(f.Model, f, lim)
	}
	s, ds, err := f.Resolve()
	if err != nil {
		return nil, err
	}
	sess, err := build("", s, ds, lim)
	var se shapeError
	switch {
	case errors.Is(err, network.ErrStepBackprop):
		return nil, Errorf("act", "%v", err)
	case errors.As(err, &se):
		return nil, Errorf("layers", "%v", se.error)
	case err != nil:
		return nil, err
	}
	return sess, nil
}

// SavedDataSpec is spec as a model file keeps it: a CSV path, an idx:DIR
// and the data folder made absolute, so eval, export and --model find the
// data from any working directory (a relative path only worked from the
// one it was saved in).
func SavedDataSpec(spec datasets.Spec) datasets.Spec {
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			return a
		}
		return p
	}
	return mapDataPaths(spec, abs)
}

// besideModel is a model file's data spec with relative paths that don't
// exist from the working directory looked up next to the model file (files
// saved before paths were made absolute, or moved with their data).
func besideModel(modelPath string, spec datasets.Spec) datasets.Spec {
	return mapDataPaths(spec, func(p string) string {
		if filepath.IsAbs(p) {
			return p
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
		alt := filepath.Join(filepath.Dir(modelPath), p)
		if _, err := os.Stat(alt); err == nil {
			return alt
		}
		return p
	})
}

// mapDataPaths applies f to the file paths in spec: a CSV name, the DIR of
// idx:DIR, and DataDir. Built-in names are left alone.
func mapDataPaths(spec datasets.Spec, f func(string) string) datasets.Spec {
	switch {
	case strings.HasPrefix(spec.Name, "idx:"):
		if dir := strings.TrimPrefix(spec.Name, "idx:"); dir != "" {
			spec.Name = "idx:" + f(dir)
		}
	case kindOf(spec.Name) == csvData && spec.Name != "":
		spec.Name = f(spec.Name)
	}
	if spec.DataDir != "" {
		spec.DataDir = f(spec.DataDir)
	}
	return spec
}
