package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// A user's saved files (models, exports) under DataDir/<id>/saves are
// mirrored to the bp_models object store, one object per file, with a
// manifest in bp_users (<user>.saves: name → object, SHA-256, size, time).
// A session restores the files the manifest lists before it starts, copies
// every file that changed back while it runs (every SaveSyncEvery) and once
// more as it ends; so an instance killed mid-class loses at most the last
// SaveSyncEvery of saves.

// SaveSyncEvery is how often a session's saves are copied to NATS.
const SaveSyncEvery = 2 * time.Second

// maxSavedFiles bounds the files of one user that are mirrored.
const maxSavedFiles = 64

// saveManifest is the <user>.saves value.
type saveManifest struct {
	Files map[string]savedFile `json:"files"`
}

type savedFile struct {
	Obj    string    `json:"obj"`
	Digest string    `json:"sha256"`
	Size   int64     `json:"size"`
	Mod    time.Time `json:"mod"`
}

// fileStamp is what a sync saw of a local file.
type fileStamp struct {
	size int64
	mod  time.Time
}

// saveMirror is one session's mirror of a user's saves folder.
type saveMirror struct {
	n    *NATSStore
	id   string
	dir  string
	seen map[string]fileStamp
}

func (n *NATSStore) mirror(id, dir string) *saveMirror {
	return &saveMirror{n: n, id: id, dir: dir, seen: map[string]fileStamp{}}
}

// manifest reads the manifest and its revision (0: none yet).
func (m *saveMirror) manifest(ctx context.Context) (saveManifest, uint64, error) {
	man := saveManifest{Files: map[string]savedFile{}}
	e, err := m.n.l.users.Get(ctx, m.n.key(m.id, "saves"))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return man, 0, nil
	}
	if err != nil {
		return man, 0, err
	}
	if err := json.Unmarshal(e.Value(), &man); err != nil {
		return man, 0, fmt.Errorf("nats bp_users %s: %w", e.Key(), err)
	}
	if man.Files == nil {
		man.Files = map[string]savedFile{}
	}
	return man, e.Revision(), nil
}

// restore writes every file the manifest lists that is missing here or
// differs, atomically, with its saved time.
func (m *saveMirror) restore() error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	man, _, err := m.manifest(ctx)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(m.dir, 0o700); err != nil {
		return err
	}
	for name, f := range man.Files {
		if filepath.Base(name) != name || name == "." || name == ".." || f.Size > NATSMaxSaveFile {
			continue
		}
		path := filepath.Join(m.dir, name)
		if d, err := fileDigest(path); err == nil && d == f.Digest {
			m.stamp(name)
			continue
		}
		data, err := m.n.l.models.GetBytes(ctx, f.Obj)
		if err != nil {
			return fmt.Errorf("nats bp_models %s: %w", f.Obj, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != f.Digest {
			return fmt.Errorf("nats bp_models %s: content does not match the manifest's SHA-256", f.Obj)
		}
		if err := writeFileAtomic(path, data, 0o600); err != nil {
			return err
		}
		_ = os.Chtimes(path, f.Mod, f.Mod)
		m.stamp(name)
	}
	return nil
}

// stamp notes a file's size and time as synced.
func (m *saveMirror) stamp(name string) {
	if fi, err := os.Stat(filepath.Join(m.dir, name)); err == nil {
		m.seen[name] = fileStamp{fi.Size(), fi.ModTime()}
	}
}

// sync copies the files that changed since the last sync to NATS and
// records them in the manifest (compare-and-set: another instance's
// session of the same user may write it too).
func (m *saveMirror) sync() error {
	ents, err := os.ReadDir(m.dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		return err
	}
	changed := map[string]savedFile{}
	stamps := map[string]fileStamp{}
	for i, e := range ents {
		if i >= maxSavedFiles*2 || len(changed) >= maxSavedFiles {
			break
		}
		fi, err := e.Info()
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > NATSMaxSaveFile || e.Name()[0] == '.' {
			continue
		}
		st := fileStamp{fi.Size(), fi.ModTime()}
		if m.seen[e.Name()] == st {
			continue
		}
		changed[e.Name()] = savedFile{Size: fi.Size(), Mod: fi.ModTime().UTC()}
		stamps[e.Name()] = st
	}
	if len(changed) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	for name, f := range changed {
		data, err := os.ReadFile(filepath.Join(m.dir, name))
		if err != nil || int64(len(data)) > NATSMaxSaveFile {
			delete(changed, name)
			continue
		}
		sum := sha256.Sum256(data)
		f.Digest, f.Size = hex.EncodeToString(sum[:]), int64(len(data))
		// Content-addressed: a new version never overwrites one a
		// manifest still points at.
		f.Obj = "users/" + KeyToken(m.id) + "/" + f.Digest[:16] + "-" + KeyToken(name)
		if _, err := m.n.l.models.PutBytes(ctx, f.Obj, data); err != nil {
			_ = m.n.l.models.Delete(ctx, f.Obj) // what a failed put leaves behind
			return fmt.Errorf("nats bp_models %s (%d bytes): %w", f.Obj, len(data), err)
		}
		changed[name] = f
	}
	for try := 0; ; try++ {
		man, rev, err := m.manifest(ctx)
		if err != nil {
			return err
		}
		var old []string
		for name, f := range changed {
			if o, ok := man.Files[name]; ok && o.Obj != f.Obj {
				old = append(old, o.Obj)
			}
			man.Files[name] = f
		}
		data, _ := json.Marshal(man)
		if rev == 0 {
			_, err = m.n.l.users.Create(ctx, m.n.key(m.id, "saves"), data)
		} else {
			_, err = m.n.l.users.Update(ctx, m.n.key(m.id, "saves"), data, rev)
		}
		if err == nil {
			for _, o := range old {
				_ = m.n.l.models.Delete(ctx, o)
			}
			break
		}
		if try >= 3 || !(errors.Is(err, jetstream.ErrKeyExists) || errors.Is(err, jetstream.ErrKeyRevisionMismatch)) {
			return fmt.Errorf("nats bp_users %s: %w", m.n.key(m.id, "saves"), err)
		}
	}
	for name := range changed {
		m.seen[name] = stamps[name]
	}
	return nil
}

// fileDigest is the hex SHA-256 of a file (at most NATSMaxSaveFile).
func fileDigest(path string) (string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if fi.Size() > NATSMaxSaveFile {
		return "", errors.New("too large")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}

// run keeps the mirror in step until ctx ends, then syncs once more.
func (m *saveMirror) run(ctx context.Context, log interface{ Warn(string, ...any) }) {
	t := time.NewTicker(SaveSyncEvery)
	defer t.Stop()
	failed := false
	for {
		select {
		case <-ctx.Done():
			if err := m.sync(); err != nil {
				log.Warn("saves not copied to NATS as the session ended", "err", err)
			}
			return
		case <-t.C:
			if err := m.sync(); err != nil {
				if !failed {
					log.Warn("saves not copied to NATS yet; retrying", "err", err)
				}
				failed = true
			} else {
				failed = false
			}
		}
	}
}
