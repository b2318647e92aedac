//go:build !race

package server

// raceFactor scales CPU-time bounds (see race_test.go).
const raceFactor = 1
