package cli

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backprop/cli/setup"
	"backprop/internal/testkit"
)

// statusRE extracts "epoch … m N" from the status bar, in its long or its
// short (narrow terminal) form: "ep 0  b 1/4  s 1/1  update  η 2  m 1".
var statusRE = regexp.MustCompile(`ep(och)? (\d+) +b(atch)? \d+/\d+ +s(ample)? \d+/\d+ +(phase )?([a-z -]+?)( L\d+)? +η [^ ]+ +m \d+`)

// status returns the status bar's epoch and phase, or ok=false.
func status(scr string) (epoch int, phase string, ok bool) {
	sm := statusRE.FindStringSubmatch(scr)
	if sm == nil {
		return 0, "", false
	}
	epoch, _ = strconv.Atoi(sm[2])
	return epoch, sm[6], true
}

// TestTrainerE2E runs the built binary in tmux at 80×24: pick XOR in the
// launcher, step phases, run, pause, undo, save, quit; then resume from the
// saved model and check the position is the same. Every step waits for
// what the screen shows, never for a fixed time, so a loaded machine only
// makes it slower.
func TestTrainerE2E(t *testing.T) {
	x := testkit.NewTmux(t)
	_, bin := buildBinary(t)
	dir := t.TempDir()

	p := x.Start("e2e", 80, 24, dir, bin)
	p.WaitText("pick something to train")
	p.Keys("Down", "Down", "Down", "Down") // vacation, and, or, nand, xor
	p.Keys("Enter")
	p.WaitText("Topology")
	for range 8 { // load, forward ×2, cost, output delta, backward, accumulate, update
		p.Keys("Space")
	}
	scr := p.WaitFor("the update phase", func(scr string) bool {
		_, ph, ok := status(scr)
		return ok && ph == "update"
	})
	if ep, _, _ := status(scr); ep != 1 {
		t.Errorf("after one sample the status should still say epoch 1 (the epoch in progress):\n%s", scr)
	}
	if !strings.Contains(scr, "w₁ ← w₁ − (η/m)·Σ∂C/∂w₁: ") || !strings.Contains(scr, "→") {
		t.Errorf("the inspector should show the update old → new:\n%s", scr)
	}
	// Run until a whole epoch has passed, however long that takes here.
	p.Keys("r")
	p.WaitFor("run mode to finish an epoch", func(scr string) bool {
		ep, _, ok := status(scr)
		return ok && ep > 1
	})
	p.Keys("r")
	p.WaitText("paused")
	p.Keys("u")
	p.WaitText("undone")
	before := statusRE.FindString(p.Screen())
	if before == "" {
		t.Fatalf("no status bar:\n%s", p.Screen())
	}
	saved := filepath.Join(dir, "saved.json")
	p.Keys("S")
	p.WaitText("save model as")
	p.Keys("C-u")
	p.Type(saved)
	p.Keys("Enter")
	p.WaitText("saved ")
	if _, err := os.Stat(saved); err != nil {
		t.Fatalf("model not written: %v", err)
	}
	p.Keys("q")
	if st := p.WaitExit(); st != 0 {
		t.Errorf("q: exit status %d, want 0", st)
	}

	r := x.Start("resume", 80, 24, dir, bin, "--model", saved)
	scr = r.WaitFor("the resumed status bar", statusRE.MatchString)
	if after := statusRE.FindString(scr); after != before {
		t.Errorf("resumed at %q, saved at %q\n%s", after, before, scr)
	}
}

// TestTrainerSetupKeepsPreset: a flag given with --preset changes only what
// it names; the preset's hidden layers, activations and cost stay.
func TestTrainerSetupKeepsPreset(t *testing.T) {
	cases := []struct {
		args  []string
		sizes string
		acts  string
		cost  string
	}{
		{[]string{"--cost", "quadratic"}, "[4 8 3]", "[sigmoid softmax]", "quadratic"},
		{[]string{"--lr", "0.1"}, "[4 8 3]", "[sigmoid softmax]", "cross-entropy"},
		{[]string{"--layers", "_,5,_"}, "[4 5 3]", "[sigmoid softmax]", "cross-entropy"},
		{[]string{"--layers", "_,5,6,_"}, "[4 5 6 3]", "[sigmoid sigmoid softmax]", "cross-entropy"},
		{[]string{"--data", "wine"}, "[13 8 3]", "[sigmoid softmax]", "cross-entropy"},
	}
	for _, c := range cases {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		sf := setup.AddFlags(fs)
		if err := fs.Parse(c.args); err != nil {
			t.Fatal(err)
		}
		setup, err := trainerSetup(sf, "iris")
		if err != nil {
			t.Errorf("%v: %v", c.args, err)
			continue
		}
		if got := fmt.Sprint(setup.Net.Sizes); got != c.sizes {
			t.Errorf("%v: sizes %s, want %s", c.args, got, c.sizes)
		}
		if got := fmt.Sprint(setup.Net.Acts); got != c.acts {
			t.Errorf("%v: activations %s, want %s", c.args, got, c.acts)
		}
		if got := setup.Net.Cost.String(); got != c.cost {
			t.Errorf("%v: cost %s, want %s", c.args, got, c.cost)
		}
	}
}
