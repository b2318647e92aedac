package main

import (
	"fmt"
	"image"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"backprop/datasets"
	"backprop/internal/testkit"
	"backprop/network"
	"backprop/themes"
	"backprop/tui"
	"backprop/tui/lesson"
)

// scene is one screen of the app: the options it opens with, the keys
// pressed (testkit.Key names), and its size in cells.
type scene struct {
	name, about string
	opts        tui.Options
	keys        []string
	w, h        int
}

// scenes are the README's screens.
func scenes() []scene {
	repeat := func(k string, n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = k
		}
		return out
	}
	xor := append([]string{"s", "s", "s", "s"}, repeat("space", 7)...)
	h := network.DefaultHyper()
	h.Eta = 0.1
	sine := &tui.Setup{Data: datasets.Spec{Name: "sine", Seed: 1}, Hyper: h,
		Net: network.Spec{Sizes: []int{1, 30, 1}, Acts: []network.Activation{network.Sigmoid, network.Linear}, Cost: network.Quadratic}}
	return []scene{
		{"launcher", "the launcher: presets, lessons, files", tui.Options{}, []string{"down", "down", "down", "down"}, 112, 22},
		{"xor-inspector", "XOR mid-sample with the Inspector's equations", tui.Options{Preset: "xor"}, xor, 120, 40},
		{"perceptron-bench", "the perceptron bench: go on vacation?", tui.Options{Preset: "vacation"},
			[]string{"3", "2", "s", "s", "s", "s", "s"}, 100, 30},
		{"classroom-teacher", "a teacher's screen in a class over SSH", tui.Options{Preset: "circle", Classroom: newClass()},
			// 30 epochs, a sample by hand (the Boundary pane's grid at full
			// resolution), the roster fetched (P opens it, P closes it)
			append(repeat("e", 30), "s", "P", "P"), 120, 40},
		{"sine-fit", "one input: the network's curve over the sine's samples", tui.Options{Custom: sine},
			append(repeat("e", 400), "s"), 120, 40},
	}
}

// shoot runs a scene's keys through the app's root model (as a terminal
// would send them) and returns what it shows, drawn by t.
func shoot(t *term, sc scene) (*image.RGBA, error) {
	opts := sc.opts
	opts.Theme = themes.Dark
	opts.StateDir = "" // lessons' progress is not read
	m, err := tui.New(opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", sc.name, err)
	}
	m.Update(tea.ColorProfileMsg{Profile: colorprofile.TrueColor})
	m.Update(tea.BackgroundColorMsg{Color: t.bg})
	m.Update(tea.WindowSizeMsg{Width: sc.w, Height: sc.h})
	for _, k := range sc.keys {
		m.Update(testkit.Key(k))
	}
	return t.render(capture(m.View().Content, sc.w, sc.h)), nil
}

// class is a static class for the teacher's screen: the teacher and four
// students, three of them following.
type class struct {
	mu    sync.Mutex
	state tui.ClassState
}

func newClass() *class { return &class{} }

func (c *class) IsTeacher() bool { return true }
func (c *class) Name() string    { return "prof" }
func (c *class) Publish(s tui.ClassState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.state = s
}
func (c *class) Latest() (tui.ClassState, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.state, true
}
func (c *class) Roster() []tui.ClassMember {
	since := time.Date(2026, 3, 2, 10, 4, 0, 0, time.UTC)
	return []tui.ClassMember{
		{ID: "user-prof", Name: "prof", Sessions: 1, Teacher: true, Since: since},
		{ID: "user-ana", Name: "ana", Sessions: 1, Following: true, Since: since.Add(time.Minute)},
		{ID: "user-ben", Name: "ben", Sessions: 1, Following: true, Since: since.Add(2 * time.Minute)},
		{ID: "user-chidi", Name: "chidi", Sessions: 1, Where: "epoch 12 · η 0.3", Since: since.Add(3 * time.Minute)},
		{ID: "user-dana", Name: "dana", Sessions: 1, Following: true, Since: since.Add(5 * time.Minute)},
	}
}
func (c *class) SetStatus(bool, string)                    {}
func (c *class) SetProgress(string, int, *lesson.Progress) {}
func (c *class) SetWork(*tui.ClassWork)                    {}
func (c *class) Wait() bool                                { return false }
