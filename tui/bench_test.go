package tui

import (
	"testing"
	"time"

	"backprop/cli/setup"
	"backprop/datasets"
	"backprop/network"
)

// BenchmarkViewDigits120x40 times one full frame of the digits preset at
// 120×40 in the middle of training, with the weights changing between
// frames (as in run mode) so per-weights caches are rebuilt.
func BenchmarkViewDigits120x40(b *testing.B) {
	m := newTestModel(b, Options{Preset: "digits"}, 120, 40)
	press(m, "e", "s", "space", "space")
	m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.tr.sess.version++
		m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/frame")
}

// BenchmarkViewCircle120x40 times one frame of the circle preset at
// 120×40 with Topology's neuron map tiles and the Boundary's map, the
// weights changing between frames (the tiles and the map are recomputed).
func BenchmarkViewCircle120x40(b *testing.B) {
	m := newTestModel(b, Options{Preset: "circle"}, 120, 40)
	press(m, "e", "s", "space")
	m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.tr.sess.st.Net().Layers[0].B[0] += 1e-9
		m.tr.sess.version++
		m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/frame")
}

// BenchmarkRunModeDigits measures the samples/s run mode reaches on the
// digits preset (benchRunMode) at full speed while redrawing at its tick rate: each
// iteration is one tick (Update trains, View draws, then the tick's timer
// runs out, as in the real program). Interleaved with the ticks, a headless
// stepper of the same preset trains with back-to-back RunFor calls (the
// fast path `backprop train` uses), so both see the same machine load.
// Metrics: run-samples/s (per wall-clock second of run mode),
// headless-samples/s, their ratio, and the share of run mode's wall time
// spent in Update (training), which bounds the ratio on an idle machine.
func BenchmarkRunModeDigits(b *testing.B) { benchRunMode(b, "digits") }

// BenchmarkRunModeCircle is BenchmarkRunModeDigits on the circle preset
// (2-D: every frame also draws the neuron map tiles and the boundary);
// issue 10 asks run mode to keep ≥ 70% of headless speed there.
func BenchmarkRunModeCircle(b *testing.B) { benchRunMode(b, "circle") }

// benchRunMode runs a preset's run mode beside a headless stepper of it
// (see BenchmarkRunModeDigits).
func benchRunMode(b *testing.B, preset string) {
	m := newTestModel(b, Options{Preset: preset}, 120, 40)
	m.tr.run.speed = len(speedLevels()) - 1
	p, _ := setup.FindPreset(preset)
	ds, err := datasets.Load(p.Setup.Data)
	if err != nil {
		b.Fatal(err)
	}
	spec, err := setup.FitSizes(p.Setup.Net, ds)
	if err != nil {
		b.Fatal(err)
	}
	net, err := network.New(spec, network.NewRand(1))
	if err != nil {
		b.Fatal(err)
	}
	head, err := network.NewStepper(net, p.Setup.Hyper, setup.NetSet(ds.Train), setup.NetSet(ds.Test))
	if err != nil {
		b.Fatal(err)
	}
	cmd := m.tr.toggleRun()
	var runTime, headTime, updTime, maxUpd time.Duration
	var headN int
	for b.Loop() {
		if cmd == nil {
			b.Fatal("run mode stopped")
		}
		t0 := time.Now()
		msg := cmd() // waits for the tick like the real program
		tu := time.Now()
		_, cmd = m.Update(msg)
		d := time.Since(tu)
		updTime += d
		maxUpd = max(maxUpd, d)
		m.View()
		runTime += time.Since(t0)

		t1 := time.Now()
		n, err := head.RunFor(tickPeriod)
		if err != nil {
			b.Fatal(err)
		}
		headTime += time.Since(t1)
		headN += n
	}
	runRate := float64(m.tr.run.samples) / runTime.Seconds()
	headRate := float64(headN) / headTime.Seconds()
	b.ReportMetric(runRate, "run-samples/s")
	b.ReportMetric(headRate, "headless-samples/s")
	b.ReportMetric(100*runRate/headRate, "%-of-headless")
	b.ReportMetric(100*updTime.Seconds()/runTime.Seconds(), "%-time-training")
	// the longest a key press can wait for a tick's training to end
	b.ReportMetric(float64(maxUpd.Microseconds())/1000, "max-tick-ms")
}

// BenchmarkViewCompare120x40 times one full frame of the circle preset at
// 120×40 with three twins and the Compare pane in the middle column,
// training between frames (every twin's weights and series change).
func BenchmarkViewCompare120x40(b *testing.B) {
	m := newTestModel(b, Options{Preset: "circle"}, 120, 40)
	press(m, "A", "]", "A", "o", "e", "e", "e")
	m.View()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		press(m, "b")
		b.StartTimer()
		m.View()
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/1000, "ms/frame")
}
