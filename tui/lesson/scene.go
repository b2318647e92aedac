package lesson

import (
	"slices"
	"strconv"
	"strings"

	"backprop/network"
	"backprop/tui/bench"
)

// Scene is what a step sets up before it starts. Zero fields leave the app
// as it is.
type Scene struct {
	Screen    string    // "bench" or "trainer"
	Preset    string    // bench problem (vacation, and, or, nand, xor) or trainer preset
	Focus     string    // bench: a weight 1..n or "threshold"; trainer: "layer/neuron", e.g. 1/0
	Step      string    // granularity the learner steps by: neuron, phase, sample, batch, epoch
	Unit      string    // bench: step or sigmoid
	Weights   []float64 // bench weights w₁…wₙ
	Threshold *float64  // bench threshold θ
	Inputs    []float64 // bench toggles, 0/1
	Eta       float64   // learning rate
	Batch     int       // mini-batch size
	Layers    []int     // trainer: layer sizes, e.g. 2 3 1
	Seed      uint64
	Reset     bool // restart training from the initial weights (same seed)
	// Target is the bench's target rule for this step: the output is 1 (go)
	// exactly when every one of these inputs is on, e.g. [weather]; nil
	// keeps the problem's own rule.
	Target []string
	// Acts are the trainer's activations, one per layer after the inputs
	// (relu relu sigmoid), or one name for every hidden layer (the output
	// keeps its own); nil keeps them.
	Acts []string
	Init string // trainer: the weight initialisation (xavier, he, …)
	// Pane is the trainer's pane to show in the shared slot (PaneNames),
	// e.g. gradients.
	Pane string
}

// IsZero reports whether the scene changes nothing.
func (s Scene) IsZero() bool {
	return s.Screen == "" && s.Preset == "" && s.Focus == "" && s.Step == "" && s.Unit == "" &&
		s.Weights == nil && s.Threshold == nil && s.Inputs == nil && s.Eta == 0 && s.Batch == 0 &&
		s.Layers == nil && s.Seed == 0 && !s.Reset && s.Target == nil &&
		s.Acts == nil && s.Init == "" && s.Pane == ""
}

// sceneKey is one key of a scene block: set parses val into s, or returns
// what it expected instead.
type sceneKey struct {
	key string
	set func(s *Scene, val string) (want string)
}

// sceneKeys lists the scene keys in the README's order.
func sceneKeys() []sceneKey {
	return []sceneKey{
		{"screen", setScreen}, {"preset", setPreset}, {"focus", setFocus}, {"step", setStep},
		{"unit", setUnit}, {"weights", setWeights}, {"threshold", setThreshold}, {"inputs", setInputs},
		{"eta", setEta}, {"batch", setBatch}, {"layers", setLayers}, {"seed", setSeed}, {"reset", setReset},
		{"target", setTarget}, {"acts", setActs}, {"init", setInit}, {"pane", setPane},
	}
}

// scene parses a scene block's keys into s, then checks them against each
// other and against the bench problem and screen in force.
func (p *fileParser) scene(s *Scene, kvs []kv) error {
	keys := sceneKeys()
	seen := map[string]bool{}
	for _, e := range kvs {
		if seen[e.key] {
			return p.errf(e.line, "%q given twice", e.key)
		}
		seen[e.key] = true
		i := slices.IndexFunc(keys, func(k sceneKey) bool { return k.key == e.key })
		if i < 0 {
			var names []string
			for _, k := range keys {
				names = append(names, k.key)
			}
			return p.errf(e.line, "unknown scene key %q (want %s)", e.key, strings.Join(names, ", "))
		}
		if want := keys[i].set(s, e.val); want != "" {
			return p.errf(e.line, "%s: expected %s, found %q", e.key, want, e.val)
		}
	}
	if s.Screen != "" {
		p.screen = s.Screen
	}
	if s.Preset != "" {
		p.preset = s.Preset
	}
	if err := p.checkBenchPreset(s, kvs); err != nil {
		return err
	}
	if err := p.checkFocus(s, kvs); err != nil {
		return err
	}
	if err := p.checkTarget(s, kvs); err != nil {
		return err
	}
	if err := p.checkTrainerKeys(s, kvs); err != nil {
		return err
	}
	return p.checkBenchSizes(s, kvs)
}

// checkTarget: a target is for the bench, over inputs its problem has.
func (p *fileParser) checkTarget(s *Scene, kvs []kv) error {
	if s.Target == nil {
		return nil
	}
	line := lineOf(kvs, "target")
	if p.screen != "bench" {
		return p.errf(line, "target: only the bench has a target rule to set")
	}
	pr, err := bench.ProblemByName(p.preset)
	if err != nil {
		return nil // the bench's problem is not known here
	}
	if _, err := pr.WithTarget(s.Target); err != nil {
		return p.errf(line, "target: %v", strings.TrimPrefix(err.Error(), "bench: "))
	}
	return nil
}

func setScreen(s *Scene, v string) string {
	if v != "bench" && v != "trainer" && v != "functions" {
		return "bench, trainer or functions"
	}
	s.Screen = v
	return ""
}

func setPreset(s *Scene, v string) string {
	if !idRE.MatchString(v) {
		return "a preset name such as vacation or xor"
	}
	s.Preset = v
	return ""
}

func setFocus(s *Scene, v string) string {
	s.Focus = v // checked against the screen once the block is read
	return ""
}

func setStep(s *Scene, v string) string {
	if gs := network.GranularityNames(); !slices.Contains(gs, v) {
		return strings.Join(gs, ", ")
	}
	s.Step = v
	return ""
}

func setUnit(s *Scene, v string) string {
	if v != "step" && v != "sigmoid" {
		return "step or sigmoid"
	}
	s.Unit = v
	return ""
}

// benchValues parses 1 to 16 numbers (bench weights or inputs).
func benchValues(v string) ([]float64, bool) {
	x, err := floats(v)
	return x, err == nil && len(x) > 0 && len(x) <= 16
}

func setWeights(s *Scene, v string) string {
	x, ok := benchValues(v)
	if !ok {
		return "numbers separated by spaces or commas"
	}
	s.Weights = x
	return ""
}

func setInputs(s *Scene, v string) string {
	x, ok := benchValues(v)
	if !ok {
		return "numbers separated by spaces or commas"
	}
	for _, xi := range x {
		if xi != 0 && xi != 1 {
			return "0s and 1s"
		}
	}
	s.Inputs = x
	return ""
}

func setThreshold(s *Scene, v string) string {
	x, err := floats(v)
	if err != nil || len(x) != 1 {
		return "a number"
	}
	s.Threshold = &x[0]
	return ""
}

func setEta(s *Scene, v string) string {
	x, err := floats(v)
	if err != nil || len(x) != 1 || x[0] <= 0 || x[0] > 100 {
		return "a learning rate in (0, 100]"
	}
	s.Eta = x[0]
	return ""
}

func setBatch(s *Scene, v string) string {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1e6 {
		return "a whole number ≥ 1"
	}
	s.Batch = n
	return ""
}

func setLayers(s *Scene, v string) string {
	x, err := floats(v)
	if err != nil || len(x) < 2 || len(x) > 8 {
		return "2 to 8 layer sizes, e.g. 2 3 1"
	}
	for _, xi := range x {
		if xi != float64(int(xi)) || xi < 1 || xi > 1024 {
			return "whole layer sizes from 1 to 1024"
		}
		s.Layers = append(s.Layers, int(xi))
	}
	return ""
}

func setSeed(s *Scene, v string) string {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return "a whole number ≥ 0"
	}
	s.Seed = n
	return ""
}

func setTarget(s *Scene, v string) string {
	ids := strings.Fields(strings.ReplaceAll(v, ",", " "))
	if len(ids) == 0 || len(ids) > 16 || slices.ContainsFunc(ids, func(id string) bool { return !idRE.MatchString(id) }) {
		return "bench input names, e.g. weather, or leave weather for both"
	}
	s.Target = ids
	return ""
}

func setReset(s *Scene, v string) string {
	if v != "true" && v != "false" {
		return "true or false"
	}
	s.Reset = v == "true"
	return ""
}

// lineOf is the line of key in kvs, or the block's first line.
func lineOf(kvs []kv, key string) int {
	line := kvs[0].line
	for _, e := range kvs {
		if e.key == key {
			line = e.line
		}
	}
	return line
}

// checkBenchPreset: on the bench, the preset is one of its problems.
func (p *fileParser) checkBenchPreset(s *Scene, kvs []kv) error {
	if s.Preset == "" || p.screen != "bench" {
		return nil
	}
	if _, err := bench.ProblemByName(s.Preset); err == nil {
		return nil
	}
	var names []string
	for _, pr := range bench.Problems() {
		names = append(names, pr.Name)
	}
	return p.errf(lineOf(kvs, "preset"), "preset: the bench has no problem %q (want %s)", s.Preset, strings.Join(names, ", "))
}

// checkFocus: the focus has the screen's form (trainer: layer/neuron;
// bench: a weight 1..n or threshold) and names a weight the problem has.
func (p *fileParser) checkFocus(s *Scene, kvs []kv) error {
	if s.Focus == "" {
		return nil
	}
	line := lineOf(kvs, "focus")
	trainerForm := focusRE.MatchString(s.Focus)
	n, err := strconv.Atoi(s.Focus)
	benchForm := s.Focus == "threshold" || err == nil && n >= 1
	switch {
	case p.screen == "trainer" && !trainerForm:
		return p.errf(line, "focus: expected layer/neuron on the trainer, e.g. 1/0, found %q", s.Focus)
	case p.screen == "bench" && !benchForm:
		return p.errf(line, "focus: expected a weight 1..n or threshold on the bench, found %q", s.Focus)
	case !trainerForm && !benchForm:
		return p.errf(line, "focus: expected a weight 1..n, threshold, or layer/neuron, found %q", s.Focus)
	}
	if pr, err := bench.ProblemByName(p.preset); err == nil && p.screen != "trainer" && s.Focus != "threshold" && n > len(pr.Inputs)+1 {
		return p.errf(line, "focus: %s has %d weights, found %q", p.preset, len(pr.Inputs), s.Focus)
	}
	return nil
}

// checkBenchSizes: bench weights and inputs match the problem's inputs.
func (p *fileParser) checkBenchSizes(s *Scene, kvs []kv) error {
	pr, err := bench.ProblemByName(s.Preset)
	if err != nil || s.Screen == "trainer" {
		return nil
	}
	n := len(pr.Inputs)
	if s.Weights != nil && len(s.Weights) != n {
		return p.errf(kvs[0].line, "weights: expected %d numbers for %s", n, s.Preset)
	}
	if s.Inputs != nil && len(s.Inputs) != n {
		return p.errf(kvs[0].line, "inputs: expected %d values for %s", n, s.Preset)
	}
	return nil
}

// PaneNames are the trainer panes a scene can show (pane: gradients), in
// the order of the trainer's tabs.
func PaneNames() []string {
	return []string{"boundary", "loss", "sample", "activations", "weights", "surface", "gradients", "compare", "hidden"}
}

func setActs(s *Scene, v string) string {
	names := strings.Fields(strings.ReplaceAll(v, ",", " "))
	if len(names) == 0 || len(names) > 8 {
		return "1 to 8 activations, e.g. relu relu sigmoid (" + strings.Join(network.ActivationNames(), ", ") + ")"
	}
	for _, n := range names {
		if _, err := network.ParseActivation(n); err != nil {
			return "activations from " + strings.Join(network.ActivationNames(), ", ")
		}
	}
	s.Acts = names
	return ""
}

func setInit(s *Scene, v string) string {
	if _, err := network.ParseInit(v); err != nil {
		return strings.Join(network.InitNames(), ", ")
	}
	s.Init = v
	return ""
}

func setPane(s *Scene, v string) string {
	if !slices.Contains(PaneNames(), v) {
		return strings.Join(PaneNames(), ", ")
	}
	s.Pane = v
	return ""
}

// checkTrainerKeys: acts, init and pane are the trainer's; acts given with
// layers name one activation, or one per layer after the inputs.
func (p *fileParser) checkTrainerKeys(s *Scene, kvs []kv) error {
	for _, k := range []string{"acts", "init", "pane"} {
		if slices.ContainsFunc(kvs, func(e kv) bool { return e.key == k }) && p.screen == "bench" {
			return p.errf(lineOf(kvs, k), "%s: only the trainer has it (the scene is on the bench)", k)
		}
	}
	if s.Acts != nil && s.Layers != nil && len(s.Acts) != 1 && len(s.Acts) != len(s.Layers)-1 {
		return p.errf(lineOf(kvs, "acts"), "acts: expected 1 or %d activations for layers %v, found %d", len(s.Layers)-1, s.Layers, len(s.Acts))
	}
	return nil
}
