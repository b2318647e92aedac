//go:build unix

package server

import (
	"errors"
	"os"
	"syscall"
)

// lockDir takes an exclusive, non-blocking lock on path (created if
// missing); closing the file releases it. Another process holding it is
// an error that says so.
func lockDir(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errors.New("in use by another process (" + path + " is locked)")
		}
		return nil, err
	}
	return f, nil
}
