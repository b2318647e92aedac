package bench

import (
	"bytes"
	"math"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"backprop/network"
)

func fkey(f Funcs, keys ...string) Funcs {
	for _, k := range keys {
		var msg tea.KeyPressMsg
		switch k {
		case "tab":
			msg = tea.KeyPressMsg{Code: tea.KeyTab}
		case "left":
			msg = tea.KeyPressMsg{Code: tea.KeyLeft}
		case "right":
			msg = tea.KeyPressMsg{Code: tea.KeyRight}
		case "up":
			msg = tea.KeyPressMsg{Code: tea.KeyUp}
		case "down":
			msg = tea.KeyPressMsg{Code: tea.KeyDown}
		case "enter":
			msg = tea.KeyPressMsg{Code: tea.KeyEnter}
		default:
			r := []rune(k)[0]
			msg = tea.KeyPressMsg{Code: r, Text: k}
		}
		f, _ = f.Update(msg)
	}
	return f
}

// The bench's f(x) is the network it hands to the trainer: Value agrees
// with Predict of Network() (the engine's sigmoid is within a few ulps of
// 1/(1+e^−z)).
func TestFuncsValueIsTheNetwork(t *testing.T) {
	f, err := NewFuncs(FuncsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f = fkey(f, "b", "K", "left", "left", "tab", "J", "n", "up", "]", "w")
	net := f.Network()
	if net == nil || len(net.Layers) != 2 || net.Sizes[1] != 3 {
		t.Fatalf("network %+v, want [1,3,1]", net)
	}
	if net.Layers[1].Act != network.Linear || net.Layers[0].Act != network.Sigmoid {
		t.Fatal("want sigmoid hidden units and a linear output")
	}
	for x := -3.0; x <= 3; x += 0.25 {
		got, want := f.Value(x), net.Predict([]float64{x})[0]
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("f(%v) = %v, network gives %v", x, got, want)
		}
	}
	for k, s := range f.Steps() {
		w, b := net.Layers[0].W[k], net.Layers[0].B[k]
		if math.Abs(-b/w-s.S) > 1e-12 || net.Layers[1].W[k] != s.H {
			t.Errorf("step %d %+v: neuron w %v b %v (s = −b/w = %v), height %v", k, s, w, b, -b/w, net.Layers[1].W[k])
		}
	}
}

// Two opposite steps make a bump: at −1 and 1, heights +1 and −1, they
// fit the bump target almost exactly, while one step alone does not.
func TestFuncsTwoStepsMakeABump(t *testing.T) {
	f, err := NewFuncs(FuncsOptions{})
	if err != nil {
		t.Fatal(err)
	}
	f = fkey(f, "d") // the bump
	if f.Target().Name != "bump" {
		t.Fatalf("target %q", f.Target().Name)
	}
	f.steps = []FuncStep{{S: -1, H: 1}}
	one := f.MSE()
	f.steps = append(f.steps, FuncStep{S: 1, H: -1})
	two := f.MSE()
	if !(two < 0.01 && one > 0.2) {
		t.Errorf("MSE with one step %v, with the pair %v; want > 0.2 and < 0.01", one, two)
	}
	// softer steps blur the bump's edges
	f = fkey(f, "w", "w", "w")
	if soft := f.MSE(); !(soft > two) {
		t.Errorf("w = %v: MSE %v, want more than %v", f.W(), soft, two)
	}
}

// The keys: b adds a bump, tab moves between its steps, arrows move and
// raise, x removes, u undoes, g hands off the network.
func TestFuncsKeys(t *testing.T) {
	f, _ := NewFuncs(FuncsOptions{})
	f = fkey(f, "b")
	if s := f.Steps(); len(s) != 2 || s[0].H != 0.5 || s[1].H != -0.5 || !(s[1].S > s[0].S) {
		t.Fatalf("after b: %+v", s)
	}
	f = fkey(f, "tab", "up", "right")
	s := f.Steps()
	if math.Abs(s[1].H-(-0.4)) > 1e-9 || !(s[1].S > s[0].S) {
		t.Fatalf("after tab up right: %+v", s)
	}
	f = fkey(f, "x")
	if len(f.Steps()) != 1 {
		t.Fatalf("after x: %+v", f.Steps())
	}
	f = fkey(f, "u")
	if len(f.Steps()) != 2 {
		t.Fatalf("after u: %+v", f.Steps())
	}
	f, cmd := f.Update(tea.KeyPressMsg{Code: 'g', Text: "g"})
	if cmd == nil {
		t.Fatal("g gave no command")
	}
	msg, ok := cmd().(FuncsTrainerMsg)
	if !ok || msg.Data.Name != "sine" || msg.Net.Sizes[1] != 2 || msg.Hyper.Rule != network.Backprop {
		t.Fatalf("g: %+v", msg)
	}
	f = fkey(f, "R")
	if _, cmd := f.Update(tea.KeyPressMsg{Code: 'g', Text: "g"}); cmd != nil || !strings.Contains(f.View(80, 24), "no steps yet") {
		t.Error("g with no steps should say so")
	}
}

func TestParseCurve(t *testing.T) {
	tg, err := ParseCurve("mine.csv", strings.NewReader("x,y\n1,2\n0,1\n2,5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if !(tg.X[0] == 0 && tg.Y[0] == 1 && tg.X[2] == 2 && tg.Y[2] == 5) || tg.Lo > 0 || tg.Hi < 2 {
		t.Errorf("points %v %v range %v…%v; want sorted by x", tg.X, tg.Y, tg.Lo, tg.Hi)
	}
	for _, tc := range []struct{ text, want string }{
		{"x,y\n0,1\nabc,2\n", "mine.csv:3:1:"},
		{"x,y\n0,1\n1,zz\n", "mine.csv:3:3:"},
		{"x,y,z\n0,1,2\n1,2,3\n", "two numeric columns"},
		{"x,y\n0,1\n", "rows"},
		{"x,y\n1,1\n1,2\n", "range of x"},
	} {
		_, err := ParseCurve("mine.csv", strings.NewReader(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: err %v, want %q", tc.text, err, tc.want)
		}
	}
}

// FuzzParseCurve: any bytes give a target or an error that names the
// file; never a panic; a target's points are finite and sorted.
func FuzzParseCurve(f *testing.F) {
	f.Add([]byte("x,y\n0,1\n1,2\n"))
	f.Add([]byte("x,y\n0,1\nabc,2\n"))
	f.Add([]byte("a;b\n1;2\n3;4\n"))
	f.Add([]byte("x,y\n\"1\",2\n1e308,-1e308\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		tg, err := ParseCurve("f.csv", bytes.NewReader(data))
		if err != nil {
			if !strings.Contains(err.Error(), "f.csv") {
				t.Fatalf("error without the file name: %v", err)
			}
			return
		}
		if len(tg.X) != len(tg.Y) || len(tg.X) < 2 || !(tg.Lo < tg.Hi) {
			t.Fatalf("target %+v", tg)
		}
		for i, x := range tg.X {
			if math.IsNaN(x) || math.IsInf(x, 0) || i > 0 && x < tg.X[i-1] {
				t.Fatalf("x %v at %d", x, i)
			}
		}
	})
}
