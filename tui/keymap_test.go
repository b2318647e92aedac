package tui

import (
	"reflect"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
)

// TestKeymapNoConflicts checks that no key is bound twice in the trainer
// (in and out of the confusion browser, in a class) and that every binding
// has help text.
func TestKeymapNoConflicts(t *testing.T) {
	all := map[string]bool{}
	for _, browse := range []bool{false, true} {
		tr := newTrainer(testApp(t), nil, &classroom{})
		tr.keys.setBrowse(browse)
		seen := map[string]string{}
		for _, group := range tr.table {
			for _, r := range group.rows {
				for _, c := range r.cmds {
					b := *c.b
					h := b.Help()
					if h.Key == "" || h.Desc == "" {
						t.Errorf("binding %v has no help", b.Keys())
					}
					if !b.Enabled() {
						continue
					}
					for _, k := range b.Keys() {
						if other, ok := seen[k]; ok && other != h.Desc {
							t.Errorf("browse %v: key %q bound to %q and %q", browse, k, other, h.Desc)
						}
						seen[k] = h.Desc
						all[k] = true
					}
				}
			}
		}
	}
	if len(all) < 40 {
		t.Errorf("only %d keys bound", len(all))
	}
}

func testApp(t *testing.T) *app {
	t.Helper()
	a, err := newApp(Options{Theme: "dark"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestKeymapComplete checks that every binding of the keymap struct appears
// in the full help (so `?` and the README show every action).
func TestKeymapComplete(t *testing.T) {
	md := KeysMarkdown()
	for _, want := range []string{"step neuron", "run/pause", "undo", "reseed", "type weight/bias", "cycle activation",
		"add hidden layer", "change dataset", "save model", "load model", "cycle theme", "quit"} {
		if !strings.Contains(md, want) {
			t.Errorf("key table lacks %q", want)
		}
	}
	fields := reflect.TypeOf(keyMap{}).NumField()
	if n := strings.Count(md, "\n") - 2; n != fields {
		t.Errorf("key table has %d rows, the keymap %d bindings: one is missing from the key table", n, fields)
	}
}

// TestKeyTableCoversKeymap checks that every binding of the trainer's
// keyMap has exactly one action in the key table.
func TestKeyTableCoversKeymap(t *testing.T) {
	tr := newTrainer(testApp(t), nil, nil)
	seen := map[*key.Binding]int{}
	for _, g := range tr.table {
		for _, r := range g.rows {
			if len(r.cmds) > 1 && r.desc == "" {
				t.Errorf("group %q: a row of %d commands needs a description", g.title, len(r.cmds))
			}
			for _, c := range r.cmds {
				seen[c.b]++
			}
		}
	}
	v := reflect.ValueOf(&tr.keys).Elem()
	for i := 0; i < v.NumField(); i++ {
		b := v.Field(i).Addr().Interface().(*key.Binding)
		if n := seen[b]; n != 1 {
			t.Errorf("binding %s (%v) has %d actions in the key table, want 1", v.Type().Field(i).Name, b.Keys(), n)
		}
	}
}
