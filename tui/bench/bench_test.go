package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"

	"backprop/datasets"
	"backprop/internal/testkit"
	"backprop/network"
	"backprop/themes"
)

// press sends keys separated by spaces; "space" is the space bar.
func press(t *testing.T, m Model, keys string) (Model, []tea.Msg) {
	t.Helper()
	var msgs []tea.Msg
	for _, k := range strings.Fields(keys) {
		var cmd tea.Cmd
		m, cmd = m.Update(testkit.Key(k))
		if cmd != nil {
			msgs = append(msgs, cmd())
		}
	}
	return m, msgs
}

func newBench(t *testing.T, problem string) Model {
	t.Helper()
	m, err := New(Options{Problem: problem})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestKeySpelling(t *testing.T) {
	for _, k := range []string{"1", "tab", "shift+tab", "shift+right", "space", "R", "enter", "backspace", "ctrl+z"} {
		if got := testkit.Key(k).String(); got != k {
			t.Errorf("testkit.Key(%q).String() = %q", k, got)
		}
	}
}

func TestProblemsMatchDatasets(t *testing.T) {
	for _, p := range Problems() {
		d, err := datasets.Load(datasets.Spec{Name: p.Data, Split: 1})
		if err != nil {
			t.Fatalf("%s: %v", p.Name, err)
		}
		rows := p.Rows()
		if len(d.Train.X) != len(rows) {
			t.Fatalf("%s: datasets has %d rows, bench %d", p.Name, len(d.Train.X), len(rows))
		}
		for i, x := range d.Train.X {
			if got, want := d.Train.Y[i][0], p.Target(x); got != want {
				t.Errorf("%s: row %v: datasets says %v, bench %v", p.Name, x, got, want)
			}
		}
		if len(d.Features) != len(p.Inputs) {
			t.Errorf("%s: features %v vs inputs %v", p.Name, d.Features, p.Inputs)
		}
	}
}

func TestRows(t *testing.T) {
	p, _ := ProblemByName("vacation")
	rows := p.Rows()
	want := "[0 0 0] [0 0 1] [0 1 0] [0 1 1] [1 0 0] [1 0 1] [1 1 0] [1 1 1]"
	if got := strings.Trim(fmt.Sprint(rows), "[]"); got != strings.Trim(want, "[]") {
		t.Errorf("rows = %v", rows)
	}
	var gos []string
	for _, x := range rows {
		if p.Target(x) == 1 {
			gos = append(gos, fmt.Sprint(x))
		}
	}
	if fmt.Sprint(gos) != "[[0 1 1] [1 1 1]]" {
		t.Errorf("vacation goes on %v, want leave and weather", gos)
	}
	if _, err := ProblemByName("nope"); err == nil {
		t.Error("unknown problem accepted")
	}
}

func TestEditing(t *testing.T) {
	tests := []struct {
		keys      string
		w         []float64
		theta     float64
		x         []float64
		focus     int
		unit      Unit
		wantNote  string
		wantInput bool
	}{
		{keys: "", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}},
		{keys: "1 3", w: []float64{0, 0, 0}, x: []float64{1, 0, 1}},
		{keys: "1 1", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}},
		{keys: "+ + +", w: []float64{0.3, 0, 0}, x: []float64{0, 0, 0}},
		{keys: "right shift+right", w: []float64{1.1, 0, 0}, x: []float64{0, 0, 0}},
		{keys: "down down left", w: []float64{0, 0, -0.1}, focus: 2, x: []float64{0, 0, 0}},
		{keys: "tab tab tab >", w: []float64{0, 0, 0}, theta: 1, focus: 3, x: []float64{0, 0, 0}},
		{keys: "up <", w: []float64{0, 0, 0}, theta: -1, focus: 3, x: []float64{0, 0, 0}},
		{keys: "shift+tab shift+tab shift+left", w: []float64{0, 0, -1}, focus: 2, x: []float64{0, 0, 0}},
		{keys: "down w 1 . 2 5 enter", w: []float64{0, 1.25, 0}, focus: 1, x: []float64{0, 0, 0}},
		{keys: "w - 2 backspace 3 enter", w: []float64{-3, 0, 0}, x: []float64{0, 0, 0}},
		{keys: "w 9 esc", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}},
		{keys: "+ + + w 2 enter", w: []float64{2, 0, 0}, x: []float64{0, 0, 0}},                                      // typing replaces 0.3 (it started empty; the prompt component selects the old value)
		{keys: "+ + + w enter", w: []float64{0.3, 0, 0}, x: []float64{0, 0, 0}},                                      // enter keeps it
		{keys: "+ + + w left 5 enter", w: []float64{0.53, 0, 0}, x: []float64{0, 0, 0}},                              // ← edits it
		{keys: "w . enter", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}, wantNote: "not a number", wantInput: true}, // the prompt stays open with the reason
		{keys: "w 1", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}, wantInput: true},
		{keys: "w enter", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}}, // nothing typed: no complaint
		{keys: "w 1 e 3 0 8 enter", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}, wantNote: "1e308 is out of range: type a value from −1e+06 to 1e+06", wantInput: true},
		{keys: "w 1 e 9 9 9 enter", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}, wantNote: "1e999 is out of range", wantInput: true},
		{keys: "w - 2 e 6 enter", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}, wantNote: "-2e6 is out of range", wantInput: true},
		{keys: "w 1 e 6 enter", w: []float64{1e6, 0, 0}, x: []float64{0, 0, 0}},
		{keys: "a", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}, unit: SigmoidUnit},
		{keys: "a a", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}},
		{keys: "+ + R", w: []float64{0, 0, 0}, x: []float64{0, 0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.keys, func(t *testing.T) {
			m, _ := press(t, newBench(t, ""), tt.keys)
			if fmt.Sprint(m.Weights()) != fmt.Sprint(tt.w) || m.Threshold() != tt.theta {
				t.Errorf("w = %v θ = %v, want %v θ = %v", m.Weights(), m.Threshold(), tt.w, tt.theta)
			}
			if fmt.Sprint(m.Inputs()) != fmt.Sprint(tt.x) {
				t.Errorf("x = %v, want %v", m.Inputs(), tt.x)
			}
			if m.Focus() != tt.focus || m.Unit() != tt.unit || m.Editing() != tt.wantInput {
				t.Errorf("focus %d unit %v editing %v", m.Focus(), m.Unit(), m.Editing())
			}
			note := m.note
			if m.prompt != nil {
				note += m.prompt.Err()
			}
			if !strings.Contains(note, tt.wantNote) {
				t.Errorf("note %q, want %q", note, tt.wantNote)
			}
		})
	}
}

// The acceptance scenario: set weights so the decision follows the weather
// alone, and the truth table agrees.
func TestWeatherAlone(t *testing.T) {
	m := newBench(t, "vacation")
	// w₃ = 1, θ = 0.5
	m, _ = press(t, m, "down down shift+right down + + + + +")
	if fmt.Sprint(m.Weights()) != "[0 0 1]" || m.Threshold() != 0.5 {
		t.Fatalf("w = %v θ = %v", m.Weights(), m.Threshold())
	}
	for _, x := range m.prob.Rows() {
		if m.Decision(x) != x[2] {
			t.Errorf("decision(%v) = %v, want the weather", x, m.Decision(x))
		}
	}
	m, _ = press(t, m, "3")
	v := ansi.Strip(m.View(80, 24))
	if !strings.Contains(v, "decision GO") {
		t.Errorf("weather on: no GO in\n%s", v)
	}
	// rows with weather on but no leave are wrong against the vacation rule
	if m.Wrong() != 2 || !strings.Contains(v, "2 of 8 rows wrong") {
		t.Errorf("wrong = %d\n%s", m.Wrong(), v)
	}
}

func TestDecidingInputsMarked(t *testing.T) {
	m := newBench(t, "vacation")
	m, err := m.WithWeights([]float64{-1, 1, 1}, 1.5)
	if err != nil {
		t.Fatal(err)
	}
	rows := m.tableView() // the target rule, the header, then the rows
	// row 3 = (0,1,1): go, leave and weather decided; row 7 = (1,1,1): sum 1 ≤ 1.5: stay, tickets decided
	if r := ansi.Strip(rows[5]); !strings.Contains(r, " 0       1*    1*      │  2.00   go") || !strings.Contains(r, "go") {
		t.Errorf("row (0,1,1) = %q", r)
	}
	if r := ansi.Strip(rows[9]); !strings.Contains(r, " 1*      1     1       │  1.00   stay   go     ✗") {
		t.Errorf("row (1,1,1) = %q", r)
	}
}

func TestSigmoidConfidence(t *testing.T) {
	m := newBench(t, "vacation")
	m, _ = m.WithWeights([]float64{0, 0, 1.386294}, 0) // σ(ln 4) = 0.8
	m, _ = press(t, m, "3 a")
	v := ansi.Strip(m.View(80, 24))
	for _, want := range []string{"confidence σ(1.39) = 0.80, so 80% sure → GO", "(step: 1)"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in\n%s", want, v)
		}
	}
	if got := m.Output([]float64{0, 0, 1}); got < 0.79 || got > 0.81 {
		t.Errorf("Output = %v", got)
	}
	// Weather off: σ(0 − θ) with θ = 1.386294 is 0.2, so the unit is 80%
	// sure to stay (not "20% sure → STAY").
	m, _ = m.WithWeights([]float64{0, 0, 1.386294}, 1.386294)
	m, _ = press(t, m, "3")
	v = ansi.Strip(m.View(80, 24))
	for _, want := range []string{"confidence σ(−1.39) = 0.20, so 80% sure → STAY", "(step: 0)"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in\n%s", want, v)
		}
	}
}

func TestRuleLearnsSeparable(t *testing.T) {
	for _, name := range []string{"vacation", "and", "or", "nand"} {
		t.Run(name, func(t *testing.T) {
			m := newBench(t, name)
			for i := 0; i < 200 && m.Status() == network.Training; i++ {
				m, _ = press(t, m, "s")
				if m.note != "" {
					t.Fatalf("step %d: %s", i, m.note)
				}
			}
			if m.Status() != network.Converged || m.Wrong() != 0 {
				t.Fatalf("status %v, %d wrong after %d samples", m.Status(), m.Wrong(), m.Steps())
			}
		})
	}
}

func TestRuleFilledIn(t *testing.T) {
	m := newBench(t, "vacation")
	for i := 0; i < 40; i++ {
		m, _ = press(t, m, "s")
		if m.last != nil && m.last.Err != 0 {
			break
		}
	}
	r := m.last
	if r == nil || r.Err == 0 {
		t.Fatal("no mistake in 40 samples")
	}
	for k := range r.X {
		if want := r.OldW[k] + m.eta*r.Err*r.X[k]; r.NewW[k] != want {
			t.Errorf("w%d: %v + η(y−ŷ)x = %v, engine says %v", k+1, r.OldW[k], want, r.NewW[k])
		}
	}
	if r.NewB != r.OldB+m.eta*r.Err {
		t.Errorf("b: %v → %v with error %v", r.OldB, r.NewB, r.Err)
	}
	v := ansi.Strip(m.View(80, 24))
	if !strings.Contains(v, "w ← w + η(y − ŷ)x = "+vec(r.OldW)) {
		t.Errorf("rule not shown:\n%s", v)
	}
	// undo goes back to the weights before that step
	m, _ = press(t, m, "u")
	if fmt.Sprint(m.Weights()) != fmt.Sprint(r.OldW) {
		t.Errorf("after undo w = %v, want %v", m.Weights(), r.OldW)
	}
}

func TestXORFailsThenHiddenLayer(t *testing.T) {
	m := newBench(t, "xor")
	for i := 0; i < 400 && m.Status() == network.Training; i++ {
		m, _ = press(t, m, "e")
	}
	if m.Status() != network.NotConverging {
		t.Fatalf("status %v after %d samples", m.Status(), m.Steps())
	}
	v := ansi.Strip(m.View(80, 24))
	for _, want := range []string{"not converging", "No straight line", "Press g"} {
		if !strings.Contains(v, want) {
			t.Errorf("no %q in\n%s", want, v)
		}
	}
	m, msgs := press(t, m, "g")
	if len(msgs) != 1 {
		t.Fatalf("g: %d messages", len(msgs))
	}
	o, ok := msgs[0].(OpenTrainerMsg)
	if !ok || o.Data.Name != "xor" || fmt.Sprint(o.Net.Sizes) != "[2 3 1]" || o.Hyper.Rule != network.Backprop {
		t.Fatalf("g sent %#v", msgs[0])
	}
	_, msgs = press(t, m, "G")
	if o := msgs[0].(OpenTrainerMsg); fmt.Sprint(o.Net.Sizes) != "[2 2 1]" {
		t.Errorf("G: sizes %v", o.Net.Sizes)
	}
}

// The [2,3,1] and [2,2,1] networks the bench asks for really learn XOR by
// backprop, within 1000 epochs.
func TestHiddenLayerSolvesXOR(t *testing.T) {
	for _, k := range []string{"g", "G"} {
		m := newBench(t, "xor")
		_, msgs := press(t, m, k)
		o := msgs[0].(OpenTrainerMsg)
		d, err := datasets.Load(o.Data)
		if err != nil {
			t.Fatal(err)
		}
		net, err := network.New(o.Net, newRand(o.Hyper.Seed))
		if err != nil {
			t.Fatal(err)
		}
		train := network.Set{X: d.Train.X, Y: d.Train.Y}
		st, err := network.NewStepper(net, o.Hyper, train, network.Set{})
		if err != nil {
			t.Fatal(err)
		}
		epochs := 0
		for ; epochs < 1000; epochs++ {
			if met := st.Net().Evaluate(train); met.Accuracy == 1 && met.Loss < 0.05 {
				break
			}
			if _, err := st.Run(len(train.X)); err != nil {
				t.Fatal(err)
			}
		}
		if met := st.Net().Evaluate(train); met.Accuracy < 1 || met.Loss >= 0.05 {
			t.Errorf("%v: accuracy %v loss %v after %d epochs", o.Net.Sizes, met.Accuracy, met.Loss, epochs)
		}
		t.Logf("%v solves XOR in %d epochs", o.Net.Sizes, epochs)
	}
}

func TestProblemCycle(t *testing.T) {
	m := newBench(t, "")
	var names []string
	for range 5 {
		m, _ = press(t, m, "d")
		names = append(names, m.Problem().Name)
	}
	if got := strings.Join(names, " "); got != "and or nand xor vacation" {
		t.Errorf("d cycles %s", got)
	}
	m, _ = press(t, m, "D")
	if m.Problem().Name != "xor" {
		t.Errorf("D goes to %s", m.Problem().Name)
	}
}

func TestViewFits(t *testing.T) {
	dark, _ := themes.ByName(themes.Dark)
	for _, name := range []string{"vacation", "xor"} {
		m := newBench(t, name).WithStyles(themes.New(dark, true))
		m, _ = press(t, m, "s s w 1")
		for _, sz := range [][2]int{{80, 24}, {60, 15}, {120, 40}, {30, 8}, {1, 1}} {
			v := m.View(sz[0], sz[1])
			lines := strings.Split(v, "\n")
			if len(lines) > sz[1] {
				t.Errorf("%s %v: %d lines", name, sz, len(lines))
			}
			for _, l := range lines {
				if w := ansi.StringWidth(l); w > sz[0] {
					t.Errorf("%s %v: line %d wide: %q", name, sz, w, ansi.Strip(l))
				}
			}
		}
	}
}

func TestGoldenVacation(t *testing.T) {
	m := newBench(t, "vacation")
	m, _ = press(t, m, "down shift+right down shift+right down > + + + + + 2 3")
	golden.RequireEqual(t, ansi.Strip(m.View(80, 24)))
}

func TestGoldenXOR(t *testing.T) {
	m := newBench(t, "xor")
	for i := 0; i < 400 && m.Status() == network.Training; i++ {
		m, _ = press(t, m, "s")
	}
	golden.RequireEqual(t, ansi.Strip(m.View(80, 24)))
}

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// Short of rows, the bench keeps the truth table and drops the trace first.
func TestViewShort(t *testing.T) {
	m := newBench(t, "vacation")
	m, _ = press(t, m, "s s s s")
	v := ansi.Strip(m.View(80, 17))
	if n := strings.Count(v, "│"); n != 9 {
		t.Errorf("%d table lines at 80×17:\n%s", n, v)
	}
	if strings.Contains(v, "learn:") {
		t.Errorf("trace kept before the table:\n%s", v)
	}
	x := newBench(t, "xor")
	for range 12 {
		x, _ = press(t, x, "s")
	}
	v = ansi.Strip(x.View(80, 24))
	if !strings.Contains(v, "Press g") || !strings.Contains(v, "┌") {
		t.Errorf("80×24 XOR without plot or hint:\n%s", v)
	}
}

func TestZeroModel(t *testing.T) {
	var m Model
	m, _ = press(t, m, "1 s e g w")
	if m.View(80, 24) != "" || m.Wrong() != 0 || m.Status() != network.Training {
		t.Error("zero Model does something")
	}
}

func BenchmarkView(b *testing.B) {
	for _, name := range []string{"vacation", "xor"} {
		b.Run(name, func(b *testing.B) {
			m, err := New(Options{Problem: name})
			if err != nil {
				b.Fatal(err)
			}
			m, _ = m.Update(testkit.Key("s"))
			b.ReportAllocs()
			for b.Loop() {
				_ = m.View(80, 24)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N), "µs/frame")
		})
	}
}

// Enter on an empty prompt closes it like esc, without a "not a number" note.
func TestTypeNothing(t *testing.T) {
	m, _ := press(t, newBench(t, ""), "w enter")
	if m.Editing() || m.note != "" {
		t.Errorf("editing %v, note %q", m.Editing(), m.note)
	}
}

// The rule's position is numbered as the trainer numbers it (the epoch in
// progress, from 1) and counts its samples in good English: the bench said
// `epoch 0 · 1 samples seen` while the trainer said epoch 1.
func TestPositionLine(t *testing.T) {
	m := newBench(t, "vacation")
	for _, tc := range []struct{ keys, want string }{
		{"", "epoch 1 · no sample seen yet"},
		{"s", "epoch 1 · 1 sample seen"},
		{"s", "epoch 1 · 2 samples seen"},
		{"e", "epoch 1 · 8 samples seen"},
		{"s", "epoch 2 · 9 samples seen"},
	} {
		m, _ = press(t, m, tc.keys)
		if v := ansi.Strip(m.View(100, 30)); !strings.Contains(v, tc.want) {
			t.Errorf("after %q: no %q in\n%s", tc.keys, tc.want, v)
		}
	}
}

// R (weights back to 0) and d/D (another problem) dropped the weights set
// by hand and the rule's undo history. Now u returns to the bench as it
// was, and the note says so.
func TestResetAndProblemUndoable(t *testing.T) {
	m := newBench(t, "vacation")
	m, _ = press(t, m, "shift+right down shift+right s")
	w, th, steps := fmt.Sprint(m.Weights()), m.Threshold(), m.Steps()
	m, _ = press(t, m, "R")
	if fmt.Sprint(m.Weights()) != "[0 0 0]" || !strings.Contains(ansi.Strip(m.View(100, 30)), "u undoes") {
		t.Fatalf("R: %v\n%s", m.Weights(), ansi.Strip(m.View(100, 30)))
	}
	m, _ = press(t, m, "u")
	if fmt.Sprint(m.Weights()) != w || m.Threshold() != th || m.Steps() != steps {
		t.Fatalf("R u: w %v θ %v steps %d, want %s %v %d", m.Weights(), m.Threshold(), m.Steps(), w, th, steps)
	}
	m, _ = press(t, m, "d")
	if m.Problem().Name != "and" || !strings.Contains(ansi.Strip(m.View(100, 30)), "u returns to vacation") {
		t.Fatalf("d: %s", m.Problem().Name)
	}
	m, _ = press(t, m, "u")
	if m.Problem().Name != "vacation" || fmt.Sprint(m.Weights()) != w {
		t.Fatalf("d u: %s %v", m.Problem().Name, m.Weights())
	}
	m, _ = press(t, m, "u") // then the rule's own undo: the sample learnt
	if m.Steps() != steps-1 {
		t.Errorf("u after: steps %d, want %d", m.Steps(), steps-1)
	}
}
