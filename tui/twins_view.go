package tui

import (
	"fmt"
	"slices"
	"strings"

	"backprop/tui/panes"
)

// The Compare pane's glue: its place at full size, its content, and the
// legend's settings.

// withCompare puts the Compare pane in the middle column at full size: it
// takes the places of the panes there (Activations and Weights, and Loss
// when it sits under them), the whole height.
func withCompare(scr Screen) Screen {
	mid, ok := scr.Pane(PaneActivations)
	if !ok {
		if mid, ok = scr.Pane(PaneSurface); !ok {
			return scr
		}
	}
	panes := slices.DeleteFunc(slices.Clone(scr.Panes), func(p PaneRect) bool { return p.X == mid.X })
	scr.Panes = append(panes, PaneRect{PaneCompare, Rect{mid.X, scr.Main.Y, mid.W, scr.Main.H}})
	return scr
}

// compareView is the Compare pane's content, nil without twins.
func (t *trainer) compareView() *panes.CompareView {
	ts := &t.twins
	if !ts.on() {
		return nil
	}
	t.syncTwin()
	set := t.twinSettings()
	cv := &panes.CompareView{Focus: ts.focus}
	for i, tw := range ts.list {
		st := tw.s.st
		cv.Twins = append(cv.Twins, panes.CompareTwin{
			Name: string(tw.name), Color: int(tw.name - 'A'), Label: twinLabel(set, i),
			History: st.History(), BatchLosses: st.BatchLosses(), Status: st.Status(),
		})
	}
	return cv
}

// setting is one named setting of a twin, as the legend shows it: name=value,
// or the value alone when it names itself (adam, tanh, xavier).
type setting struct {
	name, value string
	bare        bool
}

// settingsOf lists the settings a twin can differ in, in the legend's order.
func settingsOf(s *session) []setting {
	h := s.st.Hyper()
	net := s.st.Net()
	var acts []string
	for _, l := range net.Layers {
		acts = append(acts, l.Act.String())
	}
	sizes := make([]string, len(net.Sizes))
	for i, n := range net.Sizes {
		sizes[i] = fmt.Sprint(n)
	}
	reg := "none"
	switch {
	case h.L1 > 0 && h.L2 > 0:
		reg = "L1 " + num(h.L1) + " L2 " + num(h.L2)
	case h.L1 > 0:
		reg = "L1 " + num(h.L1)
	case h.L2 > 0:
		reg = "L2 " + num(h.L2)
	}
	return []setting{
		{"η", num(h.Eta), false},
		{"opt", h.Opt.String(), true},
		{"m", fmt.Sprint(h.Batch), false},
		{"act", strings.Join(acts, ","), true},
		{"init", net.Init.String(), true},
		{"cost", net.Cost.String(), true},
		{"reg", reg, true},
		{"layers", strings.Join(sizes, "-"), true},
		{"features", inputFeatures(net).String(), false},
		{"seed", fmt.Sprint(h.Seed), false},
		{"data", s.name(), true},
		{"split", num(s.split()), false},
	}
}

// twinSettings are every twin's settings, in the twins' order.
func (t *trainer) twinSettings() [][]setting {
	var all [][]setting
	for i, tw := range t.twins.list {
		s := tw.s
		if i == t.twins.focus {
			s = t.sess
		}
		all = append(all, settingsOf(s))
	}
	return all
}

// twinLabel is twin i's legend: its values of the settings that differ
// between the twins ("η=0.3 adam"); "" when none do.
func twinLabel(all [][]setting, i int) string {
	var parts []string
	for k, s := range all[i] {
		for _, o := range all {
			if o[k].value != s.value {
				if s.bare {
					parts = append(parts, s.value)
				} else {
					parts = append(parts, s.name+"="+s.value)
				}
				break
			}
		}
	}
	return strings.Join(parts, " ")
}

// compareClick focuses the twin whose legend is at row y inside the
// Compare pane, w cells wide inside; false when there is none.
func (t *trainer) compareClick(w, y int) bool {
	ts := &t.twins
	for i := range ts.list {
		if panes.CompareLegendTwin(t.compareView(), w, y) == i {
			if i != ts.focus {
				t.syncTwin()
				t.focusTwin(i)
			}
			t.app.setFlash(fmt.Sprintf("twin %c", ts.list[i].name), false)
			return true
		}
	}
	return false
}

// twinStatus is the status bar's twin field: "twin B of 3", "" without twins.
func (t *trainer) twinStatus() string {
	ts := &t.twins
	if !ts.on() {
		return ""
	}
	return fmt.Sprintf("%c of %d", ts.list[ts.focus].name, len(ts.list))
}
