package datasets

import "testing"

// BenchmarkLoad measures building or parsing each kind of set, in rows/s.
func BenchmarkLoad(b *testing.B) {
	for _, name := range []string{"circle", "spiral", "iris", "digits"} {
		b.Run(name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				d, err := Load(Spec{Name: name, Seed: 1, Samples: 1000})
				if err != nil {
					b.Fatal(err)
				}
				rows += d.Train.Len() + d.Test.Len()
			}
			b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// BenchmarkLoadMNIST measures reading the gzipped idx files (60,000 rows).
func BenchmarkLoadMNIST(b *testing.B) {
	dir := mnistDir(b)
	rows := 0
	for b.Loop() {
		d, err := Load(Spec{Name: "idx:" + dir})
		if err != nil {
			b.Fatal(err)
		}
		rows += d.Train.Len() + d.Test.Len()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}
