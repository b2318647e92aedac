package tui

import (
	"slices"
	"strings"
	"testing"

	"backprop/cli/setup"
	"backprop/network"
)

// TestInitKey: i draws new weights with the next scheme (the same seed, so
// the weights are New's with that scheme), the flash says so, u undoes,
// and the other rebuild keys keep the scheme.
func TestInitKey(t *testing.T) {
	m := newTestModel(t, Options{Preset: "xor"}, 80, 24)
	seed := m.tr.sess.st.Hyper().Seed
	for i, want := range network.InitNames()[1:] {
		press(m, "i")
		net := m.tr.sess.st.Net()
		if net.Init.String() != want {
			t.Fatalf("press %d: init %v, want %s", i+1, net.Init, want)
		}
		spec := setup.SpecOf(net)
		fresh, err := network.New(spec, network.NewRand(seed))
		if err != nil {
			t.Fatal(err)
		}
		for l := range net.Layers {
			if !slices.Equal(net.Layers[l].W, fresh.Layers[l].W) || !slices.Equal(net.Layers[l].B, fresh.Layers[l].B) {
				t.Fatalf("%s: layer %d's weights are not New's with the same seed", want, l)
			}
		}
		if !strings.Contains(m.app.flash, "init: "+want) {
			t.Fatalf("flash %q does not name %s", m.app.flash, want)
		}
	}
	press(m, "l", "a") // another rebuild keeps the scheme
	if got := m.tr.sess.st.Net().Init; got != network.InitLeCun {
		t.Fatalf("after a: init %v, want lecun", got)
	}
	press(m, "i") // lecun → xavier: the preset's weights again
	if got := m.tr.sess.st.Net().Init; got != network.InitXavier {
		t.Fatalf("init %v after the last scheme, want xavier", got)
	}
	press(m, "u", "u")
	net := m.tr.sess.st.Net()
	if net.Init != network.InitLeCun {
		t.Fatalf("u u: init %v, want lecun", net.Init)
	}
}
