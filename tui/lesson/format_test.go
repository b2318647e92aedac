package lesson

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"backprop/network"
)

const good = `---
title: A test lesson
id: test-lesson
order: 7
summary: "for tests"
---

## Step: One

` + "```scene" + `
screen: bench
preset: vacation
weights: 0, 0, 1
threshold: 0.5
inputs: 0 1 1
unit: sigmoid
focus: 3
target: leave, weather
` + "```" + `

Some *Markdown* text.

` + "```go" + `
## Step: not a step inside code
` + "```" + `

` + "```question" + `
ask: Up or down?
options: up | down
answer: Down
reveal: because
  it goes down.
` + "```" + `

` + "```check" + `
goal: go only when
  # a comment
goal: the weather is nice
expect: target(leave=1, weather=1) == go && w(3) == 1
follows(weather)
wrong <= 2
` + "```" + `

## Step: Two

` + "```scene" + `
screen: trainer
preset: xor
layers: 2 3 1
step: phase
eta: 0.5
batch: 4
seed: 7
reset: true
` + "```" + `
Text two.
`

func TestParseGood(t *testing.T) {
	l, err := Parse("good.md", []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if l.ID != "test-lesson" || l.Title != "A test lesson" || l.Order != 7 || l.Summary != "for tests" || len(l.Steps) != 2 {
		t.Fatalf("lesson %+v", l)
	}
	s := l.Steps[0]
	if s.Title != "One" || s.Line != 8 {
		t.Errorf("step 0: %q line %d", s.Title, s.Line)
	}
	sc := s.Scene
	if sc.Screen != "bench" || sc.Preset != "vacation" || fmt.Sprint(sc.Weights) != "[0 0 1]" || *sc.Threshold != 0.5 ||
		fmt.Sprint(sc.Inputs) != "[0 1 1]" || sc.Unit != "sigmoid" || sc.Focus != "3" || fmt.Sprint(sc.Target) != "[leave weather]" {
		t.Errorf("scene %+v", sc)
	}
	if !strings.Contains(s.Text, "Some *Markdown* text.") || !strings.Contains(s.Text, "## Step: not a step inside code") {
		t.Errorf("text %q", s.Text)
	}
	if len(s.Questions) != 1 || s.Questions[0].Answer != 1 || s.Questions[0].Reveal != "because it goes down." {
		t.Errorf("questions %+v", s.Questions)
	}
	if s.Goal != "go only when the weather is nice" || len(s.Checks) != 2 || len(s.Expects) != 1 ||
		s.Expects[0].Src != "target(leave=1, weather=1) == go && w(3) == 1" {
		t.Errorf("goal %q, %d checks, expects %v", s.Goal, len(s.Checks), s.Expects)
	}
	sc = l.Steps[1].Scene
	if sc.Screen != "trainer" || fmt.Sprint(sc.Layers) != "[2 3 1]" || sc.Step != "phase" || sc.Eta != 0.5 || sc.Batch != 4 || sc.Seed != 7 || !sc.Reset {
		t.Errorf("scene 2 %+v", sc)
	}
	if l.Steps[1].Text != "Text two." || l.Steps[1].Checks != nil {
		t.Errorf("step 2 %+v", l.Steps[1])
	}
}

func TestParseErrors(t *testing.T) {
	fm := "---\ntitle: T\nid: t\n---\n"
	tests := []struct{ name, src, err string }{
		{"no front matter", "# hi\n", "x.md:1: expected front matter starting with \"---\""},
		{"unclosed front matter", "---\ntitle: T\n", "x.md:3: expected \"---\" to close the front matter"},
		{"no title", "---\nid: t\n---\n", "x.md:3: expected \"title\" in the front matter"},
		{"bad id", "---\ntitle: T\nid: Bad Id\n---\n", "x.md:3: expected an id of lower-case letters"},
		{"bad order", "---\ntitle: T\nid: t\norder: first\n---\n", "x.md:4: expected a whole number for order"},
		{"unknown key", "---\ntitle: T\nid: t\nauthor: me\n---\n", `x.md:4: unknown front matter key "author"`},
		{"not key value", "---\ntitle: T\nid: t\njust words\n---\n", `x.md:4: expected "key: value"`},
		{"dup key", "---\ntitle: T\ntitle: U\nid: t\n---\n", `x.md:3: "title" given twice`},
		{"no steps", fm + "\n", "x.md:6: expected at least one \"## Step: <title>\""},
		{"text before step", fm + "hello\n## Step: A\n", "x.md:5: expected \"## Step: <title>\" before any text"},
		{"empty step title", fm + "## Step:   \n", "x.md:5: expected a title after"},
		{"unclosed fence", fm + "## Step: A\n```check\nepoch > 1\n", "x.md:6: expected a closing ```"},
		{"block before step", fm + "```check\nepoch > 1\n```\n", "x.md:5: expected \"## Step: <title>\" before a check block"},
		{"bad check", fm + "## Step: A\n```check\ngoal: g\nepoch >> 1\n```\n", "x.md:8: col 8: expected a value after >, found \">\""},
		{"empty check", fm + "## Step: A\n```check\ngoal: g\n```\n", "x.md:6: expected at least one condition"},
		{"two checks", fm + "## Step: A\n```check\nepoch > 1\n```\n```check\nepoch > 2\n```\n", "x.md:9: expected one check block per step"},
		{"unknown input", fm + "## Step: A\n```scene\npreset: vacation\n```\n```check\nfollows(wether)\n```\n", `x.md:10: vacation has no input "wether" (inputs: tickets, leave, weather)`},
		{"w out of range", fm + "## Step: A\n```scene\npreset: and\n```\n```check\nw(3) > 1\n```\n", `x.md:10: and has no input "w(3)"`},
		{"question no ask", fm + "## Step: A\n```question\noptions: a | b\nanswer: a\n```\n", "x.md:6: expected \"ask:\" in the question"},
		{"question one option", fm + "## Step: A\n```question\nask: q\noptions: a\nanswer: a\n```\n", "x.md:8: expected 2 to 6 options"},
		{"question empty option", fm + "## Step: A\n```question\nask: q\noptions: a || b\nanswer: a\n```\n", "x.md:8: expected options separated by |, found an empty one"},
		{"question bad answer", fm + "## Step: A\n```question\nask: q\noptions: a | b\nanswer: c\n```\n", `x.md:9: answer "c" is not one of the options (a | b)`},
		{"question no answer", fm + "## Step: A\n```question\nask: q\noptions: a | b\n```\n", `x.md:6: expected "answer:"`},
		{"question unknown key", fm + "## Step: A\n```question\nask: q\nhint: h\n```\n", `x.md:8: unknown question key "hint"`},
		{"scene unknown key", fm + "## Step: A\n```scene\ncolour: red\n```\n", `x.md:7: unknown scene key "colour"`},
		{"scene bad screen", fm + "## Step: A\n```scene\nscreen: tv\n```\n", `x.md:7: screen: expected bench, trainer or functions, found "tv"`},
		{"scene bad step", fm + "## Step: A\n```scene\nstep: leap\n```\n", `x.md:7: step: expected neuron, phase, sample, batch, epoch`},
		{"scene bad eta", fm + "## Step: A\n```scene\neta: -1\n```\n", `x.md:7: eta: expected a learning rate in (0, 100]`},
		{"scene bad inputs", fm + "## Step: A\n```scene\ninputs: 0 2 1\n```\n", `x.md:7: inputs: expected 0s and 1s`},
		{"scene bad layers", fm + "## Step: A\n```scene\nlayers: 2 x 1\n```\n", `x.md:7: layers: expected 2 to 8 layer sizes`},
		{"scene wrong weight count", fm + "## Step: A\n```scene\npreset: and\nweights: 1 2 3\n```\n", `x.md:7: weights: expected 2 numbers for and`},
		{"scene dup", fm + "## Step: A\n```scene\neta: 1\neta: 2\n```\n", `x.md:8: "eta" given twice`},
		{"scene twice", fm + "## Step: A\n```scene\neta: 1\n```\n```scene\nbatch: 2\n```\n", `x.md:9: expected one scene block per step`},
		{"bench focus", fm + "## Step: A\n```scene\nscreen: bench\nfocus: 1/0\n```\n", `x.md:8: focus: expected a weight 1..n or threshold on the bench, found "1/0"`},
		{"bench focus range", fm + "## Step: A\n```scene\nscreen: bench\npreset: and\nfocus: 4\n```\n", `x.md:9: focus: and has 2 weights, found "4"`},
		{"trainer focus", fm + "## Step: A\n```scene\nscreen: trainer\nfocus: 3\n```\n", `x.md:8: focus: expected layer/neuron on the trainer`},
		{"any focus", fm + "## Step: A\n```scene\nfocus: left\n```\n", `x.md:7: focus: expected a weight 1..n, threshold, or layer/neuron, found "left"`},
		{"bench unknown preset", fm + "## Step: A\n```scene\nscreen: bench\npreset: moonbase\n```\n", `x.md:8: preset: the bench has no problem "moonbase" (want vacation, and, or, nand, xor)`},
		{"bench unknown preset first", fm + "## Step: A\n```scene\npreset: circle\nscreen: bench\n```\n", `x.md:7: preset: the bench has no problem "circle"`},
		{"bench unknown preset later step", fm + "## Step: A\n```scene\nscreen: bench\n```\n## Step: B\n```scene\npreset: spiral\n```\n", `x.md:11: preset: the bench has no problem "spiral"`},
		{"expect bad", fm + "## Step: A\n```check\nexpect: epoch >> 1\nepoch > 1\n```\n", "x.md:7: expect: col 8: expected a value after >"},
		{"expect unknown input", fm + "## Step: A\n```scene\npreset: vacation\n```\n```check\nexpect: target(wether=1) == go\n```\n", `x.md:10: vacation has no input "wether"`},
		{"goal without condition", fm + "## Step: A\n```check\ngoal: g\nexpect: epoch == 0\n```\n", "x.md:6: a goal needs a condition"},
		{"target off the bench", fm + "## Step: A\n```scene\nscreen: trainer\ntarget: weather\n```\n", "x.md:8: target: only the bench has a target rule"},
		{"target unknown input", fm + "## Step: A\n```scene\nscreen: bench\npreset: and\ntarget: weather\n```\n", `x.md:9: target: and has no input "weather" (inputs: x1, x2)`},
		{"target bad", fm + "## Step: A\n```scene\nscreen: bench\ntarget: Weather!\n```\n", "x.md:8: target: expected bench input names"},
		{"goal unknown variable", fm + "## Step: A\n```check\ngoal: test_los <= 0.177\n```\n", `x.md:7: goal: col 1: unknown variable "test_los"`},
		{"goal bad value", fm + "## Step: A\n```check\ngoal: params <= many\n```\n", "x.md:7: goal: col 11: params is a number"},
		{"goal within number", fm + "## Step: A\n```check\ngoal: accuracy >= 0.95 within five epochs\n```\n", `x.md:7: goal: col 25: expected a whole number of epochs ≥ 1 after within, found "five"`},
		{"goal within unit", fm + "## Step: A\n```check\ngoal: accuracy >= 0.95 within 500 steps\n```\n", `x.md:7: goal: col 29: expected "epochs" after within 500, found "steps"`},
		{"goal within missing", fm + "## Step: A\n```check\ngoal: accuracy >= 0.95 within\n```\n", `x.md:7: goal: col 18: expected "within N epochs" to end the goal`},
		{"too many goals", fm + "## Step: A\n```check\n" + strings.Repeat("goal: epoch >= 1\n", 7) + "```\n", "x.md:13: goal: at most 6 measurable goals a step"},
		{"scene bad acts", fm + "## Step: A\n```scene\nacts: relu swish\n```\n", "x.md:7: acts: expected activations from step, linear, sigmoid, tanh, relu"},
		{"scene acts count", fm + "## Step: A\n```scene\nlayers: 2 8 8 1\nacts: relu sigmoid\n```\n", "x.md:8: acts: expected 1 or 3 activations for layers [2 8 8 1], found 2"},
		{"scene bad init", fm + "## Step: A\n```scene\ninit: kaiming\n```\n", `x.md:7: init: expected xavier, he, uniform, zero, normal, lecun, found "kaiming"`},
		{"scene bad pane", fm + "## Step: A\n```scene\npane: cost\n```\n", `x.md:7: pane: expected boundary, loss, sample, activations, weights, surface, gradients, compare, hidden, found "cost"`},
		{"bench init", fm + "## Step: A\n```scene\nscreen: bench\ninit: he\n```\n", "x.md:8: init: only the trainer has it"},
		{"bench pane", fm + "## Step: A\n```scene\nscreen: bench\n```\n## Step: B\n```scene\npane: loss\n```\n", "x.md:11: pane: only the trainer has it"},
		{"scene not kv", fm + "## Step: A\n```scene\nvacation\n```\n", `x.md:7: expected "key: value", found "vacation"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.md", []byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("err = %v\nwant %q", err, tt.err)
			}
		})
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "mine.md")
	if err := os.WriteFile(p, []byte("---\ntitle: Mine\nid: mine\n---\n## Step: A\n```check\nepoch >= x\n```\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := ParseFile(p)
	if err == nil || !strings.HasPrefix(err.Error(), p+":7: col 10:") {
		t.Errorf("err = %v", err)
	}
	if _, err := ParseFile(filepath.Join(dir, "missing.md")); err == nil || !strings.Contains(err.Error(), "missing.md") {
		t.Errorf("missing file: %v", err)
	}
}

func TestBuiltin(t *testing.T) {
	ls, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range ls {
		ids = append(ids, l.ID)
		if len(l.Steps) < 3 {
			t.Errorf("%s: only %d steps", l.ID, len(l.Steps))
		}
		for _, s := range l.Steps {
			if s.Text == "" {
				t.Errorf("%s: step %q has no text", l.ID, s.Title)
			}
		}
	}
	want := "perceptron networks activations cost backprop sgd deep memory any-function smallest"
	if strings.Join(ids, " ") != want {
		t.Errorf("lessons %v, want %s", ids, want)
	}
}

// The names checks and scenes accept are the engine's own (network's name
// tables), and nothing else.
func TestNamesMatchEngine(t *testing.T) {
	for p := network.PhaseIdle; p <= network.PhaseEpochEnd; p++ {
		if _, err := ParseCheck("phase == " + p.String()); err != nil {
			t.Errorf("phase %v: %v", p, err)
		}
	}
	for s := network.Training; s <= network.Diverged; s++ {
		if _, err := ParseCheck("status == " + s.String()); err != nil {
			t.Errorf("status %v: %v", s, err)
		}
	}
	head := "---\ntitle: t\nid: t\n---\n## Step: s\n```scene\nstep: "
	for g := network.ByNeuron; g <= network.ByEpoch; g++ {
		if _, err := Parse("t.md", []byte(head+g.String()+"\n```\n")); err != nil {
			t.Errorf("granularity %v: %v", g, err)
		}
	}
	_, err := ParseCheck("phase == sideways")
	if err == nil || !strings.Contains(err.Error(), strings.Join(network.PhaseNames(), ", ")) {
		t.Errorf("unknown phase: %v, want the engine's names listed", err)
	}
	_, err = Parse("t.md", []byte(head+"minute\n```\n"))
	if err == nil || !strings.Contains(err.Error(), strings.Join(network.GranularityNames(), ", ")) {
		t.Errorf("unknown granularity: %v, want the engine's names listed", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(good))
	ents, _ := lessonFS.ReadDir("lessons")
	for _, e := range ents {
		b, _ := lessonFS.ReadFile("lessons/" + e.Name())
		f.Add(b)
	}
	f.Add([]byte("---\ntitle: T\nid: t\n---\n## Step: A\n```question\nask: q\noptions: a | b\nanswer: a\n```\n"))
	f.Add([]byte("---\ntitle: T\nid: t\n---\n## Step: A\n```check\ngoal: accuracy >= 0.95 within 500 epochs\ngoal: params <= 13\n```\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse("fuzz.md", data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.md:") {
				t.Fatalf("error without file:line: %v", err)
			}
			return
		}
		if len(l.Steps) == 0 || l.ID == "" || l.Title == "" {
			t.Fatalf("accepted lesson without steps, id or title")
		}
		for _, s := range l.Steps {
			for _, q := range s.Questions {
				if q.Answer < 0 || q.Answer >= len(q.Options) {
					t.Fatalf("answer %d of %d options", q.Answer, len(q.Options))
				}
			}
		}
	})
}

// TestParseGoals: measurable goals beside a goal in words; the checkpoint
// counts them.
func TestParseGoals(t *testing.T) {
	src := "---\ntitle: T\nid: t\n---\n## Step: A\n```check\ngoal: the smallest net\ngoal: test_loss <= 0.177\ngoal: accuracy >= 0.95 within 500 epochs\ngoal: train 5 epochs with η = 0.01\n```\n"
	l, err := Parse("x.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	st := l.Steps[0]
	if st.Goal != "the smallest net train 5 epochs with η = 0.01" || len(st.Goals) != 2 || !st.HasCheckpoint() || len(st.Checks) != 0 {
		t.Fatalf("goal %q, goals %d, checks %d", st.Goal, len(st.Goals), len(st.Checks))
	}
	if g := st.Goals[1]; g.Src != "accuracy >= 0.95 within 500 epochs" || g.Within != 500 || g.Cond.Src != "accuracy >= 0.95" {
		t.Errorf("%+v", g)
	}
}

func FuzzParseGoal(f *testing.F) {
	for _, s := range []string{"test_loss <= 0.177", "params <= 13", "accuracy >= 0.95 within 500 epochs", "a within", "x within 1 epoch", " within  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		g, err := ParseGoal(src)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "col ") {
				t.Fatalf("error without a column: %v", err)
			}
			return
		}
		if g.Cond == nil || g.Within < 0 {
			t.Fatalf("%+v", g)
		}
	})
}
