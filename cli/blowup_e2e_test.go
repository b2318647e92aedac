package cli

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"backprop/internal/testkit"
)

// TestXORBlowupE2E is issue 19's acceptance, in the built binary in tmux
// at 120×40: on --preset xor a learner raises η with ] and runs (r) some
// 40 epochs at each, until training blows up. The run pauses by itself
// and the explanation names the layer that grew fastest, its weight that
// moved most, the updates since the blow-up began and η against 2/λ_max
// (at the weights before it began).
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
	eta := ""
	for raise := 0; raise < 8 && !explained(p.Screen()); raise++ {
		start := epoch(p.Screen())
		p.Keys("]")
		eta = p.WaitFor("η raised", func(scr string) bool { return strings.Contains(scr, "η: ") })
		p.Keys("r")
		scr := p.WaitFor("40 epochs or a pause", func(scr string) bool { return epoch(scr) >= start+40 || explained(scr) })
		if !explained(scr) {
			p.Keys("r")
			p.WaitFor("the pause", func(scr string) bool { return strings.Contains(scr, "⏸") })
		}
	}
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
	t.Logf("after %s:\n%s", eta[strings.LastIndex(eta, "η: "):], scr)
	p.Keys("q", "y")
	p.WaitExit()
}
