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
	entries, err := parseAuthorized(name, data)
	keys := make([]gossh.PublicKey, len(entries))
	for i, e := range entries {
		keys[i] = e.key
	}
	return keys, err
}

// authorizedKey is one line of an authorized_keys file: the key and its
// comment (the text after it, often the owner's name).
type authorizedKey struct {
	key     gossh.PublicKey
	comment string
}

func parseAuthorized(name string, data []byte) ([]authorizedKey, error) {
	var keys []authorizedKey
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 || text[0] == '#' {
			continue
		}
		k, comment, _, _, err := gossh.ParseAuthorizedKey(text)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", safetext.Line(name), line, err)
		}
		keys = append(keys, authorizedKey{k, comment})
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
	keys  map[string]string // key.Marshal() -> its comment (the first line's)
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
	keys, err := parseAuthorized(kf.path, data)
	if err != nil {
		return fmt.Errorf("server: authorized keys: %w", err)
	}
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		if _, dup := m[string(k.key.Marshal())]; !dup {
			m[string(k.key.Marshal())] = k.comment
		}
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
	_, ok := kf.keys[string(key.Marshal())]
	return ok, err
}

// comment returns the comment of key's line ("" when the line has none or
// the key is not listed). It uses the keys last loaded.
func (kf *keyFile) comment(key gossh.PublicKey) string {
	if kf == nil || key == nil {
		return ""
	}
	kf.mu.Lock()
	defer kf.mu.Unlock()
	return kf.keys[string(key.Marshal())]
}

// passwordsEqual compares in constant time (both sides hashed first, so the
// length of the secret does not leak either).
func passwordsEqual(got, want string) bool {
	a := sha256.Sum256([]byte(got))
	b := sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
