package network

import (
	"runtime"
	"syscall"
	"time"
)

// threadCPU returns the CPU time the calling OS thread has used (user and
// system). Benchmarks that lock their goroutine to a thread report it per
// op: on a busy machine the wall clock counts the time other processes ran,
// this does not.
func threadCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(1 /* RUSAGE_THREAD */, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// lockThread pins the benchmark's goroutine to its thread, so threadCPU
// counts its work; call the returned function when done.
func lockThread() func() {
	runtime.LockOSThread()
	return runtime.UnlockOSThread
}
