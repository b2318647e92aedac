//go:build unix

package network

import (
	"errors"
	"os"
	"syscall"
)

// lockTemp takes an exclusive lock on a save's temporary file for as long
// as it is open, so that removeStaleTemps can tell it from one that a
// killed process left (the kernel drops a dead process's locks).
// Closing the file releases it.
func lockTemp(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
}

// abandoned reports whether no one holds path's lock.
func abandoned(path string) bool {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return false
	}
	defer f.Close()
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}

// syncDir makes a rename in dir durable. File systems that cannot sync a
// directory (EINVAL) are taken as done.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err
	}
	return nil
}
