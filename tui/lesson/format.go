package lesson

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"backprop/internal/readfile"
	"backprop/internal/safetext"
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
