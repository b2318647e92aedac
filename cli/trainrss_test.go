package cli

import (
	"strings"
	"testing"

	"backprop/internal/testkit"
)

// TestTrainMNISTRSS: `train` on the full MNIST preset (50,000 images, one
// epoch, every core) peaks under 300 MB resident: the images are held as
// bytes (about 47 MB), not float64 rows (376 MB; the peak was about
// 410–465 MB). The peak comes from a launcher child (runLimitedEnv).
func TestTrainMNISTRSS(t *testing.T) {
	dir := testkit.MNISTDir(t)
	_, bin := buildBinary(t)
	r := runLimited(t, 8<<30, bin, "train", "--data", "mnist", "--data-dir", dir, "--layers", "784,30,10",
		"--lr", "3", "--batch", "10", "--epochs", "1")
	if r.code != 0 || !strings.Contains(r.stdout, "Final test:") {
		t.Fatalf("exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	t.Logf("train on MNIST: peak RSS %.0f MB", float64(r.maxRSS)/1e6)
	if r.maxRSS <= 0 || r.maxRSS >= 300e6 {
		t.Errorf("peak RSS %d bytes, want under 300 MB", r.maxRSS)
	}
}
