package lesson

import (
	"testing"

	"backprop/internal/testkit"
)

// A checkpoint is judged only once the step's scene is in place: the app
// syncs right after the key that moved on, before it has run the SceneMsg,
// when the live state is still the previous step's.
func TestSyncWaitsForScene(t *testing.T) {
	a := newApp(t, t.TempDir(), Options{Start: "networks"})
	a.answerAll(true)
	for i := 0; i < 50 && !a.lesson.StepDone(); i++ {
		a.key("e") // AND converges: wrong == 0
	}
	if !a.lesson.StepDone() {
		t.Fatal("AND did not converge")
	}
	// pgdown to "OR by hand" (check: wrong == 0), then sync as the app does
	// before the scene (OR, weights 0) has been applied
	m, sceneCmd := a.lesson.Update(testkit.Key("pgdown"))
	m, _ = m.Sync(a.State())
	if m.StepDone() {
		t.Fatal("checkpoint judged against the previous step's bench (AND, wrong == 0)")
	}
	a.lesson = m
	a.run(sceneCmd)
	a.sync()
	if a.lesson.StepDone() {
		t.Fatalf("OR with zero weights passes wrong == 0 (%s)", a.bench.Problem().Name)
	}
}
