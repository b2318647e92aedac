//go:build race

package figures

// raceEnabled: drawing is ten times slower under the race detector, so
// the tests draw fewer variants (the code has no concurrency to check).
const raceEnabled = true
