package cli

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backprop/internal/testkit"
)

// TestXORBlowupE2E is issue 19's acceptance, in the built binary in tmux
// at 120×40: on --preset xor a learner trains 100 epochs at η 2 (e, one
// epoch a press), raises η with ] to 5, 10 and 20 with 20 epochs at each,
// then to 50 and runs (r). Training blows up (the sigmoids saturate, the
// cost jumps from under 0.1 to 0.25); the run pauses by itself and the
// explanation names the layer that grew fastest, its weight that moved
// most, the updates since the blow-up began and η against 2/λ_max at the
// weights before it began. The steps are keys, so the path is the same
// every time (run equals stepping; where a tick ends does not matter).
func TestXORBlowupE2E(t *testing.T) {
	x := testkit.NewTmux(t)
	_, bin := buildBinary(t)
	dir := t.TempDir()
	p := x.Start("blowup", 120, 40, dir, "env", "XDG_STATE_HOME="+dir, bin, "--preset", "xor")
	p.WaitText("Topology")
	epochRE := regexp.MustCompile(`epoch (\d+) +batch`)
	epoch := func(scr string) int {
		m := epochRE.FindAllStringSubmatch(scr, -1)
		if len(m) == 0 {
			return 0
		}
		n, _ := strconv.Atoi(m[len(m)-1][1])
		return n
	}
	flat := func(scr string) string { return strings.Join(strings.Fields(scr), " ") }
	explained := func(scr string) bool { return strings.Contains(flat(scr), "2/λ_max") }
	done := 0
	epochs := func(n int) { // e n times: epoch done+n is done
		done += n
		want := done
		for range n {
			p.Keys("e")
		}
		p.WaitFor(fmt.Sprintf("epoch %d", want), func(scr string) bool { return epoch(scr) >= want })
	}
	epochs(100)
	for _, eta := range []string{"5", "10", "20"} {
		p.Keys("]")
		p.WaitFor("η "+eta, func(scr string) bool { return strings.Contains(scr, "η "+eta+" ") })
		epochs(20)
	}
	if explained(p.Screen()) {
		t.Fatalf("explained before η 50:\n%s", p.Screen())
	}
	p.Keys("]")
	p.WaitFor("η 50", func(scr string) bool { return strings.Contains(scr, "η 50 ") })
	p.Keys("r")
	scr := p.WaitFor("the explanation", func(scr string) bool {
		return explained(scr) && strings.Contains(flat(scr), "grew fastest")
	})
	f := flat(scr)
	for _, re := range []string{
		`loss jump in epoch \d+, batch \d: .* the (last update|\d+ updates since epoch \d+, batch \d) took the cost of 4 training samples from [0-9.]+ to [0-9.]+`,
		`layer \d grew fastest \(‖w‖ ×[0-9.]+ in (one step|\d+ updates)\); its (w\[\d,\d\] \(neuron \d ← \d\)|bias b\[\d\]) went`,
		`η = [0-9.]+ [>≤] 2/λ_max = [0-9.]+`,
		`⏸`,
	} {
		if !regexp.MustCompile(re).MatchString(f) {
			t.Errorf("the explanation lacks %s:\n%s", re, scr)
		}
	}
	t.Logf("\n%s", scr)
	p.Keys("q", "y")
	p.WaitExit()
}
