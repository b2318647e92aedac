//go:build !amd64 || purego

package network

func fmaPeakRun(n int) {}
