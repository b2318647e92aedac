//go:build !amd64 || purego

package network

func fmaPeakRun(n int) {}

func setISA(int) {}

func detectISA() int { return isaGo }
