package tui

import (
	"bytes"
	"encoding/json"
	"math"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/network"
)

// ClassWork is one student's training at a glance, for the teacher's class
// wall: what their trainer holds, reported at most every workEvery while it
// changes. It is plain data (JSON-tagged), so a shared store can carry it.
type ClassWork struct {
	Preset string `json:"preset,omitempty"`
	Epoch  int    `json:"epoch"`
	// Status is the engine's (network.StatusNames): training, diverged, ….
	Status string `json:"status"`
	// Loss is the training loss of the last epochs, oldest first (at most
	// WorkLossLen); Accuracy the last epoch's training accuracy, 0..1, or
	// −1 before the first epoch ends.
	Loss     []float64 `json:"loss,omitempty"`
	Accuracy float64   `json:"accuracy"`
	// Map is the decision boundary for data in the plane: MapW × MapH
	// cells, row 0 at the top, each the first output's activation scaled
	// to 0..255 (the predicted class's share for softmax). Empty for other
	// data.
	Map  []uint8 `json:"map,omitempty"`
	MapW int     `json:"map_w,omitempty"`
	MapH int     `json:"map_h,omitempty"`
	// Model is the network as a model file (network.Model.Write), so that
	// the teacher can open it read-only or show it to the class; nil when
	// it is larger than MaxWorkModel.
	Model []byte    `json:"model,omitempty"`
	At    time.Time `json:"at"`
	// FetchModel, when Model is nil, fetches the model from where the hub
	// keeps it (a large network of a student on another instance goes by
	// reference; it is fetched only when the teacher opens it). Called in a
	// command, never in Update.
	FetchModel func() ([]byte, error) `json:"-"`
}

// hasModel reports whether w's network can be opened.
func (w *ClassWork) hasModel() bool {
	return w != nil && (len(w.Model) > 0 || w.FetchModel != nil)
}

// Bounds of a work report (the hub refuses larger ones).
const (
	WorkLossLen  = 32
	WorkMapW     = 24
	WorkMapH     = 12
	MaxWorkModel = 1 << 20
)

// workEvery is how often a student reports their work while it changes.
const workEvery = time.Second

// workTickMsg asks a student's classroom to report work that changed
// within workEvery of the last report.
type workTickMsg struct{}

// workSent is what a student last reported (the session and its
// version) and when.
type workSent struct {
	sess    *session
	version uint64
	epoch   int
	at      time.Time
	waiting bool // a workTickMsg is on its way
}

// reportWork reports the student's trainer to the class when it changed,
// at most every workEvery; the snapshot is taken here and turned into a
// ClassWork (model file, boundary map) in a command, off Update.
func (cl *classroom) reportWork(m *Model) tea.Cmd {
	s := m.tr.sess
	ws := &cl.work
	if s == nil {
		if ws.sess != nil {
			ws.sess = nil
			cl.c.SetWork(nil)
		}
		return nil
	}
	epoch := s.st.Pos().Epoch
	if s == ws.sess && s.version == ws.version && epoch == ws.epoch {
		return nil
	}
	if wait := workEvery - time.Since(ws.at); wait > 0 {
		if ws.waiting {
			return nil
		}
		ws.waiting = true
		return tea.Tick(wait, func(time.Time) tea.Msg { return workTickMsg{} })
	}
	ws.sess, ws.version, ws.epoch, ws.at = s, s.version, epoch, time.Now()
	snap := workSnapshot{preset: cmpOr(s.preset, s.data.Name), epoch: epoch, status: s.st.Status().String(),
		model: workModel(s), net: s.st.Net().Clone(), hist: s.st.History()}
	if d := s.data; d.Train.Len() > 0 {
		snap.lo, snap.hi = datasets.Bounds(d.Train)
	}
	c := cl.c
	return func() tea.Msg {
		c.SetWork(snap.work())
		return nil
	}
}

// workModel is the session's model file with its data set and preset
// under "data", as the teacher publishes it, so that it opens elsewhere.
func workModel(s *session) *network.Model {
	mf := s.st.Model()
	if mf == nil {
		return nil
	}
	if data, err := json.Marshal(setup.ModelData{Spec: s.setup.Data, Preset: s.preset}); err == nil {
		mf.Data = data
	}
	return mf
}

// workSnapshot is a student's trainer as it was when the work was taken:
// copies only, so the command that builds the ClassWork reads nothing the
// session still changes.
type workSnapshot struct {
	preset, status string
	epoch          int
	model          *network.Model
	net            *network.Network
	hist           []network.EpochStats
	lo, hi         []float64
}

// work builds the ClassWork.
func (w workSnapshot) work() *ClassWork {
	cw := &ClassWork{Preset: w.preset, Epoch: w.epoch, Status: w.status, Accuracy: -1, At: time.Now().UTC()}
	h := w.hist[max(len(w.hist)-WorkLossLen, 0):]
	for _, e := range h {
		cw.Loss = append(cw.Loss, e.TrainLoss)
	}
	if len(h) > 0 {
		cw.Accuracy = h[len(h)-1].TrainAcc
	}
	if w.model != nil {
		var b bytes.Buffer
		if err := w.model.Write(&b); err == nil && b.Len() <= MaxWorkModel {
			cw.Model = b.Bytes()
		}
	}
	cw.Map, cw.MapW, cw.MapH = workMap(w.net, w.lo, w.hi)
	return cw
}

// workMap is net's boundary over the data's rectangle lo..hi (with a tenth
// of a margin), WorkMapW × WorkMapH, row 0 at the top; nil unless the
// network takes a point of the plane.
func workMap(net *network.Network, lo, hi []float64) ([]uint8, int, int) {
	if net == nil || len(lo) != 2 || len(net.Sizes) == 0 || net.Sizes[0] != 2 {
		return nil, 0, 0
	}
	var l, u [2]float64
	for k := range 2 {
		m := 0.1 * (hi[k] - lo[k])
		if !(m > 0) || math.IsInf(m, 0) {
			m = 0.5
		}
		l[k], u[k] = lo[k]-m, hi[k]+m
	}
	g, err := network.EvalGrid(net, l, u, WorkMapW, WorkMapH)
	if err != nil {
		return nil, 0, 0
	}
	out := g.Output()
	cells := make([]uint8, WorkMapW*WorkMapH)
	for y := range WorkMapH {
		r := WorkMapH - 1 - y
		for c := range WorkMapW {
			a := out[0][r*WorkMapW+c]
			if len(out) > 1 { // softmax: the predicted class, by its share
				best := 0
				for j := range out {
					if out[j][r*WorkMapW+c] > out[best][r*WorkMapW+c] {
						best = j
					}
				}
				a = float64(best) / float64(len(out)-1)
			}
			if !(a >= 0) {
				a = 0
			}
			cells[y*WorkMapW+c] = uint8(math.Round(math.Min(a, 1) * 255))
		}
	}
	return cells, WorkMapW, WorkMapH
}
