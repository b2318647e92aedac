package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"backprop/internal/readfile"
	"backprop/internal/safetext"

	gossh "golang.org/x/crypto/ssh"
)

// MaxHostKeyBytes bounds a host key file (an RSA 16384 key in PEM is about
// 12 KiB).
const MaxHostKeyBytes = 64 << 10

// loadOrCreateHostKey reads the private host key at path, creating an
// ed25519 key there (mode 0600, parent dirs 0700, written atomically) when
// the file does not exist. Empty path: an in-memory key.
func loadOrCreateHostKey(path string) (gossh.Signer, error) {
	if path == "" {
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("server: generate host key: %w", err)
		}
		return gossh.NewSignerFromKey(priv)
	}
	data, err := readfile.Read(path, "a host key", MaxHostKeyBytes)
	if err == nil {
		s, perr := gossh.ParsePrivateKey(data)
		if perr != nil {
			return nil, fmt.Errorf("server: host key %s: %w", safetext.Line(path), perr)
		}
		return s, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("server: host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("server: generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "backprop host key")
	if err != nil {
		return nil, fmt.Errorf("server: encode host key: %w", err)
	}
	if err := writeFileAtomic(path, pem.EncodeToMemory(block), 0o600); err != nil {
		return nil, fmt.Errorf("server: write host key: %w", err)
	}
	return gossh.NewSignerFromKey(priv)
}

// writeFileAtomic replaces path with data durably: a temp file in path's
// directory (created 0700 if missing) with the given mode, fsynced and
// renamed over path, then the directory fsynced. A reader sees the old
// file or the new one, whole; a failed write leaves no temp file.
func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after a successful rename
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	// the rename itself survives a crash once the folder is synced
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
