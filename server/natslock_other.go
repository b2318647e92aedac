//go:build !unix

package server

import "os"

// lockDir opens path; this platform has no advisory lock, so two
// processes must not share a store directory.
func lockDir(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
}
