//go:build race

package cli

// raceDetector: the race detector makes long runs about ten times slower.
const raceDetector = true
