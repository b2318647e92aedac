//go:build race

package network

// raceEnabled: the race detector makes long runs about ten times slower.
const raceEnabled = true
