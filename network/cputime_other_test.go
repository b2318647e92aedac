//go:build !linux

package network

import "time"

func threadCPU() time.Duration { return 0 }

func lockThread() func() { return func() {} }
