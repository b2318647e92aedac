package tui

import (
	"fmt"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"

	"backprop/datasets"
	"backprop/figures"
	"backprop/network"
	"backprop/tui/panes"
	"backprop/tui/widget"
)

// The figure key (p): the selected pane as a picture (package figures),
// saved where the model is saved (over SSH, the session's folder).

// figureKinds maps the selectable panes to the figure that draws what they
// show: Boundary the decision boundary (the receptive fields for images,
// the fit for one input), Loss the learning curve, Sample and the confusion
// browser the confusion matrix, Activations every neuron's map, Weights the
// Hinton diagram, Hidden space the data and the input grid in two hidden
// neurons' plane.
func (t *trainer) figureKind() (string, error) {
	data, net := t.sess.data, t.sess.st.Net()
	twoD := len(net.Sizes) > 0 && net.Inputs() == 2
	images := data.ImageW > 0 && data.ImageW*data.ImageH == net.Sizes[0]
	pane := t.tab
	if t.browse.on {
		pane = PaneConfusion
	}
	switch pane {
	case PaneLoss:
		if len(t.sess.st.History()) == 0 {
			return "", fmt.Errorf("no loss figure yet: it has a point per finished epoch (e steps one)")
		}
		return "loss", nil
	case PaneBoundary, PaneActivations:
		name := t.paneTitle(pane)
		switch {
		case data.Train.Seq > 0: // a sequence of 2 inputs is no plane
			return "", fmt.Errorf("no figure of the %s pane for sequence data yet: figures draw the plane, images and one-input fits (1-9 pick another pane)", name)
		case pane == PaneBoundary && twoD:
			return "boundary", nil
		case pane == PaneBoundary && name == panes.FitName:
			return "fit", nil
		case twoD || images:
			return "neurons", nil
		}
		return "", fmt.Errorf("no %s figure for %s: maps need 2-D data or images (1-9 pick another pane)", name, data.Name)
	case PaneSample, PaneConfusion:
		if data.Kind != datasets.Classification {
			return "", fmt.Errorf("no confusion matrix for %s: it is regression data", data.Name)
		}
		return "confusion", nil
	case PaneWeights:
		return "weights", nil
	case PaneHidden:
		switch {
		case !twoD:
			return "", fmt.Errorf("no hidden space figure for %s: it maps the input plane, and needs 2-D data", data.Name)
		case t.hiddenView() == nil:
			return "", fmt.Errorf("no hidden space figure: the network has no hidden layer (g adds one)")
		case net.Sizes[t.hiddenView().Layer] < 2:
			return "", fmt.Errorf("no hidden space figure: layer L%d has one neuron (n adds one)", t.hiddenView().Layer)
		}
		return "hidden", nil
	}
	return "", fmt.Errorf("no figure for the %s pane", pane)
}

// askFigure asks where to save the selected pane's figure.
func (t *trainer) askFigure() {
	kind, err := t.figureKind()
	if err != nil {
		t.app.setFlash(err.Error(), true)
		return
	}
	t.replacing = ""
	t.prompt = newAsk(fmt.Sprintf("save the %s figure (.png, .svg or .pdf) as", kind),
		t.sess.fileStem()+"-"+kind+".png", func(p *widget.Prompt) (string, error) { return t.saveFigure(kind, p) })
}

// figureSavedMsg reports a figure written in the background.
type figureSavedMsg struct {
	report string
	err    error
}

// saveFigure checks the name and starts drawing: the figure is made from
// copies of the network, history and counts taken now, and drawn and
// written by a tea.Cmd, off Update (a map over the plane takes about a
// second); its end is flashed.
func (t *trainer) saveFigure(kind string, p *widget.Prompt) (string, error) {
	typed := p.Value()
	path, err := t.app.resolve(typed)
	if err != nil {
		return "", err
	}
	if _, err := figures.FormatOf(path); err != nil {
		return "", fmt.Errorf("%q: want a name ending in .png, .svg or .pdf", strings.TrimSpace(typed))
	}
	// a figure is a snapshot: one saved earlier, even this session, is
	// replaced only when enter is pressed again, as S does for a model
	s := t.sess
	if err := t.replaceOK(path, typed, ""); err != nil {
		return "", err
	}
	net := s.st.Net().Clone()
	hist := append([]network.EpochStats(nil), s.st.History()...)
	data, epoch := s.data, s.st.Pos().Epoch
	opts := figures.Options{Theme: t.app.themeName, Subtitle: figures.Caption(filepath.Base(data.Name), net, epoch)}
	shown := t.app.savedPath(path, typed)
	a := t.app // read only: hidePath reads the options
	logY := t.logLoss
	var hv panes.HiddenView
	if v := t.hiddenView(); v != nil {
		hv = *v
	}
	t.later = func() tea.Msg {
		fig, err := makeFigure(kind, net, data, hist, logY, hv, opts)
		if err == nil {
			err = fig.Save(path)
		}
		if err != nil {
			return figureSavedMsg{err: fmt.Errorf("figure not saved: %v", a.hidePath(err, path, typed))}
		}
		return figureSavedMsg{report: fmt.Sprintf("saved the %s figure to %s (%d×%d)", kind, shown, fig.Width, fig.Height)}
	}
	return "drawing the " + kind + " figure…", nil
}

// makeFigure draws one kind of figure of a network (a copy the caller no
// longer touches) on its data.
func makeFigure(kind string, net *network.Network, data *datasets.Dataset, hist []network.EpochStats, logY bool, hv panes.HiddenView, o figures.Options) (*figures.Figure, error) {
	switch kind {
	case "hidden":
		return figures.Hidden(net, data, hv.Layer, hv.I, hv.J, o)
	case "loss":
		return figures.Loss(hist, logY, o)
	case "boundary":
		return figures.Boundary(net, data, o)
	case "fit":
		return figures.Fit(net, data, o)
	case "neurons":
		return figures.Neurons(net, data, o)
	case "confusion":
		set, part := data.Test, "test"
		if set.Len() == 0 {
			set, part = data.Train, "train (no test set)"
		}
		o.Subtitle += fmt.Sprintf(" · %s (%d samples)", part, set.Len())
		netSet, err := net.Features.ExpandSet(network.Set(set))
		if err != nil {
			return nil, err
		}
		return figures.Confusion(net.Evaluate(netSet).Confusion, data.Classes, o)
	case "weights":
		return figures.Weights(net, o)
	}
	return nil, fmt.Errorf("no figure %q", kind)
}

// toggleLogLoss switches the Loss chart between a linear and a log scale.
func (t *trainer) toggleLogLoss() {
	t.logLoss = !t.logLoss
	if t.logLoss {
		t.app.setFlash("loss chart: log scale", false)
	} else {
		t.app.setFlash("loss chart: linear scale", false)
	}
}
