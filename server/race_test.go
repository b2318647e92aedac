//go:build race

package server

// raceFactor scales CPU-time bounds: the race detector makes the same work
// cost 5–10 times the CPU.
const raceFactor = 10
