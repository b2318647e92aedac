package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"backprop/tui/lesson"
)

// The built-in lessons, completed end to end through the real root model:
// the launcher's "guided lessons…" item, key presses only (and the run-mode
// ticks the app schedules for itself), every question answered, every
// checkpoint reached, progress read back from the state directory.

// lessonScripts say, step by step, what a learner does after answering the
// step's questions. Each entry is a list of actions separated by "|":
//
//	keys K K …    press these keys once each
//	until K [n]   press K until the checkpoint is reached (at most n times, default 200)
//	run           r, then deliver the app's run-mode ticks until the checkpoint, then r again
//	(empty)       nothing: a reading step, done once its questions are answered
var lessonScripts = map[string][]string{
	"perceptron": {
		"keys 2 3",              // leave and weather on
		"keys >",                // w₃ = 1 > θ = 0.5: follows the weather
		"keys up > down down >", // w₂ = 1, θ = 1.5: leave AND weather
		"keys a",                // sigmoid unit
		"until e 50",            // the rule converges on vacation
	},
	"networks": {
		"until e 50",                   // AND by the rule
		"keys > down > down + + + + +", // OR by hand: w = (1, 1), θ = 0.5
		"until e 50",                   // NAND by the rule
		"until e 50",                   // XOR: not converging
		"keys g|keys +|run",            // [2,3,1] in the trainer, 100 samples a tick, run to 100%
		"until space 10",               // feedforward: forward pass of layer 1
		"keys m|keys +|run",            // neuron maps: circle, run to 90%
	},
	"activations": {
		"until right 10", // w₃ up by 0.1 (→) until leave and weather mean go
		"until > 10",     // w₃ up by 1 until σ ≥ 0.9
		"",
		"",
	},
	"cost": {
		"until space 10", // load, forward, forward, cost
		"keys e",         // one epoch
		"keys +|run",     // 100 samples a tick, train until the loss is below 0.05
	},
	"backprop": {
		"until space 20",
		"until space 20",
		"until space 20",
		"until space 40",
	},
	"sgd": {
		"keys b",
		"keys e e e e e",
		"keys e e e e e",
		"keys e e e e e",
		"until e 200",
	},
	"deep": {
		"keys b",     // one mini-batch: the step on the surface
		"keys e",     // one epoch: the first layer's gradient ratio
		"until e 20", // to epoch 10, stuck near 50%
		"keys e",     // ReLU and He: one epoch, the ratio
		"until e 10", // 90% within 10 epochs
	},
	"smallest": {
		"",                                // reading: count the weights
		"keys left N N N N N|until e 200", // focus the hidden layer (the output has it), 8 → 3 neurons, epochs until the test loss is low enough
		"until e 50",                      // the deadline: 95% test accuracy within 50 epochs
	},
	"memory": {
		"keys space , , , , ,", // load a sequence, then forward through time to step 5
		"until , 40",           // the cost, then back through time to step 2
		"until e 30",           // echo learnt: 99% test accuracy within 30 epochs
	},
	"any-function": {
		"keys b H h h h K tab l l J", // the bump: a step up at −1.0, one down at 1.04
		"keys R b up tab L L L l l l l down b H H H H H H H H H H J down down down down down down tab H H H H H K up up up up up up", // two bumps on the sine
		"keys g|until e 50", // the trainer on those weights, 20 epochs
	},
}

// lessonOutcomes say, by lesson and step (0-based), what the state and the
// screen are once the checkpoint is reached, as the step's text and goal
// describe them — beyond the check itself. (Lesson 1's second step said "go
// only when the weather is nice (every row of the table)", its check
// follows(weather) held, and the bench still said "2 of 8 rows wrong": its
// target column was leave AND weather.) The state the text describes when
// a step opens is in the lesson files' expect: lines, which the walk
// evaluates too.
var lessonOutcomes = map[string]map[int]struct {
	cond   string // a condition in the lesson check language
	screen string // text on the screen
}{
	"perceptron": {
		0: {"decision(leave=1, weather=1) == stay", "decision STAY"},
		1: {"wrong == 0 && follows(weather)", "all rows right"},
		2: {"wrong == 0 && decision(leave=1, weather=1) == go && decision(weather=1) == stay", "all rows right"},
		3: {"unit == sigmoid", "σ(z)"},
		4: {"wrong == 0 && status == converged", "converged: a whole epoch without a mistake"},
	},
	"networks": {
		0: {"wrong == 0", "all rows right"},
		1: {"wrong == 0", "all rows right"},
		2: {"wrong == 0", "all rows right"},
		3: {"wrong > 0", "not converging: the rule cycles"},
		4: {"screen == trainer && accuracy >= 1", ""},
		5: {"phase == forward && layer == 1", "forward L2"},
		6: {"accuracy >= 0.9", ""},
	},
	"activations": {
		0: {"decision(leave=1, weather=1) == go", "decision GO"},
		1: {"sigmoid(leave=1, weather=1) >= 0.9", ""},
	},
	"cost": {
		0: {"phase == cost && epoch == 0", "cost"},
		1: {"epoch == 1", "ep 1"},
		2: {"loss < 0.05", ""},
	},
	"backprop": {
		0: {"phase == output-delta", "output-delta"},
		1: {"phase == backward && layer == 0", "backward L1"},
		2: {"phase == accumulate", "accumulate"},
		3: {"phase == update", "update"},
	},
	"deep": {
		0: {"steps == 10 && act(0) == sigmoid", "Surface"},
		1: {"epoch == 1 && grad_ratio <= 0.05 && grad_norm(0) < 0.001", "vanishing"},
		2: {"epoch == 10 && accuracy < 0.6", ""},
		3: {"epoch == 1 && grad_ratio >= 0.2 && act(0) == relu && init == he", ""},
		4: {"accuracy >= 0.9 && epoch <= 10", ""},
	},
	"memory": {
		0: {"phase == forward && time == 4", "Unrolled"},
		1: {"phase == backward && time == 1", "t 2/10"},
		2: {"test_accuracy >= 0.99 && epoch <= 30", ""},
	},
	"smallest": {
		1: {"params == 13 && test_loss <= 0.177", "2→3→1"},
		2: {"params == 13 && test_accuracy >= 0.95 && epoch <= 50", ""},
	},
	"any-function": {
		0: {"hand_steps == 2 && mse <= 0.02", "MSE"},
		1: {"preset == sine && hand_steps == 4 && mse <= 0.1", "MSE"},
		2: {"screen == trainer && params == 13 && loss <= 0.05", ""},
	},
	"sgd": {
		0: {"steps == 10 && batches == 10", "b 1/10"},
		1: {"epoch >= 5", ""},
		2: {"epoch >= 5 && eta == 0.01", "η 0.01"},
		3: {"eta == 50", "η 50"},
		4: {"accuracy >= 0.9", ""},
	},
}

// holds evaluates a condition of the lesson check language on the live
// state.
func (d *lessonDriver) holds(cond string) (bool, error) {
	c, err := lesson.ParseCheck(cond)
	if err != nil {
		return false, err
	}
	return c.Eval(d.m.live(), nil)
}

// lessonDriver feeds messages to the root model and runs the commands it
// returns, as the program would, except run-mode ticks: those are queued
// and the test delivers them (one at a time, so it can stop the run).
type lessonDriver struct {
	t     *testing.T
	m     *Model
	ticks []runTickMsg
	// completed lists the lessons reported complete, with the screen
	// right after each report
	completed       []string
	completedScreen []string
}

func (d *lessonDriver) send(msg tea.Msg) {
	_, cmd := d.m.Update(msg)
	d.flush(cmd)
}

func (d *lessonDriver) flush(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for n := 0; len(queue) > 0; n++ {
		if n > 10_000 {
			d.t.Fatal("commands keep producing commands")
		}
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
			d.t.Fatal("the app quit")
		case runTickMsg:
			d.ticks = append(d.ticks, msg)
		case lesson.CompletedMsg:
			_, next := d.m.Update(msg)
			queue = append(queue, next)
			d.completed = append(d.completed, msg.Lesson)
			d.completedScreen = append(d.completedScreen, flat(screen(d.t, d.m)))
		default:
			_, next := d.m.Update(msg)
			queue = append(queue, next)
		}
	}
}

// lessonKey builds a key press: the names helpers_test knows, and pgdown.
func lessonKey(k string) tea.KeyPressMsg {
	if k == "pgdown" {
		return tea.KeyPressMsg{Code: tea.KeyPgDown}
	}
	return keyMsg(k)
}

func (d *lessonDriver) press(keys ...string) {
	for _, k := range keys {
		d.send(lessonKey(k))
	}
}

func (d *lessonDriver) done() bool { return d.m.lesson.m.StepDone() }

// run starts run mode, delivers the ticks the app schedules until the
// checkpoint is reached, and pauses.
func (d *lessonDriver) run() {
	d.ticks = nil
	d.press("r")
	if !d.m.tr.run.on {
		d.t.Fatalf("r did not start run mode (flash %q)", d.m.app.flash)
	}
	for i := 0; i < 400 && !d.done(); i++ {
		if len(d.ticks) == 0 {
			d.t.Fatalf("run mode stopped after %d ticks (flash %q)", i, d.m.app.flash)
		}
		tick := d.ticks[0]
		d.ticks = d.ticks[1:]
		d.send(tick)
	}
	if d.m.tr.run.on {
		d.press("r")
	}
	if d.m.tr.run.on {
		d.t.Fatal("r did not pause")
	}
	d.ticks = nil
}

// appScreen is the app's screen behind the lesson (ctrl+l shows it when
// the lesson fills the screen).
func (d *lessonDriver) appScreen() string {
	if d.m.lesson.width(d.m.w) >= 0 {
		return screen(d.t, d.m)
	}
	d.m.lesson.hidden = true
	defer func() { d.m.lesson.hidden = false }()
	return screen(d.t, d.m)
}

// state is what a key that slipped past a question would change.
func (d *lessonDriver) state() string {
	m := d.m
	if m.screen == screenBench {
		return fmt.Sprintf("bench %d %v %v", m.bench.m.Steps(), m.bench.m.Weights(), m.bench.m.Inputs())
	}
	if m.tr.sess != nil {
		return fmt.Sprintf("trainer %+v", m.tr.sess.st.Pos())
	}
	return "launcher"
}

// vars lists the live variables checkpoints read, for failure messages.
func (d *lessonDriver) vars() string {
	live := d.m.live()
	var b strings.Builder
	for _, name := range []string{"screen", "preset", "unit", "wrong", "status", "phase", "layer", "epoch", "steps", "loss", "accuracy", "eta", "batch"} {
		if v, ok := live.Var(name); ok {
			if v.IsStr {
				fmt.Fprintf(&b, "%s=%s ", name, v.Str)
			} else {
				fmt.Fprintf(&b, "%s=%g ", name, v.Num)
			}
		}
	}
	return strings.TrimSpace(b.String())
}

// answer answers the step's questions, right or wrong, with a letter, a
// digit or the arrows and enter (by question), and checks that a key
// pressed before answering neither answers nor reaches the app.
func (d *lessonDriver) answer(st *lesson.Step, right bool) {
	for qi, q := range st.Questions {
		if !d.m.lesson.m.Asking() {
			d.t.Fatalf("question %d is not asked", qi)
		}
		// the step keys of the bench and the trainer neither answer nor
		// reach the app
		for _, k := range []string{"s", "space", "e"} {
			before := d.state()
			d.press(k)
			if after := d.state(); after != before || !d.m.lesson.m.Asking() {
				d.t.Fatalf("%s slipped past question %d: %s → %s (asking %v)", k, qi, before, after, d.m.lesson.m.Asking())
			}
		}
		a := q.Answer
		if !right {
			a = (a + 1) % len(q.Options)
		}
		switch qi % 3 {
		case 0:
			d.press(string(rune('a' + a)))
		case 1:
			d.press(string(rune('1' + a)))
		default:
			for range a {
				d.press("down")
			}
			d.press("enter")
		}
	}
	if d.m.lesson.m.Asking() {
		d.t.Fatal("still asking after every question was answered")
	}
}

// act runs one step's script.
func (d *lessonDriver) act(script string) {
	for _, part := range strings.Split(script, "|") {
		verb, arg, _ := strings.Cut(strings.TrimSpace(part), " ")
		switch verb {
		case "":
		case "keys":
			d.press(strings.Fields(arg)...)
		case "until":
			k, n := arg, 200
			if f := strings.Fields(arg); len(f) == 2 {
				k = f[0]
				fmt.Sscan(f[1], &n)
			}
			for i := 0; i < n && !d.done(); i++ {
				d.press(k)
			}
		case "run":
			d.run()
		default:
			d.t.Fatalf("bad script verb %q", verb)
		}
	}
}

// seedProgress marks the lessons before id completed, so the app opens id
// at its first step.
func seedProgress(t *testing.T, dir, id string) { seedProgressAt(t, dir, id, 0) }

// seedProgressAt saves progress as if the learner had quit lesson id at
// step si, after the lessons before it.
func seedProgressAt(t *testing.T, dir, id string, si int) {
	ls, err := lesson.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{}}
	for _, l := range ls {
		if l.ID == id {
			if si > 0 {
				p.Lessons[l.ID] = &lesson.LessonProgress{Step: si, Reached: si}
			}
			break
		}
		p.Lessons[l.ID] = &lesson.LessonProgress{Step: len(l.Steps) - 1, Reached: len(l.Steps), Completed: true}
	}
	if err := p.Save(dir); err != nil {
		t.Fatal(err)
	}
}

// flat joins the screen's lines inside the lesson panel's frame, so text
// wrapped over several lines can be searched.
func flat(scr string) string {
	return strings.Join(strings.Fields(strings.NewReplacer("│", " ", "╭", " ", "╮", " ", "╰", " ", "╯", " ", "─", " ").Replace(scr)), " ")
}

// openLessonsFromLauncher starts the app on the launcher and picks
// "guided lessons…", which opens the first lesson not completed.
func openLessonsFromLauncher(t *testing.T, stateDir string, w, h int) *lessonDriver {
	t.Helper()
	d := &lessonDriver{t: t, m: newTestModel(t, Options{Sandbox: true, SaveDir: t.TempDir(), StateDir: stateDir}, w, h)}
	for d.m.menu.entries()[d.m.menu.cursor].title != "guided lessons…" {
		d.press("down")
	}
	d.press("enter")
	if !d.m.lesson.on {
		t.Fatalf("no lesson after enter on the launcher:\n%s", screen(t, d.m))
	}
	return d
}

// narrowLessons run at 80×24, where the lesson takes the whole screen and
// the keys still drive the app behind it; the others at 120×40 with the
// lesson panel beside the app.
var narrowLessons = map[string]bool{"perceptron": true, "cost": true}

func TestBuiltinLessonsEndToEnd(t *testing.T) {
	ls, err := lesson.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != len(lessonScripts) {
		t.Fatalf("%d built-in lessons, %d scripts", len(ls), len(lessonScripts))
	}
	for li, l := range ls {
		t.Run(l.ID, func(t *testing.T) {
			script, ok := lessonScripts[l.ID]
			if !ok || len(script) != len(l.Steps) {
				t.Fatalf("script for %s: %d entries, lesson has %d steps", l.ID, len(script), len(l.Steps))
			}
			stateDir := t.TempDir()
			seedProgress(t, stateDir, l.ID)
			w, h := 120, 40
			if narrowLessons[l.ID] {
				w, h = 80, 24
			}
			d := openLessonsFromLauncher(t, stateDir, w, h)
			right, asked := 0, 0
			for si, step := range l.Steps {
				cur, csi := d.m.lesson.m.Lesson()
				if cur.ID != l.ID || csi != si {
					t.Fatalf("at %s step %d, want %s step %d", cur.ID, csi, l.ID, si)
				}
				if step.Scene.Screen != "" {
					want := map[string]screenID{"bench": screenBench, "trainer": screenTrainer, "functions": screenBench}[step.Scene.Screen]
					if d.m.screen != want {
						t.Fatalf("step %d %q: the scene asks for the %s, screen is %d", si, step.Title, step.Scene.Screen, d.m.screen)
					}
				}
				if d.m.app.flashErr {
					t.Fatalf("step %d %q: %s", si, step.Title, d.m.app.flash)
				}
				scr := screen(t, d.m)
				if !strings.Contains(scr, fmt.Sprintf("Lesson %d/%d", li+1, len(ls))) || !strings.Contains(scr, step.Title) {
					t.Fatalf("step %d: the lesson panel does not show the step:\n%s", si, scr)
				}
				// what the text says of the state the step opens on
				for _, e := range step.Expects {
					if ok, err := e.Eval(d.m.live(), nil); !ok || err != nil {
						t.Errorf("step %d %q: the text says %q, which does not hold (%v; %s)\n%s", si, step.Title, e.Src, err, d.vars(), screen(t, d.m))
					}
				}
				goodAnswers := si%2 == 0
				d.answer(step, goodAnswers)
				asked += len(step.Questions)
				if goodAnswers {
					right += len(step.Questions)
				}
				if len(step.Checks) > 0 && d.done() {
					t.Fatalf("step %d %q: checkpoint reached before the learner acted", si, step.Title)
				}
				d.act(script[si])
				if !d.done() {
					t.Fatalf("step %d %q: checkpoint %q not reached (%s)\n%s", si, step.Title, step.Goal,
						d.vars(), screen(t, d.m))
				}
				if len(step.Checks) > 0 && !strings.Contains(flat(screen(t, d.m)), "✓ Checkpoint reached") {
					t.Errorf("step %d: the panel does not say the checkpoint is reached:\n%s", si, screen(t, d.m))
				}
				// the state and screen the step's text describes once done
				if out, ok := lessonOutcomes[l.ID][si]; ok {
					if ok, err := d.holds(out.cond); !ok || err != nil {
						t.Errorf("step %d %q done: %q does not hold (%v; %s)\n%s", si, step.Title, out.cond, err, d.vars(), screen(t, d.m))
					}
					if scr := d.appScreen(); !strings.Contains(scr, out.screen) {
						t.Errorf("step %d %q done: the screen does not say %q:\n%s", si, step.Title, out.screen, scr)
					}
				} else if len(step.Checks) > 0 {
					t.Errorf("step %d %q: no entry in lessonOutcomes", si, step.Title)
				}
				if si < len(l.Steps)-1 {
					d.press("pgdown")
				}
			}

			// the progress file says completed, with the score
			p, err := lesson.LoadProgress(stateDir)
			if err != nil {
				t.Fatal(err)
			}
			lp := p.Lessons[l.ID]
			if lp == nil || !lp.Completed || lp.Reached != len(l.Steps) {
				t.Fatalf("saved progress for %s: %+v", l.ID, lp)
			}
			if r, n := lp.Score(); r != right || n != asked {
				t.Errorf("saved score %d/%d, want %d/%d", r, n, right, asked)
			}
			// and so does the screen: the app's flash when the lesson
			// reports completion, and the lesson panel
			if len(d.completed) != 1 || d.completed[0] != l.ID {
				t.Fatalf("completed %v, want [%s]", d.completed, l.ID)
			}
			if want := fmt.Sprintf("lesson %q complete", l.ID); !strings.Contains(d.completedScreen[0], want) {
				t.Errorf("no %q on the screen when the lesson completed:\n%s", want, d.completedScreen[0])
			}
			scr := flat(screen(t, d.m))
			want := "Lesson complete!"
			if asked > 0 {
				want += fmt.Sprintf(" %d of %d predictions right.", right, asked)
			}
			if !strings.Contains(scr, want) {
				t.Errorf("final screen lacks %q:\n%s", want, screen(t, d.m))
			}

			// pgdn goes on to the next lesson's first step, its scene in place
			if li+1 < len(ls) {
				d.press("pgdown")
				next := ls[li+1]
				cur, csi := d.m.lesson.m.Lesson()
				if cur.ID != next.ID || csi != 0 {
					t.Fatalf("pgdn after %s: at %s step %d", l.ID, cur.ID, csi)
				}
				if d.m.app.flashErr {
					t.Errorf("next lesson's scene: %s", d.m.app.flash)
				}
				if sc := next.Steps[0].Scene; sc.Screen == "bench" && (d.m.screen != screenBench || d.m.bench.m.Problem().Name != sc.Preset) ||
					sc.Screen == "trainer" && (d.m.screen != screenTrainer || d.m.tr.sess.preset != sc.Preset) {
					t.Errorf("next lesson %s: scene %+v not applied (screen %d)", next.ID, sc, d.m.screen)
				}
			}
			if li+1 == len(ls) {
				d.press("pgdown")
				if cur, csi := d.m.lesson.m.Lesson(); cur.ID != l.ID || csi != len(l.Steps)-1 ||
					!strings.Contains(flat(screen(t, d.m)), "that was the last lesson") {
					t.Errorf("pgdn after the last lesson: at %s step %d\n%s", cur.ID, csi, screen(t, d.m))
				}
			}
		})
	}
}

// A learner who quits in the middle of a lesson comes back to the same step
// with its scene set up — including steps that have no scene of their own
// and build on the ones before (the truth table, "drive the cost down").
func TestLessonResumeAtSavedStep(t *testing.T) {
	ls, err := lesson.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		for si := 1; si < len(l.Steps); si++ {
			t.Run(fmt.Sprintf("%s/%d", l.ID, si), func(t *testing.T) {
				stateDir := t.TempDir()
				seedProgressAt(t, stateDir, l.ID, si)
				d := openLessonsFromLauncher(t, stateDir, 120, 40)
				if cur, csi := d.m.lesson.m.Lesson(); cur.ID != l.ID || csi != si {
					t.Fatalf("resumed at %s step %d", cur.ID, csi)
				}
				// the screen and preset the steps up to si set up
				wantScreen, wantPreset := "", ""
				for _, st := range l.Steps[:si+1] {
					wantScreen = cmpOr(st.Scene.Screen, wantScreen)
					wantPreset = cmpOr(st.Scene.Preset, wantPreset)
				}
				if v, _ := d.m.live().Var("screen"); v.Str != wantScreen {
					t.Fatalf("screen %q, want %q", v.Str, wantScreen)
				}
				if v, _ := d.m.live().Var("preset"); wantScreen == "bench" && v.Str != wantPreset ||
					wantScreen == "trainer" && d.m.tr.sess.preset != wantPreset {
					t.Errorf("preset %q (session %q), want %q", v.Str, d.m.tr.sess.preset, wantPreset)
				}
				if d.m.app.flashErr {
					t.Errorf("flash: %s", d.m.app.flash)
				}
			})
		}
	}
	// and the step can be done from there: "drive the cost down" trains
	t.Run("cost/2 completes", func(t *testing.T) {
		stateDir := t.TempDir()
		seedProgressAt(t, stateDir, "cost", 2)
		d := openLessonsFromLauncher(t, stateDir, 120, 40)
		l, _ := d.m.lesson.m.Lesson()
		d.answer(l.Steps[2], true)
		d.act(lessonScripts["cost"][2])
		if !d.done() || len(d.completed) != 1 {
			t.Fatalf("not completed (%s)", d.vars())
		}
	})
}

// Moving between lessons in the middle of one sets up the scenes before the
// step too: pgup from a lesson's first step into the previous lesson's last
// one, and pgdn into a lesson the learner had left at a later step. And a
// scene without a screen stays on its lesson's screen: pgup from the
// trainer the learner opened with g goes back to the XOR bench.
func TestLessonEnteredMidway(t *testing.T) {
	t.Run("pgup from the trainer to a bench step", func(t *testing.T) {
		stateDir := t.TempDir()
		seedProgressAt(t, stateDir, "networks", 4)
		d := openLessonsFromLauncher(t, stateDir, 120, 40)
		l, si := d.m.lesson.m.Lesson()
		d.answer(l.Steps[si], true)
		d.press("g")
		if d.m.screen != screenTrainer {
			t.Fatalf("g: screen %d", d.m.screen)
		}
		d.press("pgup")
		if _, si := d.m.lesson.m.Lesson(); si != 3 {
			t.Fatalf("pgup: step %d", si)
		}
		if d.m.screen != screenBench || d.m.bench.m.Problem().Name != "xor" {
			t.Fatalf("XOR step: screen %d (%s), want the XOR bench", d.m.screen, d.vars())
		}
		d.answer(l.Steps[3], true)
		d.act(lessonScripts["networks"][3])
		if !d.done() {
			t.Fatalf("checkpoint not reached (%s)", d.vars())
		}
	})
	t.Run("pgup into the previous lesson", func(t *testing.T) {
		stateDir := t.TempDir()
		seedProgress(t, stateDir, "networks")
		d := openLessonsFromLauncher(t, stateDir, 120, 40)
		d.press("pgup") // while the first question is open
		l, si := d.m.lesson.m.Lesson()
		if l.ID != "perceptron" || si != len(l.Steps)-1 {
			t.Fatalf("pgup: at %s step %d", l.ID, si)
		}
		// "Let it learn" sets weights and θ only: on the vacation bench,
		// not on the AND bench networks left behind
		if d.m.app.flashErr || d.m.screen != screenBench || d.m.bench.m.Problem().Name != "vacation" {
			t.Fatalf("screen %d problem %s flash %q", d.m.screen, d.m.bench.m.Problem().Name, d.m.app.flash)
		}
		d.answer(l.Steps[si], true)
		d.act(lessonScripts["perceptron"][si])
		if !d.done() {
			t.Fatalf("checkpoint not reached (%s)", d.vars())
		}
	})
	t.Run("pgdn into a lesson left midway", func(t *testing.T) {
		stateDir := t.TempDir()
		p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{
			"perceptron": {Step: 4, Reached: 4},
			"networks":   {Step: 4, Reached: 4}, // "Add a hidden layer": no scene of its own
		}}
		if err := p.Save(stateDir); err != nil {
			t.Fatal(err)
		}
		d := openLessonsFromLauncher(t, stateDir, 120, 40)
		l, si := d.m.lesson.m.Lesson()
		if l.ID != "perceptron" || si != 4 {
			t.Fatalf("opened at %s step %d", l.ID, si)
		}
		d.answer(l.Steps[si], true)
		d.act(lessonScripts["perceptron"][si])
		d.press("pgdown")
		if l, si := d.m.lesson.m.Lesson(); l.ID != "networks" || si != 4 {
			t.Fatalf("pgdn: at %s step %d", l.ID, si)
		}
		if d.m.app.flashErr || d.m.screen != screenBench || d.m.bench.m.Problem().Name != "xor" {
			t.Fatalf("screen %d problem %s flash %q, want the XOR bench", d.m.screen, d.m.bench.m.Problem().Name, d.m.app.flash)
		}
	})
}

// The scene of a step the learner already left (commands run concurrently,
// so after quick pgdn/pgup it can arrive late) does not undo the current
// step's set-up.
func TestLessonLateScene(t *testing.T) {
	stateDir := t.TempDir()
	d := openLessonsFromLauncher(t, stateDir, 120, 40)
	l, _ := d.m.lesson.m.Lesson()
	d.answer(l.Steps[0], true)
	d.act(lessonScripts["perceptron"][0])
	d.press("pgdown")
	d.answer(l.Steps[1], true)
	d.act(lessonScripts["perceptron"][1]) // w₃ = 1
	before := d.state()
	d.send(lesson.SceneMsg{Lesson: l.ID, Step: 0, Scene: l.Steps[0].Scene}) // weights 0 0 0, inputs off
	if after := d.state(); after != before || !d.done() {
		t.Errorf("the first step's late scene changed the bench: %s → %s (step done %v)", before, after, d.done())
	}
}

// A lesson scene's pane: names the trainer's tabbed panes, each of them,
// in the order of the tabs.
func TestLessonPaneNames(t *testing.T) {
	var names []string
	for _, k := range tabbedPanes() {
		names = append(names, strings.ToLower(k.String()))
	}
	if got := lesson.PaneNames(); strings.Join(got, " ") != strings.Join(names, " ") {
		t.Errorf("lesson.PaneNames() = %v, the trainer's tabs are %v", got, names)
	}
	for _, n := range names {
		if k := paneNamed(n); strings.ToLower(k.String()) != n {
			t.Errorf("paneNamed(%q) = %v", n, k)
		}
	}
}
