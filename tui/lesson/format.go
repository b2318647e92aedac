package lesson

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

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
	Title     string
	Line      int    // of its heading
	Text      string // Markdown, rendered with glamour
	Scene     Scene
	Goal      string   // what the checkpoint asks, in words
	Checks    []*Check // all must hold; none: the step is done once read
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
}

// IsZero reports whether the scene changes nothing.
func (s Scene) IsZero() bool {
	return s.Screen == "" && s.Preset == "" && s.Focus == "" && s.Step == "" && s.Unit == "" &&
		s.Weights == nil && s.Threshold == nil && s.Inputs == nil && s.Eta == 0 && s.Batch == 0 &&
		s.Layers == nil && s.Seed == 0 && !s.Reset
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

// ParseFile reads and parses a lesson file.
func ParseFile(path string) (*Lesson, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("lesson: %w", err)
	}
	return Parse(path, data)
}

// Parse parses a lesson. name is used in errors, which read
// "name:line: what was expected".
func Parse(name string, data []byte) (*Lesson, error) {
	p := &fileParser{name: name, l: &Lesson{Source: name}}
	text := strings.ReplaceAll(string(data), "\r\n", "\n")
	text = strings.TrimPrefix(text, "\ufeff")
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
		trim := strings.TrimSpace(line)
		if strings.HasPrefix(line, "## ") {
			h := strings.TrimSpace(line[3:])
			if title, ok := strings.CutPrefix(h, "Step:"); ok {
				flush()
				title = strings.TrimSpace(title)
				if title == "" {
					return p.errf(ln, "expected a title after \"## Step:\"")
				}
				st = &Step{Title: title, Line: ln}
				p.l.Steps = append(p.l.Steps, st)
				continue
			}
		}
		if fence, ok := strings.CutPrefix(trim, "```"); ok && strings.HasPrefix(line, "```") {
			kind := strings.TrimSpace(fence)
			end := p.closeFence(i)
			if end < 0 {
				return p.errf(ln, "expected a closing ``` for the block opened here")
			}
			body := p.lines[i+1 : end]
			switch kind {
			case "scene", "check", "question":
				if st == nil {
					return p.errf(ln, "expected \"## Step: <title>\" before a %s block", kind)
				}
				if err := p.block(st, kind, i+2, body); err != nil {
					return err
				}
			default:
				if st == nil {
					return p.errf(ln, "expected \"## Step: <title>\" before any text")
				}
				text = append(text, p.lines[i:end+1]...)
			}
			i = end
			continue
		}
		if st == nil {
			if trim != "" {
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
		switch k {
		case "title":
			if v == "" {
				return 0, p.errf(ln, "expected a title")
			}
			p.l.Title = v
		case "id":
			if !idRE.MatchString(v) {
				return 0, p.errf(ln, "expected an id of lower-case letters, digits and -, found %q", v)
			}
			p.l.ID = v
		case "order":
			n, err := strconv.Atoi(v)
			if err != nil {
				return 0, p.errf(ln, "expected a whole number for order, found %q", v)
			}
			p.l.Order = n
		case "summary":
			p.l.Summary = v
		default:
			return 0, p.errf(ln, "unknown front matter key %q (want title, id, order, summary)", k)
		}
	}
	return 0, p.errf(len(p.lines), "expected \"---\" to close the front matter")
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

func (p *fileParser) block(st *Step, kind string, first int, body []string) error {
	switch kind {
	case "check":
		if st.Checks != nil || st.Goal != "" {
			return p.errf(first-1, "expected one check block per step")
		}
		for i, raw := range body {
			ln := first + i
			line := strings.TrimSpace(raw)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			if g, ok := strings.CutPrefix(line, "goal:"); ok {
				st.Goal = strings.TrimSpace(strings.TrimSpace(st.Goal + " " + strings.TrimSpace(g)))
				continue
			}
			c, err := ParseCheck(line)
			if err != nil {
				return p.errf(ln, "%v", err)
			}
			if err := p.checkInputs(c, ln); err != nil {
				return err
			}
			st.Checks = append(st.Checks, c)
		}
		if len(st.Checks) == 0 {
			return p.errf(first-1, "expected at least one condition in the check block")
		}
		return nil
	case "question":
		kvs, err := p.keyValues(first, body)
		if err != nil {
			return err
		}
		var q Question
		answer, answerLine := "", first-1
		seen := map[string]bool{}
		for _, e := range kvs {
			if seen[e.key] {
				return p.errf(e.line, "%q given twice", e.key)
			}
			seen[e.key] = true
			switch e.key {
			case "ask":
				q.Ask = e.val
			case "options":
				for _, o := range strings.Split(e.val, "|") {
					if o = strings.TrimSpace(o); o == "" {
						return p.errf(e.line, "expected options separated by |, found an empty one")
					}
					q.Options = append(q.Options, o)
				}
				if len(q.Options) < 2 || len(q.Options) > 6 {
					return p.errf(e.line, "expected 2 to 6 options separated by |, found %d", len(q.Options))
				}
			case "answer":
				answer, answerLine = e.val, e.line
			case "reveal":
				q.Reveal = e.val
			default:
				return p.errf(e.line, "unknown question key %q (want ask, options, answer, reveal)", e.key)
			}
		}
		switch {
		case q.Ask == "":
			return p.errf(first-1, "expected \"ask:\" in the question")
		case q.Options == nil:
			return p.errf(first-1, "expected \"options: a | b\" in the question")
		case answer == "":
			return p.errf(first-1, "expected \"answer:\" in the question")
		}
		q.Answer = slices.IndexFunc(q.Options, func(o string) bool { return strings.EqualFold(o, answer) })
		if q.Answer < 0 {
			return p.errf(answerLine, "answer %q is not one of the options (%s)", answer, strings.Join(q.Options, " | "))
		}
		st.Questions = append(st.Questions, q)
		return nil
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

func (p *fileParser) scene(s *Scene, kvs []kv) error {
	seen := map[string]bool{}
	for _, e := range kvs {
		if seen[e.key] {
			return p.errf(e.line, "%q given twice", e.key)
		}
		seen[e.key] = true
		bad := func(want string) error { return p.errf(e.line, "%s: expected %s, found %q", e.key, want, e.val) }
		switch e.key {
		case "screen":
			if e.val != "bench" && e.val != "trainer" {
				return bad("bench or trainer")
			}
			s.Screen = e.val
			p.screen = e.val
		case "preset":
			if !idRE.MatchString(e.val) {
				return bad("a preset name such as vacation or xor")
			}
			s.Preset = e.val
			p.preset = e.val
		case "focus":
			s.Focus = e.val
		case "step":
			if gs := network.GranularityNames(); !slices.Contains(gs, e.val) {
				return bad(strings.Join(gs, ", "))
			}
			s.Step = e.val
		case "unit":
			if e.val != "step" && e.val != "sigmoid" {
				return bad("step or sigmoid")
			}
			s.Unit = e.val
		case "weights", "inputs":
			v, err := floats(e.val)
			if err != nil || len(v) == 0 || len(v) > 16 {
				return bad("numbers separated by spaces or commas")
			}
			if e.key == "weights" {
				s.Weights = v
			} else {
				for _, x := range v {
					if x != 0 && x != 1 {
						return bad("0s and 1s")
					}
				}
				s.Inputs = v
			}
		case "threshold":
			v, err := floats(e.val)
			if err != nil || len(v) != 1 {
				return bad("a number")
			}
			s.Threshold = &v[0]
		case "eta":
			v, err := floats(e.val)
			if err != nil || len(v) != 1 || v[0] <= 0 || v[0] > 100 {
				return bad("a learning rate in (0, 100]")
			}
			s.Eta = v[0]
		case "batch":
			n, err := strconv.Atoi(e.val)
			if err != nil || n < 1 || n > 1e6 {
				return bad("a whole number ≥ 1")
			}
			s.Batch = n
		case "layers":
			v, err := floats(e.val)
			if err != nil || len(v) < 2 || len(v) > 8 {
				return bad("2 to 8 layer sizes, e.g. 2 3 1")
			}
			for _, x := range v {
				if x != float64(int(x)) || x < 1 || x > 1024 {
					return bad("whole layer sizes from 1 to 1024")
				}
				s.Layers = append(s.Layers, int(x))
			}
		case "reset":
			if e.val != "true" && e.val != "false" {
				return bad("true or false")
			}
			s.Reset = e.val == "true"
		case "seed":
			n, err := strconv.ParseUint(e.val, 10, 64)
			if err != nil {
				return bad("a whole number ≥ 0")
			}
			s.Seed = n
		default:
			return p.errf(e.line, "unknown scene key %q (want screen, preset, focus, step, unit, weights, threshold, inputs, eta, batch, layers, seed, reset)", e.key)
		}
	}
	if s.Preset != "" && p.screen == "bench" {
		if _, err := bench.ProblemByName(s.Preset); err != nil {
			line := kvs[0].line
			for _, e := range kvs {
				if e.key == "preset" {
					line = e.line
				}
			}
			var names []string
			for _, pr := range bench.Problems() {
				names = append(names, pr.Name)
			}
			return p.errf(line, "preset: the bench has no problem %q (want %s)", s.Preset, strings.Join(names, ", "))
		}
	}
	if s.Focus != "" {
		line := kvs[0].line
		for _, e := range kvs {
			if e.key == "focus" {
				line = e.line
			}
		}
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
	}
	if pr, err := bench.ProblemByName(s.Preset); err == nil && s.Screen != "trainer" {
		n := len(pr.Inputs)
		if s.Weights != nil && len(s.Weights) != n {
			return p.errf(kvs[0].line, "weights: expected %d numbers for %s", n, s.Preset)
		}
		if s.Inputs != nil && len(s.Inputs) != n {
			return p.errf(kvs[0].line, "inputs: expected %d values for %s", n, s.Preset)
		}
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
		case "decision", "sigmoid", "z":
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
