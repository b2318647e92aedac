package cli

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backprop/internal/testkit"
)

// TestXORBlowupE2E raises η on the xor preset in the built binary in tmux,
// as a learner would, until training blows up: 300 epochs at η = 2 (the
// cost low, still falling), then ] and five epochs at a time. At η = 20 an
// update saturates the sigmoids and the cost jumps; the trainer explains:
// the layer that grew fastest, its weight that moved most, and η against
// 2/λ_max. (Raised on a net trained much longer, η changes nothing: at a
// saturated minimum the gradient vanishes, and there is nothing to explain.)
func TestXORBlowupE2E(t *testing.T) {
	x := testkit.NewTmux(t)
	_, bin := buildBinary(t)
	dir := t.TempDir()
	p := x.Start("blowup", 120, 40, dir, "env", "XDG_STATE_HOME="+dir, bin, "--preset", "xor")
	p.WaitText("Topology")
	epochRE := regexp.MustCompile(`epoch (\d+)`)
	epoch := func(scr string) int {
		m := epochRE.FindAllStringSubmatch(scr, -1)
		if len(m) == 0 {
			return 0
		}
		n, _ := strconv.Atoi(m[len(m)-1][1])
		return n
	}
	for range 6 { // 300 epochs at η = 2, one e each: the cost is low, training goes on
		keys := make([]string, 50)
		for i := range keys {
			keys[i] = "e"
		}
		p.Keys(keys...)
	}
	p.WaitFor("300 epochs at η = 2", func(scr string) bool { return epoch(scr) >= 300 })
	explained := func(scr string) bool { return strings.Contains(scr, "2/λ_max") }
	for raise := 0; raise < 8 && !explained(p.Screen()); raise++ {
		p.Keys("]", "e", "e", "e", "e", "e") // η 5, 10, 20, …: five epochs each
		want := 300 + 5*(raise+1)
		p.WaitFor("the epochs", func(scr string) bool { return epoch(scr) >= want || explained(scr) })
	}
	p.WaitFor("the explanation", func(scr string) bool {
		flat := strings.Join(strings.Fields(scr), " ")
		return explained(scr) && strings.Contains(flat, "grew fastest")
	})
	flat := strings.Join(strings.Fields(p.Screen()), " ")
	for _, re := range []string{`layer \d grew fastest`, `its (w\[\d,\d\] \(neuron \d ← \d\)|bias b\[\d\]) went`, `η = [0-9.]+ [>≤] 2/λ_max = [0-9.]+`, `loss jump in epoch \d+`} {
		if !regexp.MustCompile(re).MatchString(flat) {
			t.Errorf("the explanation lacks %s:\n%s", re, p.Screen())
		}
	}
	p.Keys("q", "y")
	p.WaitExit()
}
