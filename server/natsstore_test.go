package server

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"backprop/tui/lesson"
)

// TestNATSStoreResumesElsewhere: progress and saves written on one
// instance are there on another; with NATS down a save still succeeds
// locally and reaches NATS when it returns.
func TestNATSStoreResumesElsewhere(t *testing.T) {
	n := startTestNATS(t)
	log := slog.New(slog.DiscardHandler)
	s1 := NewNATSStore(testLink(t, n, "a"), t.TempDir(), log)
	s2 := NewNATSStore(testLink(t, n, "b"), t.TempDir(), log)
	const id = "key-00aa"
	p := &lesson.Progress{Version: 1, Lessons: map[string]*lesson.LessonProgress{"perceptron": {Step: 3, Reached: 3}}}
	if err := s1.Progress(id).Save(p); err != nil {
		t.Fatal(err)
	}
	got, err := s2.Progress(id).Load()
	if err != nil || got.Lessons["perceptron"] == nil || got.Lessons["perceptron"].Step != 3 {
		t.Fatalf("progress on the other instance: %+v, %v", got, err)
	}
	if err := s1.PutUser(UserRecord{ID: id, Name: "Alice"}); err != nil {
		t.Fatal(err)
	}
	if r, ok, err := s2.User(id); !ok || err != nil || r.Name != "Alice" {
		t.Errorf("record on the other instance: %+v %v %v", r, ok, err)
	}
	if us, err := s2.Users(); err != nil || len(us) != 1 || us[0].ID != id {
		t.Errorf("Users: %+v %v", us, err)
	}

	// saves: copied up, restored elsewhere, replaced by a newer version
	dir1 := filepath.Join(t.TempDir(), "saves")
	os.MkdirAll(dir1, 0o700)
	os.WriteFile(filepath.Join(dir1, "mine.json"), []byte(`{"v":1}`), 0o600)
	os.WriteFile(filepath.Join(dir1, ".hidden"), []byte(`x`), 0o600)
	m1 := s1.mirror(id, dir1)
	if err := m1.sync(); err != nil {
		t.Fatal(err)
	}
	dir2 := filepath.Join(t.TempDir(), "saves")
	if err := s2.mirror(id, dir2).restore(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir2, "mine.json")); string(b) != `{"v":1}` {
		t.Errorf("restored %q", b)
	}
	if _, err := os.Stat(filepath.Join(dir2, ".hidden")); err == nil {
		t.Error("a hidden file was mirrored")
	}
	time.Sleep(10 * time.Millisecond) // a new modification time
	os.WriteFile(filepath.Join(dir1, "mine.json"), []byte(`{"v":2}`), 0o600)
	if err := m1.sync(); err != nil {
		t.Fatal(err)
	}
	if err := s2.mirror(id, dir2).restore(); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir2, "mine.json")); string(b) != `{"v":2}` {
		t.Errorf("restored after a change %q", b)
	}

	// NATS down: the save succeeds here, and reaches NATS once it is back
	n.e.stop()
	eventually(t, 5*time.Second, "the link down", func() bool { d, _ := s1.l.Down(); return d })
	p.Lessons["perceptron"].Step = 4
	if err := s1.Progress(id).Save(p); err != nil {
		t.Fatalf("a save while NATS is down: %v", err)
	}
	if s1.Sync() != 1 {
		t.Error("the save is not pending")
	}
	n.start(n.addr)
	eventually(t, 15*time.Second, "the pending save in NATS", func() bool { return s1.Sync() == 0 })
	eventually(t, 15*time.Second, "the other instance's link back", func() bool { d, _ := s2.l.Down(); return !d })
	got, err = s2.Progress(id).Load()
	if err != nil || got.Lessons["perceptron"].Step != 4 {
		t.Errorf("progress after the outage: %+v, %v", got.Lessons["perceptron"], err)
	}
}
