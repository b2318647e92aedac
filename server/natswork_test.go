package server

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"backprop/network"
	"backprop/tui"
)

// mnistModel is a model file of a 784-30-10 sigmoid network (~0.2 MB).
func mnistModel(t testing.TB, seed uint64) []byte {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 1))
	var b strings.Builder
	b.WriteString(`{"format":"backprop/model","version":1,"inputs":784,"cost":"quadratic","layers":[`)
	for li, sz := range [][2]int{{30, 784}, {10, 30}} {
		if li > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"activation":"sigmoid","weights":[`)
		for i := range sz[0] {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString("[")
			for j := range sz[1] {
				if j > 0 {
					b.WriteString(",")
				}
				fmt.Fprintf(&b, "%.5f", rng.NormFloat64()/28)
			}
			b.WriteString("]")
		}
		b.WriteString(`],"biases":[` + strings.TrimSuffix(strings.Repeat("0,", sz[0]), ",") + `]}`)
	}
	b.WriteString("]}")
	data := []byte(b.String())
	if _, err := network.ParseModel(data); err != nil {
		t.Fatal(err)
	}
	return data
}

// TestSharedClassBigWork: a student's network over the inline limit (an
// MNIST-sized one) keeps its row on the other instances' rosters, with
// the wall's summary; the teacher's instance fetches the network from the
// object store when it is opened, checked; a newer network replaces it at
// most every workObjEvery, in at most two objects per student and
// instance; a student who left keeps theirs on the roster.
func TestSharedClassBigWork(t *testing.T) {
	n := startTestNATS(t)
	a, b := sharedHub(t, n, "a"), sharedHub(t, n, "b")
	prof := a.JoinAs(MemberInfo{ID: "key-prof", Name: "prof", Teacher: true})
	ann := b.JoinAs(MemberInfo{ID: "key-ann", Name: "Ann"})
	model := mnistModel(t, 1)
	if len(model) <= natsRosterValueMax {
		t.Fatalf("the model is %d bytes, not over the row limit %d", len(model), natsRosterValueMax)
	}
	ann.SetWork(&tui.ClassWork{Preset: "mnist", Epoch: 2, Status: "training", Accuracy: 0.91, Loss: []float64{0.3, 0.2},
		Model: model, At: time.Now()})
	var row tui.ClassMember
	eventually(t, 10*time.Second, "Ann's work on the teacher's roster, fetchable", func() bool {
		r, ok := rosterRow(prof, "key-ann")
		row = r
		return ok && r.Work != nil && r.Work.FetchModel != nil
	})
	if row.Work.Accuracy != 0.91 || row.Work.Epoch != 2 || len(row.Work.Model) != 0 {
		t.Errorf("the wall's summary: %+v", row.Work)
	}
	got, err := row.Work.FetchModel()
	if err != nil || !bytes.Equal(got, model) {
		t.Fatalf("fetched %d bytes (want %d): %v", len(got), len(model), err)
	}
	// opened again (the open tile reloads at each report): from memory
	probe := testLink(t, n, "probe")
	ctx := context.Background()
	var objs []string
	infos, _ := probe.models.List(ctx)
	for _, i := range infos {
		if strings.HasPrefix(i.Name, "class/c1/work/") {
			objs = append(objs, i.Name)
		}
	}
	if len(objs) != 1 {
		t.Fatalf("work objects: %v", objs)
	}
	saved, err := probe.models.GetBytes(ctx, objs[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := probe.models.Delete(ctx, objs[0]); err != nil {
		t.Fatal(err)
	}
	if got, err := row.Work.FetchModel(); err != nil || !bytes.Equal(got, model) {
		t.Errorf("fetched again: %d bytes, %v", len(got), err)
	}
	if _, err := probe.models.PutBytes(ctx, objs[0], saved); err != nil {
		t.Fatal(err)
	}
	// a newer network replaces it (within workObjEvery)
	model2 := mnistModel(t, 2)
	ann.SetWork(&tui.ClassWork{Preset: "mnist", Epoch: 3, Status: "training", Accuracy: 0.93, Model: model2, At: time.Now()})
	eventually(t, workObjEvery+10*time.Second, "the newer network", func() bool {
		r, ok := rosterRow(prof, "key-ann")
		if !ok || r.Work == nil || r.Work.Epoch != 3 || r.Work.FetchModel == nil {
			return false
		}
		got, err := r.Work.FetchModel()
		return err == nil && bytes.Equal(got, model2)
	})
	// the objects are bounded to two slots
	l := probe
	names := func() []string {
		var out []string
		infos, _ := l.models.List(ctx)
		for _, i := range infos {
			if strings.HasPrefix(i.Name, "class/c1/work/") {
				out = append(out, i.Name)
			}
		}
		return out
	}
	if ns := names(); len(ns) > 2 {
		t.Errorf("work objects: %v", ns)
	}
	// a student who left stays on the roster as gone: their network still opens
	ann.Leave()
	eventually(t, 10*time.Second, "Ann gone, her network still there", func() bool {
		r, ok := rosterRow(prof, "key-ann")
		if !ok || r.Sessions != 0 || r.Work == nil || r.Work.FetchModel == nil {
			return false
		}
		got, err := r.Work.FetchModel()
		return err == nil && bytes.Equal(got, model2)
	})
	if ns := names(); len(ns) > 2 {
		t.Errorf("work objects after Ann left: %v", ns)
	}
}
