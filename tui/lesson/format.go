package lesson

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"backprop/internal/readfile"
	"backprop/internal/safetext"
	"backprop/network"
	"backprop/tui/bench"
)

// Lesson is one parsed lesson file.
type Lesson struct {
	ID      string // [a-z0-9-]+, the key of its progress
	Title   string
	Order   int    // built-in lessons are sorted by it
	Summary string // one line for menus
	Source  string // file name, for messages
	Steps   []*Step
}

// Step is one "## Step:" section.
type Step struct {
	Title  string
	Line   int    // of its heading
	Text   string // Markdown, rendered with glamour
	Scene  Scene
	Goal   string   // what the checkpoint asks, in words
	Checks []*Check // all must hold; none: the step is done once read
	// Goals are measurable goals ("goal: test_loss <= 0.177"): ticked on
	// screen while they hold; the checkpoint needs them all at once.
	Goals []*Goal
	// Expects are what the step's text says of the state it opens on
	// (after its scene): "every weight is 0", "the target is leave AND
	// weather". The app does not wait for them; a test that walks every
	// step checks they hold, so text and data cannot drift apart.
	Expects   []*Check
	Questions []Question
}

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
}

// HasCheckpoint reports whether the step waits for something: conditions
// or measurable goals (without, it is done once read).
func (st *Step) HasCheckpoint() bool { return len(st.Checks) > 0 || len(st.Goals) > 0 }

// conditions are the step's conditions and its goals' conditions.
func (st *Step) conditions() []*Check {
	out := append([]*Check(nil), st.Checks...)
	for _, g := range st.Goals {
		out = append(out, g.Cond)
	}
	return out
}

// IsZero reports whether the scene changes nothing.
func (s Scene) IsZero() bool {
	return s.Screen == "" && s.Preset == "" && s.Focus == "" && s.Step == "" && s.Unit == "" &&
		s.Weights == nil && s.Threshold == nil && s.Inputs == nil && s.Eta == 0 && s.Batch == 0 &&
		s.Layers == nil && s.Seed == 0 && !s.Reset && s.Target == nil
}

// Question is a predict-then-reveal question: asked before the step runs,
// scored and explained once its checkpoint is reached.
type Question struct {
	Ask     string
	Options []string
	Answer  int // index into Options
	Reveal  string
}

var (
	idRE    = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	focusRE = regexp.MustCompile(`^[0-9]+/[0-9]+$`)
)

// maxGoals bounds the measurable goals of one step (the footer lists them).
const maxGoals = 6

// MaxFileBytes bounds a lesson file (the built-in ones are under 4 KiB).
const MaxFileBytes = 1 << 20

// ParseFile reads and parses a lesson file of at most MaxFileBytes (a
// larger file, or a stream that holds more, is refused before it is read
// into memory).
func ParseFile(path string) (*Lesson, error) {
	data, err := readfile.Read(path, "a lesson file", MaxFileBytes)
	if err != nil {
		return nil, fmt.Errorf("lesson: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a lesson. name is used in errors, which read
// "name:line: what was expected". The name and the text are made safe for
// a terminal first (safetext: escapes and other controls shown as \x1b,
// tabs and line breaks kept), so nothing the file holds — titles, step
// text, questions, errors that quote it — can act on the terminal.
func Parse(name string, data []byte) (*Lesson, error) {
	name = safetext.Line(name)
	p := &fileParser{name: name, l: &Lesson{Source: name}}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
	text = safetext.Clean(text, safetext.Newline|safetext.Tab)
	p.lines = strings.Split(text, "\n")
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.l, nil
}

type fileParser struct {
	name   string
	lines  []string
	l      *Lesson
	preset string // the bench problem in force, to check input names
	screen string // the screen in force
}

func (p *fileParser) errf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.name, line, fmt.Sprintf(format, args...))
}

func (p *fileParser) parse() error {
	i, err := p.frontMatter()
	if err != nil {
		return err
	}
	var st *Step
	var text []string
	flush := func() {
		if st != nil {
			st.Text = strings.TrimSpace(strings.Join(text, "\n"))
		}
		text = nil
	}
	for ; i < len(p.lines); i++ {
		ln := i + 1
		line := p.lines[i]
		if title, ok := stepHeading(line); ok {
			flush()
			if title == "" {
				return p.errf(ln, "expected a title after \"## Step:\"")
			}
			st = &Step{Title: title, Line: ln}
			p.l.Steps = append(p.l.Steps, st)
			continue
		}
		if kind, ok := fenceOpen(line); ok {
			end, err := p.fence(st, kind, i, &text)
			if err != nil {
				return err
			}
			i = end
			continue
		}
		if st == nil {
			if strings.TrimSpace(line) != "" {
				return p.errf(ln, "expected \"## Step: <title>\" before any text")
			}
			continue
		}
		text = append(text, line)
	}
	flush()
	if len(p.l.Steps) == 0 {
		return p.errf(len(p.lines), "expected at least one \"## Step: <title>\" section")
	}
	return nil
}

// stepHeading returns the title of a "## Step: title" line ("" when it
// has none) and whether line is such a heading.
func stepHeading(line string) (string, bool) {
	h, ok := strings.CutPrefix(line, "## ")
	if !ok {
		return "", false
	}
	title, ok := strings.CutPrefix(strings.TrimSpace(h), "Step:")
	return strings.TrimSpace(title), ok
}

// fenceOpen returns the kind of a fence line "```kind" (scene, check,
// question, or any other: text).
func fenceOpen(line string) (string, bool) {
	if !strings.HasPrefix(line, "```") {
		return "", false
	}
	fence, _ := strings.CutPrefix(strings.TrimSpace(line), "```")
	return strings.TrimSpace(fence), true
}

// fence handles the fenced block of kind opened at line index i of step
// st: a scene, check or question block is parsed into st, any other is
// step text. It returns the index of the closing fence.
func (p *fileParser) fence(st *Step, kind string, i int, text *[]string) (int, error) {
	ln := i + 1
	end := p.closeFence(i)
	if end < 0 {
		return 0, p.errf(ln, "expected a closing ``` for the block opened here")
	}
	switch kind {
	case "scene", "check", "question":
		if st == nil {
			return 0, p.errf(ln, "expected \"## Step: <title>\" before a %s block", kind)
		}
		return end, p.block(st, kind, i+2, p.lines[i+1:end])
	}
	if st == nil {
		return 0, p.errf(ln, "expected \"## Step: <title>\" before any text")
	}
	*text = append(*text, p.lines[i:end+1]...)
	return end, nil
}

// closeFence returns the index of the line closing the fence opened at i, or −1.
func (p *fileParser) closeFence(i int) int {
	for j := i + 1; j < len(p.lines); j++ {
		if strings.TrimSpace(p.lines[j]) == "```" {
			return j
		}
	}
	return -1
}

func (p *fileParser) frontMatter() (int, error) {
	if len(p.lines) == 0 || strings.TrimSpace(p.lines[0]) != "---" {
		return 0, p.errf(1, "expected front matter starting with \"---\"")
	}
	seen := map[string]bool{}
	for i := 1; i < len(p.lines); i++ {
		ln := i + 1
		line := strings.TrimSpace(p.lines[i])
		if line == "---" {
			for _, k := range []string{"title", "id"} {
				if !seen[k] {
					return 0, p.errf(ln, "expected %q in the front matter", k)
				}
			}
			return i + 1, nil
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return 0, p.errf(ln, "expected \"key: value\" in the front matter, found %q", line)
		}
		k, v = strings.TrimSpace(k), unquote(strings.TrimSpace(v))
		if seen[k] {
			return 0, p.errf(ln, "%q given twice", k)
		}
		seen[k] = true
		if err := p.frontMatterKey(ln, k, v); err != nil {
			return 0, err
		}
	}
	return 0, p.errf(len(p.lines), "expected \"---\" to close the front matter")
}

// frontMatterKey sets the lesson's field k (on line ln) to v.
func (p *fileParser) frontMatterKey(ln int, k, v string) error {
	switch k {
	case "title":
		if v == "" {
			return p.errf(ln, "expected a title")
		}
		p.l.Title = v
	case "id":
		if !idRE.MatchString(v) {
			return p.errf(ln, "expected an id of lower-case letters, digits and -, found %q", v)
		}
		p.l.ID = v
	case "order":
		n, err := strconv.Atoi(v)
		if err != nil {
			return p.errf(ln, "expected a whole number for order, found %q", v)
		}
		p.l.Order = n
	case "summary":
		p.l.Summary = v
	default:
		return p.errf(ln, "unknown front matter key %q (want title, id, order, summary)", k)
	}
	return nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// keyValues splits a block into key: value pairs; an indented line continues
// the previous value. first is the line number of body[0].
type kv struct {
	key, val string
	line     int
}

func (p *fileParser) keyValues(first int, body []string) ([]kv, error) {
	var out []kv
	for i, raw := range body {
		ln := first + i
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if (raw[0] == ' ' || raw[0] == '\t') && len(out) > 0 {
			out[len(out)-1].val += " " + line
			continue
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return nil, p.errf(ln, "expected \"key: value\", found %q", line)
		}
		out = append(out, kv{strings.TrimSpace(k), strings.TrimSpace(v), ln})
	}
	return out, nil
}

// block parses a scene, check or question block into st; first is the
// line number of body[0].
func (p *fileParser) block(st *Step, kind string, first int, body []string) error {
	switch kind {
	case "check":
		return p.checkBlock(st, first, body)
	case "question":
		kvs, err := p.keyValues(first, body)
		if err != nil {
			return err
		}
		q, err := p.question(first, kvs)
		if err != nil {
			return err
		}
		st.Questions = append(st.Questions, q)
	case "scene":
		if !st.Scene.IsZero() {
			return p.errf(first-1, "expected one scene block per step")
		}
		kvs, err := p.keyValues(first, body)
		if err != nil {
			return err
		}
		return p.scene(&st.Scene, kvs)
	}
	return nil
}

// checkBlock parses a check block: "goal:" lines, "expect:" lines (what
// the text says of the state the step opens on) and one condition per
// line, all of which must hold.
func (p *fileParser) checkBlock(st *Step, first int, body []string) error {
	if st.Checks != nil || st.Goal != "" || st.Expects != nil || st.Goals != nil {
		return p.errf(first-1, "expected one check block per step")
	}
	for i, raw := range body {
		ln := first + i
		line := strings.TrimSpace(raw)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if g, ok := strings.CutPrefix(line, "goal:"); ok {
			g = strings.TrimSpace(g)
			if !isGoalCondition(g) {
				st.Goal = strings.TrimSpace(st.Goal + " " + g)
				continue
			}
			goal, err := ParseGoal(g)
			if err != nil {
				return p.errf(ln, "goal: %v", err)
			}
			if err := p.checkInputs(goal.Cond, ln); err != nil {
				return err
			}
			if len(st.Goals) >= maxGoals {
				return p.errf(ln, "goal: at most %d measurable goals a step", maxGoals)
			}
			st.Goals = append(st.Goals, goal)
			continue
		}
		expect := false
		if e, ok := strings.CutPrefix(line, "expect:"); ok {
			line, expect = strings.TrimSpace(e), true
		}
		c, err := ParseCheck(line)
		if err != nil {
			if expect {
				return p.errf(ln, "expect: %v", err)
			}
			return p.errf(ln, "%v", err)
		}
		if err := p.checkInputs(c, ln); err != nil {
			return err
		}
		if expect {
			st.Expects = append(st.Expects, c)
		} else {
			st.Checks = append(st.Checks, c)
		}
	}
	if len(st.Checks) == 0 && len(st.Expects) == 0 && len(st.Goals) == 0 {
		return p.errf(first-1, "expected at least one condition (or expect: line) in the check block")
	}
	if len(st.Checks) == 0 && len(st.Goals) == 0 && st.Goal != "" {
		return p.errf(first-1, "a goal needs a condition that says when it is reached")
	}
	return nil
}

// question parses a question block's keys: ask, options (a | b | …),
// answer (one of the options) and reveal.
func (p *fileParser) question(first int, kvs []kv) (Question, error) {
	var q Question
	answer, answerLine := "", first-1
	seen := map[string]bool{}
	for _, e := range kvs {
		if seen[e.key] {
			return q, p.errf(e.line, "%q given twice", e.key)
		}
		seen[e.key] = true
		var err error
		switch e.key {
		case "ask":
			q.Ask = e.val
		case "options":
			q.Options, err = p.options(e)
		case "answer":
			answer, answerLine = e.val, e.line
		case "reveal":
			q.Reveal = e.val
		default:
			err = p.errf(e.line, "unknown question key %q (want ask, options, answer, reveal)", e.key)
		}
		if err != nil {
			return q, err
		}
	}
	switch {
	case q.Ask == "":
		return q, p.errf(first-1, "expected \"ask:\" in the question")
	case q.Options == nil:
		return q, p.errf(first-1, "expected \"options: a | b\" in the question")
	case answer == "":
		return q, p.errf(first-1, "expected \"answer:\" in the question")
	}
	q.Answer = slices.IndexFunc(q.Options, func(o string) bool { return strings.EqualFold(o, answer) })
	if q.Answer < 0 {
		return q, p.errf(answerLine, "answer %q is not one of the options (%s)", answer, strings.Join(q.Options, " | "))
	}
	return q, nil
}

// options splits "a | b | c" into 2 to 6 non-empty options.
func (p *fileParser) options(e kv) ([]string, error) {
	var out []string
	for _, o := range strings.Split(e.val, "|") {
		if o = strings.TrimSpace(o); o == "" {
			return nil, p.errf(e.line, "expected options separated by |, found an empty one")
		}
		out = append(out, o)
	}
	if len(out) < 2 || len(out) > 6 {
		return nil, p.errf(e.line, "expected 2 to 6 options separated by |, found %d", len(out))
	}
	return out, nil
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
		{"target", setTarget},
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
	if v != "bench" && v != "trainer" {
		return "bench or trainer"
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

func floats(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		v, err := strconv.ParseFloat(f, 64)
		if err != nil || v != v || v > 1e9 || v < -1e9 {
			return nil, fmt.Errorf("bad number %q", f)
		}
		out = append(out, v)
	}
	return out, nil
}

// checkInputs verifies the input names of decision/follows against the bench
// problem in force, when it is known.
func (p *fileParser) checkInputs(c *Check, ln int) error {
	pr, err := bench.ProblemByName(p.preset)
	if err != nil {
		return nil
	}
	var ids []string
	for _, in := range pr.Inputs {
		ids = append(ids, in.ID)
	}
	var bad string
	eachCmp(c.root, func(n *cmp) {
		switch n.lhs.fn {
		case "follows", "input":
			if !slices.Contains(ids, n.lhs.name) {
				bad = n.lhs.name
			}
		case "decision", "sigmoid", "z", "target":
			for _, a := range n.lhs.args {
				if !slices.Contains(ids, a.id) {
					bad = a.id
				}
			}
		case "w":
			if n.lhs.nums[0] > len(ids) {
				bad = "w(" + strconv.Itoa(n.lhs.nums[0]) + ")"
			}
		}
	})
	if bad != "" {
		return p.errf(ln, "%s has no input %q (inputs: %s)", p.preset, bad, strings.Join(ids, ", "))
	}
	return nil
}
