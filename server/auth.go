package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"os"
	"sync"
	"time"

	"backprop/internal/readfile"
	"backprop/internal/safetext"

	gossh "golang.org/x/crypto/ssh"
)

// ParseAuthorizedKeys parses an OpenSSH authorized_keys file. Blank lines and
// # comments are skipped; errors name the line ("name:3: ...").
func ParseAuthorizedKeys(name string, data []byte) ([]gossh.PublicKey, error) {
	var keys []gossh.PublicKey
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || text[0] == '#' {
			continue
		}
		k, _, _, _, err := gossh.ParseAuthorizedKey(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", safetext.Line(name), line, err)
		}
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s:%d: %w", safetext.Line(name), line+1, err)
	}
	return keys, nil
}

// MaxKeyFileBytes bounds an authorized_keys file (about 20,000 keys of the
// largest common kind, RSA 4096).
const MaxKeyFileBytes = 16 << 20

// keyFile is an authorized_keys file reloaded when its mtime or size
// changes, so a teacher can add students without a restart.
type keyFile struct {
	path string

	mu    sync.Mutex
	mtime time.Time
	size  int64
	keys  map[string]bool // key.Marshal() -> true
}

func newKeyFile(path string) (*keyFile, error) {
	kf := &keyFile{path: path}
	if err := kf.reload(); err != nil {
		return nil, err
	}
	return kf, nil
}

// reload re-reads the file if it changed. On a parse error the previous keys
// stay in force and the error is returned.
func (kf *keyFile) reload() error {
	st, err := os.Stat(kf.path)
	if err != nil {
		return fmt.Errorf("server: authorized keys: %w", err)
	}
	kf.mu.Lock()
	defer kf.mu.Unlock()
	if kf.keys != nil && st.ModTime().Equal(kf.mtime) && st.Size() == kf.size {
		return nil
	}
	data, err := readfile.Read(kf.path, "an authorized_keys file", MaxKeyFileBytes)
	if err != nil {
		return fmt.Errorf("server: authorized keys: %w", err)
	}
	keys, err := ParseAuthorizedKeys(kf.path, data)
	if err != nil {
		return fmt.Errorf("server: authorized keys: %w", err)
	}
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[string(k.Marshal())] = true
	}
	kf.keys, kf.mtime, kf.size = m, st.ModTime(), st.Size()
	return nil
}

// allowed reports whether key is listed. Reload errors are returned so the
// caller can log them; the last good key set still answers.
func (kf *keyFile) allowed(key gossh.PublicKey) (bool, error) {
	err := kf.reload()
	kf.mu.Lock()
	defer kf.mu.Unlock()
	return kf.keys[string(key.Marshal())], err
}

// passwordsEqual compares in constant time (both sides hashed first, so the
// length of the secret does not leak either).
func passwordsEqual(got, want string) bool {
	a := sha256.Sum256([]byte(got))
	b := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
