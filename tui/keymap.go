package tui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"backprop/tui/widget"
)

// keyMap is the one table of the trainer's key bindings. The help view, the
// status bar hints and the README key table are generated from it.
type keyMap struct {
	StepNeuron, StepPhase, StepSample, StepBatch, StepEpoch key.Binding
	StepTime                                                key.Binding
	Run, Faster, Slower                                     key.Binding
	Undo, Reset, Reseed                                     key.Binding
	Up, Down, Left, Right, NextWeight, PrevWeight           key.Binding
	EditValue, Follow                                       key.Binding
	LRDown, LRUp, LRPrompt, BatchDown, BatchUp              key.Binding
	Cost, Optimizer, Activation, Init                       key.Binding
	AddNeuron, DelNeuron, AddLayer, DelLayer                key.Binding
	Dataset, Noise, Split, Features                         key.Binding
	Save, Load, SaveHistory, Figure                         key.Binding
	NextPane, LogLoss, Theme, Help, Menu, Quit              key.Binding
	Lesson, Fork, Rejoin, Who                               key.Binding
	PaneN                                                   key.Binding
	NeuronMap, TestData, Discrete, Reg, RegDown, RegUp      key.Binding
	SampleText                                              key.Binding // text data: the net writes
	// the confusion browser (the cell and probe keys work while it is open)
	Browse, CellUp, CellDown, CellLeft, CellRight key.Binding
	NextProbe, PrevProbe, MostConfused            key.Binding
	// the Surface and Gradients panes and the gradient check
	SurfParam, ZoomIn, ZoomOut, Whole, GradCheck key.Binding
	// twins (twins.go)
	TwinAdd, TwinNext, TwinClose key.Binding
	// the Hidden space pane
	HiddenPair, HiddenLayer key.Binding
}

func defaultKeyMap() keyMap {
	b := func(keys []string, k, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
	}
	return keyMap{
		StepNeuron:   b([]string{"."}, ".", "step neuron"),
		StepPhase:    b([]string{"space"}, "space", "step phase"),
		StepTime:     b([]string{","}, ",", "step time step"),
		StepSample:   b([]string{"s"}, "s", "step sample"),
		StepBatch:    b([]string{"b"}, "b", "step batch"),
		StepEpoch:    b([]string{"e"}, "e", "step epoch"),
		Run:          b([]string{"r", "enter"}, "r/enter", "run/pause"),
		Faster:       b([]string{"+", "="}, "+", "faster"),
		Slower:       b([]string{"-", "_"}, "-", "slower"),
		Undo:         b([]string{"u", "ctrl+z"}, "u", "undo"),
		Reset:        b([]string{"R"}, "R", "reset, same seed"),
		Reseed:       b([]string{"ctrl+r"}, "ctrl+r", "reseed"),
		Up:           b([]string{"up", "k"}, "↑/k", "neuron up"),
		Down:         b([]string{"down", "j"}, "↓/j", "neuron down"),
		Left:         b([]string{"left", "h"}, "←/h", "layer left"),
		Right:        b([]string{"right", "l"}, "→/l", "layer right"),
		NextWeight:   b([]string{"tab"}, "tab", "next weight/bias"),
		PrevWeight:   b([]string{"shift+tab"}, "shift+tab", "prev weight/bias"),
		EditValue:    b([]string{"w"}, "w", "type weight/bias"),
		Follow:       b([]string{"f"}, "f", "auto-focus on/off"),
		LRDown:       b([]string{"["}, "[", "lr down"),
		LRUp:         b([]string{"]"}, "]", "lr up"),
		LRPrompt:     b([]string{"L"}, "L", "type η"),
		BatchDown:    b([]string{"{"}, "{", "batch ÷2"),
		BatchUp:      b([]string{"}"}, "}", "batch ×2"),
		Cost:         b([]string{"c"}, "c", "cycle cost"),
		Optimizer:    b([]string{"o"}, "o", "cycle optimizer"),
		Activation:   b([]string{"a"}, "a", "cycle activation"),
		Init:         b([]string{"i"}, "i", "cycle init"),
		AddNeuron:    b([]string{"n"}, "n", "add neuron"),
		DelNeuron:    b([]string{"N"}, "N", "remove neuron"),
		AddLayer:     b([]string{"g"}, "g", "add hidden layer"),
		DelLayer:     b([]string{"G"}, "G", "remove hidden layer"),
		Dataset:      b([]string{"d"}, "d", "change dataset"),
		Noise:        b([]string{"z"}, "z", "set noise"),
		Split:        b([]string{"x"}, "x", "set train/test split"),
		Features:     b([]string{"X"}, "X", "input features"),
		Save:         b([]string{"S"}, "S", "save model"),
		Load:         b([]string{"O"}, "O", "load model"),
		SaveHistory:  b([]string{"H"}, "H", "save loss history (CSV)"),
		Figure:       b([]string{"p"}, "p", "save pane as a figure"),
		NextPane:     b([]string{"v"}, "v", "next pane"),
		LogLoss:      b([]string{"y"}, "y", "log/linear loss"),
		Theme:        b([]string{"T"}, "T", "cycle theme"),
		Help:         b([]string{"?"}, "?", "help"),
		Menu:         b([]string{"esc"}, "esc", "launcher (keeps this)"),
		Quit:         b([]string{"q", "ctrl+c"}, "q", "quit"),
		Lesson:       b([]string{"ctrl+l"}, "ctrl+l", "show/hide lesson"),
		Fork:         b([]string{"F"}, "F", "fork a copy"),
		Rejoin:       b([]string{"J"}, "J", "rejoin the teacher"),
		Who:          b([]string{"P"}, "P", "class roster / who you are"),
		PaneN:        b([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1-9", "show pane n"),
		NeuronMap:    b([]string{"m"}, "m", "neuron map"),
		SampleText:   b([]string{"\""}, "\"", "text data: sample the net"),
		TestData:     b([]string{"t"}, "t", "test data on/off"),
		Discrete:     b([]string{"D"}, "D", "discretize"),
		Reg:          b([]string{"K"}, "K", "regularisation"),
		RegDown:      b([]string{"("}, "(", "λ down"),
		RegUp:        b([]string{")"}, ")", "λ up"),
		Browse:       b([]string{"C"}, "C", "open/close"),
		CellUp:       off([]string{"up", "k"}, "↑/k", "cell up (actual)"),
		CellDown:     off([]string{"down", "j"}, "↓/j", "cell down (actual)"),
		CellLeft:     off([]string{"left", "h"}, "←/h", "cell left (predicted)"),
		CellRight:    off([]string{"right", "l"}, "→/l", "cell right (predicted)"),
		NextProbe:    off([]string{"tab"}, "tab", "next sample in the list"),
		PrevProbe:    off([]string{"shift+tab"}, "shift+tab", "prev sample in the list"),
		MostConfused: off([]string{"M"}, "M", "most confused"),
		SurfParam:    b([]string{"W"}, "W", "surface 2nd w"),
		ZoomIn:       b([]string{"<"}, "<", "zoom surface in"),
		ZoomOut:      b([]string{">"}, ">", "zoom surface out"),
		Whole:        b([]string{"B"}, "B", "batch/all data"),
		GradCheck:    b([]string{"V"}, "V", "verify ∂C/∂w"),
		TwinAdd:      b([]string{"A"}, "A", "fork a twin (same start; steps with it)"),
		TwinNext:     b([]string{"Y"}, "Y", "next twin"),
		TwinClose:    b([]string{"Z"}, "Z", "close this twin"),
		HiddenPair:   b([]string{"E"}, "E", "hidden space: next pair"),
		HiddenLayer:  b([]string{"I"}, "I", "hidden space: next layer"),
	}
}

// off is a binding that starts disabled (enabled by a mode).
func off(keys []string, k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc), key.WithDisabled())
}

func keyMatches(k tea.KeyPressMsg, b ...key.Binding) bool { return key.Matches(k, b...) }

// ShortHelp is the one-line help under the status bar.
func (k keyMap) ShortHelp() []key.Binding {
	short := func(b key.Binding, desc string) key.Binding {
		b.SetHelp(b.Help().Key, desc)
		return b
	}
	return []key.Binding{
		short(k.StepPhase, "phase"), short(k.StepSample, "sample"), short(k.Run, "run"),
		short(k.Undo, "undo"), short(k.NextPane, "pane"), short(k.Help, "all keys"), k.Quit,
	}
}

// launcherKeys are the launcher's bindings.
type launcherKeys struct {
	Up, Down, Pick, Back, Theme, Help, Quit key.Binding
}

func defaultLauncherKeys() launcherKeys {
	return launcherKeys{
		Up:    key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:  key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		Pick:  key.NewBinding(key.WithKeys("enter", "space"), key.WithHelp("enter", "open")),
		Theme: key.NewBinding(key.WithKeys("T"), key.WithHelp("T", "theme")),
		Help:  key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		Quit:  key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
	}
}

func (k launcherKeys) ShortHelp() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.Pick, k.Back, k.Theme, k.Help, k.Quit}
}

// helpGroups is the launcher's keymap as help.
func (k launcherKeys) helpGroups() []widget.HelpGroup {
	return []widget.HelpGroup{{Title: "Launcher", Rows: []widget.HelpRow{
		widget.Row("previous/next item", k.Up, k.Down),
		widget.Row("open the item", k.Pick),
		widget.Row("back to the screen left with esc", k.Back),
		widget.Row("cycle theme", k.Theme),
		widget.Row("help", k.Help),
		widget.Row("quit", k.Quit),
	}}}
}
