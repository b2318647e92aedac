package panes

import (
	"math"
	"testing"

	"backprop/network"
	"backprop/themes"
)

// compareInput is the Compare pane at the size a 120×40 screen gives it
// (the middle column, 34×36 inside), four twins of epochs epochs each.
func compareInput(epochs int) Input {
	cv := &CompareView{Focus: 1}
	for i, label := range []string{"η=0.5", "η=2", "η=0.5 momentum", "η=0.5 adam"} {
		tw := CompareTwin{Name: string(rune('A' + i)), Color: i, Label: label}
		for e := range epochs {
			l := math.Exp(-float64(e*(i+1))/40) + 0.01*float64(e%7)
			tw.History = append(tw.History, network.EpochStats{Epoch: e + 1, TrainLoss: l, TestLoss: l * 1.1,
				TrainAcc: 1 - l/2, TestAcc: 1 - l/1.8})
		}
		cv.Twins = append(cv.Twins, tw)
	}
	return Input{W: 34, H: 36, Compare: cv, Styles: darkStyles()}
}

// BenchmarkCompare120x40 draws the Compare pane: paused (the charts
// memoised) and running (a new epoch every frame: both charts redrawn).
func BenchmarkCompare120x40(b *testing.B) {
	for _, epochs := range []int{10, 500} {
		b.Run("paused/"+itoa(epochs)+"-epochs", func(b *testing.B) {
			benchPane(b, Compare, compareInput(epochs))
		})
		b.Run("running/"+itoa(epochs)+"-epochs", func(b *testing.B) {
			in := compareInput(epochs)
			in.Cache = &Cache{}
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				h := in.Compare.Twins[0].History
				h[len(h)-1].TrainLoss += 1e-9
				_ = Compare(in)
			}
			report(b, cpu0)
		})
	}
}

func itoa(n int) string {
	s := ""
	for {
		s = string(rune('0'+n%10)) + s
		n /= 10
		if n == 0 {
			return s
		}
	}
}

func darkStyles() *themes.Styles {
	p, _ := themes.ByName("dark")
	return themes.New(p, true)
}
