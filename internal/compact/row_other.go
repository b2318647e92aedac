//go:build !amd64 || purego

package compact

const useAVX = false

func row(x []float64, b []uint8, val *[256]float64) { rowGo(x, b, val) }

func prefetch(b []uint8) {}
