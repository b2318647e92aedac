package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestLRStep(t *testing.T) {
	tests := []struct {
		eta  float64
		up   bool
		want float64
	}{
		{0.5, true, 1}, {1, true, 2}, {2, true, 5}, {5, true, 10}, {3, true, 5},
		{0.5, false, 0.2}, {1, false, 0.5}, {2, false, 1}, {3, false, 2}, {0.01, false, 0.005},
		{0, true, 0.1}, {-1, false, 0.1},
	}
	for _, tc := range tests {
		if got := lrStep(tc.eta, tc.up); got < tc.want*(1-1e-9) || got > tc.want*(1+1e-9) {
			t.Errorf("lrStep(%g, %v) = %g, want %g", tc.eta, tc.up, got, tc.want)
		}
	}
}

func TestResolvePath(t *testing.T) {
	tests := []struct {
		typed   string
		sandbox bool
		want    string
		wantErr bool
	}{
		{"m.json", false, "m.json", false},
		{"/tmp/x/m.json", false, "/tmp/x/m.json", false},
		{"", false, "", true},
		{"m.json", true, "/save/m.json", false},
		{"../m.json", true, "", true},
		{"/etc/passwd", true, "", true},
		{"a/b.json", true, "", true},
		{".hidden", true, "", true},
		{"..", true, "", true},
	}
	for _, tc := range tests {
		got, err := resolvePath(tc.typed, tc.sandbox, "/save")
		if (err != nil) != tc.wantErr || got != tc.want {
			t.Errorf("resolvePath(%q, %v) = %q, %v; want %q, err %v", tc.typed, tc.sandbox, got, err, tc.want, tc.wantErr)
		}
	}
	if _, err := resolvePath("m.json", true, ""); err == nil {
		t.Error("sandbox without a save dir: no error")
	}
}

// TestNoisePrompt: the z prompt states and checks the same noise range as
// --noise (setup.NoiseRange), and refuses noise for data that isn't
// generated.
func TestNoisePrompt(t *testing.T) {
	ctrlU := tea.KeyPressMsg{Code: 'u', Mod: tea.ModCtrl}
	m := newTestModel(t, Options{Preset: "circle"}, 120, 40)
	press(m, "z")
	if scr := screen(t, m); !strings.Contains(scr, "noise (0..0.5): 0.1") {
		t.Fatalf("z prompt:\n%s", scr)
	}
	send(m, ctrlU)
	typeText(m, "0.7")
	press(m, "enter")
	if scr := screen(t, m); !strings.Contains(scr, "noise must be in 0..0.5, got 0.7") {
		t.Errorf("noise 0.7 accepted or not explained:\n%s", scr)
	}
	send(m, ctrlU)
	typeText(m, "0.3")
	press(m, "enter")
	if got := m.tr.sess.setup.Data.Noise; got != 0.3 {
		t.Errorf("noise 0.3: data noise %g", got)
	}

	m = newTestModel(t, Options{Preset: "xor"}, 120, 40)
	press(m, "z")
	send(m, ctrlU)
	typeText(m, "0.1")
	press(m, "enter")
	if scr := screen(t, m); !strings.Contains(scr, `"xor" is not generated data: it has no noise`) {
		t.Errorf("noise on xor accepted or not explained:\n%s", scr)
	}
}
