package figures

import (
	"bytes"
	"math"
	"strings"
	"testing"

	"backprop/network"
)

func TestReadHistoryRoundTrip(t *testing.T) {
	want := []network.EpochStats{
		{Epoch: 1, TrainLoss: 0.5571109694609987, TrainAcc: 0.79, TestLoss: 0.7552862191773988, TestAcc: 0.59},
		{Epoch: 2, TrainLoss: 0.48, TrainAcc: 0.8, TestLoss: math.NaN(), TestAcc: math.NaN()},
		{Epoch: 7, TrainLoss: 1e-300, TrainAcc: 1, TestLoss: 2, TestAcc: 0},
	}
	got, err := ReadHistory(bytes.NewReader(network.HistoryCSV(want)), "h.csv")
	if err != nil {
		t.Fatal(err)
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	if len(got) != len(want) {
		t.Fatalf("%d epochs, want %d", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.Epoch != w.Epoch || !same(g.TrainLoss, w.TrainLoss) || !same(g.TrainAcc, w.TrainAcc) || !same(g.TestLoss, w.TestLoss) || !same(g.TestAcc, w.TestAcc) {
			t.Errorf("epoch %d: %+v, want %+v", i, g, w)
		}
	}
}

// TestReadHistoryKeras: columns are found by name (Keras's CSVLogger
// writes epoch,accuracy,loss,val_accuracy,val_loss), with a BOM and CRLF.
func TestReadHistoryKeras(t *testing.T) {
	in := "\uFEFFepoch,accuracy,loss,lr,val_accuracy,val_loss\r\n0,0.5,0.9,0.01,0.4,1.1\r\n1,0.6,0.7,0.01,0.5,0.95\r\n\r\n"
	h, err := ReadHistory(strings.NewReader(in), "keras.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[1].Epoch != 1 || h[1].TrainLoss != 0.7 || h[1].TrainAcc != 0.6 || h[1].TestLoss != 0.95 || h[1].TestAcc != 0.5 {
		t.Errorf("%+v", h)
	}
	h, err = ReadHistory(strings.NewReader("epoch,loss\n1,0.3\n"), "min.csv")
	if err != nil || len(h) != 1 || !math.IsNaN(h[0].TrainAcc) || !math.IsNaN(h[0].TestLoss) {
		t.Errorf("epoch and loss only: %+v %v", h, err)
	}
}

func TestReadHistoryErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "h.csv: empty; want a header such as epoch,loss"},
		{"epoch,accuracy\n1,0.5\n", `h.csv:1: no "loss" column`},
		{"loss\n0.5\n", `h.csv:1: no "epoch" column`},
		{"epoch,loss\n", "h.csv: a header but no epochs"},
		{"epoch,loss\n1,0.5\n2,x\n", `h.csv:3:3: loss: want a number, got "x"`},
		{"epoch,loss\n1,0.5\n1.5,0.4\n", `h.csv:3:1: epoch: want a whole number ≥ 0, got "1.5"`},
		{"epoch,loss\n2,0.5\n1,0.4\n", "h.csv:3: epoch 1 after epoch 2; want increasing epochs"},
		{"epoch,loss\n1,0.5,3\n", "h.csv:2: 3 fields; the header has 2"},
		{"epoch,loss,loss\n1,2,3\n", `h.csv:1:3: column "loss" appears twice`},
		{"epoch,loss\n1,\"0.5\n", "h.csv:2:"},
		{"epoch,loss\n1,inf\n", `loss: want a number, got "inf"`},
		{"epoch,loss\n1,\x1b[2J" + strings.Repeat("9", 100) + "\n", `got "\x1b[2J999`},
	} {
		_, err := ReadHistory(strings.NewReader(c.in), "h.csv")
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v, want %q", c.in, err, c.want)
		} else if strings.ContainsRune(err.Error(), 0x1b) || len(err.Error()) > 200 {
			t.Errorf("%q: error %q holds a raw control or is too long", c.in, err)
		}
	}
	big := strings.NewReader("epoch,loss\n" + strings.Repeat("1", MaxHistoryBytes))
	if _, err := ReadHistory(big, "big.csv"); err == nil || !strings.Contains(err.Error(), "more than 64 MiB") {
		t.Errorf("a huge file: %v", err)
	}
}

// FuzzReadHistory: any input gives epochs or an error, never a panic, and
// what it reads writes back to the same epochs.
func FuzzReadHistory(f *testing.F) {
	f.Add([]byte("epoch,loss,accuracy,val_loss,val_accuracy\n1,0.5,0.7,,\n2,0.4,0.8,0.5,0.75\n"))
	f.Add([]byte("epoch,accuracy,loss\n0,1,2\n"))
	f.Add([]byte("epoch,loss\n1,\"2\"\"\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		h, err := ReadHistory(bytes.NewReader(b), "f.csv")
		if err != nil {
			if h != nil {
				t.Fatal("epochs with an error")
			}
			return
		}
		again, err := ReadHistory(bytes.NewReader(network.HistoryCSV(h)), "again.csv")
		if err != nil || len(again) != len(h) {
			t.Fatalf("round trip: %v (%d of %d epochs)", err, len(again), len(h))
		}
		for i := range h {
			if again[i].Epoch != h[i].Epoch || math.Float64bits(again[i].TrainLoss) != math.Float64bits(h[i].TrainLoss) && !math.IsNaN(h[i].TrainLoss) {
				t.Fatalf("epoch %d: %+v became %+v", i, h[i], again[i])
			}
		}
	})
}
