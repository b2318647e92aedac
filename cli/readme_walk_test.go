package cli

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"backprop/internal/testkit"
)

// readmeWalk is a <!-- walk: … --> marker: start the trainer with args in
// a w×h terminal, press keys (as the README spells them), and the screen
// is the block under it.
type readmeWalk struct {
	w, h int
	args []string
	keys []string
	pane string // "": the whole screen; else the inside of the pane of that title
}

var walkArgRE = regexp.MustCompile(`(\w+)=("[^"]*"|\S+)`)

func parseWalk(s string) (readmeWalk, error) {
	var w readmeWalk
	for _, m := range walkArgRE.FindAllStringSubmatch(s, -1) {
		v := strings.Trim(m[2], `"`)
		switch m[1] {
		case "size":
			if _, err := fmt.Sscanf(v, "%dx%d", &w.w, &w.h); err != nil {
				return w, fmt.Errorf("size %q: want WxH", v)
			}
		case "args":
			w.args = strings.Fields(v)
		case "keys":
			w.keys = strings.Fields(v)
		case "pane":
			w.pane = v
		default:
			return w, fmt.Errorf("unknown walk field %q", m[1])
		}
	}
	if w.w == 0 || w.h == 0 {
		return w, fmt.Errorf("no size")
	}
	return w, nil
}

// tmuxKey is a key as the README names it, in tmux's words.
func tmuxKey(k string) string {
	switch k {
	case "space", "enter", "tab", "up", "down", "left", "right":
		return strings.ToUpper(k[:1]) + k[1:]
	case "esc":
		return "Escape"
	}
	return k
}

// TestREADMEWalks follows each of the README's walk-throughs literally in
// tmux, with the built binary, and compares the screen with the capture
// the README shows under it.
func TestREADMEWalks(t *testing.T) {
	specs, blocks := marked(t, "walk")
	if len(specs) == 0 {
		t.Fatal("no <!-- walk: … --> in README.md")
	}
	x := testkit.NewTmux(t)
	_, bin := buildBinary(t)
	got := make([]string, len(blocks))
	for i, spec := range specs {
		b := blocks[i]
		w, err := parseWalk(spec)
		if err != nil {
			t.Fatalf("README.md:%d: %v", b.line-1, err)
		}
		home := t.TempDir()
		argv := append([]string{"HOME=" + home, "XDG_STATE_HOME=" + filepath.Join(home, "state"), bin}, w.args...)
		p := x.Start(fmt.Sprintf("walk%d", i), w.w, w.h, home, argv...)
		p.WaitFor("the first screen", func(scr string) bool { return strings.TrimSpace(scr) != "" })
		for _, k := range w.keys {
			before := p.Screen()
			p.Keys(tmuxKey(k))
			if k == "esc" { // esc then a key at once reads as alt+key: wait for esc's effect
				p.WaitFor("esc to act", func(scr string) bool { return scr != before })
			}
		}
		want := normalise(b.body)
		got[i] = poll(p, want, w.pane)
		if got[i] != want {
			t.Errorf("README.md:%d: following %q does not give the capture shown:\n%s\nthe app shows:\n%s", b.line, spec, diffLines(want, got[i]), got[i])
		}
		p.Kill()
	}
	if updateREADME(t, blocks, got) {
		t.Log("README.md: captures rewritten")
	}
}

// poll waits until the pane shows want (the app draws the keys' effects
// one by one) and returns the last screen, normalised.
func poll(p *testkit.Pane, want, pane string) string {
	deadline := time.Now().Add(20 * time.Second)
	var got, last string
	stable := 0
	for time.Now().Before(deadline) {
		got = normalise(crop(p.Screen(), pane))
		if got == want {
			return got
		}
		// a screen that stays the same for a while is the final one
		if got == last {
			if stable++; stable > 250 {
				return got
			}
		} else {
			stable = 0
		}
		last = got
		time.Sleep(20 * time.Millisecond)
	}
	return got
}

// crop is the inside of the pane titled pane on scr (its frame's lines
// between the corners), or scr when pane is "".
func crop(scr, pane string) string {
	if pane == "" {
		return scr
	}
	lines := strings.Split(scr, "\n")
	for y, l := range lines {
		i := strings.Index(l, "╭─ "+pane+" ")
		if i < 0 {
			continue
		}
		x := len([]rune(l[:i]))
		top := []rune(l)
		end := x + 1
		for end < len(top) && top[end] != '╮' {
			end++
		}
		var out []string
		for _, row := range lines[y+1:] {
			r := []rune(row)
			if x >= len(r) || r[x] != '│' || end > len(r) {
				break
			}
			out = append(out, string(r[x+1:end]))
		}
		return strings.Join(out, "\n")
	}
	return ""
}
