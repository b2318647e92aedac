package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"backprop/tui/lesson"
)

// NATSStore is the Store of instances that share NATS: each user's record
// and lesson progress live in the bp_users bucket (keys <user>.record and
// <user>.progress), so a student resumes on whichever instance they reach.
// Every write goes to this instance's DirStore first (the local copy, which
// the sessions' files live beside) and then to NATS; a write NATS cannot
// take (the link is down) is kept and retried by Sync, so a session never
// waits on NATS and never loses a save.
type NATSStore struct {
	l     *NATSLink
	local DirStore
	log   *slog.Logger

	mu    sync.Mutex
	dirty map[string]bool // "<id>\x00record" or "<id>\x00progress": written here, not yet in NATS
}

var _ Store = (*NATSStore)(nil)

// NewNATSStore returns the store over l with its local copy under dir.
func NewNATSStore(l *NATSLink, dir string, log *slog.Logger) *NATSStore {
	return &NATSStore{l: l, local: DirStore{Dir: dir}, log: log.With("nats", "users"), dirty: map[string]bool{}}
}

func (n *NATSStore) key(id, what string) string { return KeyToken(id) + "." + what }

func opContext() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), natsOpTimeout)
}

// User reads id's record from NATS (the local copy when NATS has none or
// cannot be reached).
func (n *NATSStore) User(id string) (UserRecord, bool, error) {
	if err := checkID(id); err != nil {
		return UserRecord{}, false, err
	}
	ctx, cancel := opContext()
	defer cancel()
	e, err := n.l.users.Get(ctx, n.key(id, "record"))
	if err != nil {
		if !errors.Is(err, jetstream.ErrKeyNotFound) {
			n.log.Warn("reading a user record; using the local copy", "key", n.key(id, "record"), "err", err)
		}
		return n.local.User(id)
	}
	var r UserRecord
	if err := json.Unmarshal(e.Value(), &r); err != nil {
		return UserRecord{}, false, fmt.Errorf("nats bp_users %s: %w", e.Key(), err)
	}
	r.ID = id
	return r, true, nil
}

// PutUser writes r here, then to NATS.
func (n *NATSStore) PutUser(r UserRecord) error {
	if err := n.local.PutUser(r); err != nil {
		return err
	}
	return n.push(r.ID, "record")
}

// push copies id's local record or progress to NATS; when NATS cannot take
// it, it is marked dirty (Sync retries) and the error is only logged.
func (n *NATSStore) push(id, what string) error {
	var data []byte
	var err error
	switch what {
	case "record":
		var r UserRecord
		var ok bool
		r, ok, err = n.local.User(id)
		if !ok && err == nil {
			return nil
		}
		if err == nil {
			data, err = json.Marshal(r)
		}
	case "progress":
		data, err = os.ReadFile(filepath.Join(n.local.Dir, id, "state", lesson.ProgressFile))
	}
	if err != nil {
		return err
	}
	ctx, cancel := opContext()
	defer cancel()
	_, err = n.l.users.Put(ctx, n.key(id, what), data)
	n.mu.Lock()
	defer n.mu.Unlock()
	if err != nil {
		if !n.dirty[id+"\x00"+what] {
			n.log.Warn("kept locally until NATS takes it", "key", n.key(id, what), "bytes", len(data), "err", err)
		}
		n.dirty[id+"\x00"+what] = true
		return nil
	}
	delete(n.dirty, id+"\x00"+what)
	return nil
}

// Sync retries the writes NATS could not take; it reports how many are
// still waiting.
func (n *NATSStore) Sync() int {
	n.mu.Lock()
	keys := make([]string, 0, len(n.dirty))
	for k := range n.dirty {
		keys = append(keys, k)
	}
	n.mu.Unlock()
	for _, k := range keys {
		id, what, _ := strings.Cut(k, "\x00")
		_ = n.push(id, what)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.dirty)
}

// Users lists every user with a record in NATS.
func (n *NATSStore) Users() ([]UserRecord, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	keys, err := n.l.users.ListKeysFiltered(ctx, "*.record")
	if err != nil {
		if errors.Is(err, jetstream.ErrNoKeysFound) {
			return nil, nil
		}
		return nil, fmt.Errorf("nats bp_users: listing records: %w", err)
	}
	var out []UserRecord
	var first error
	for k := range keys.Keys() {
		e, err := n.l.users.Get(ctx, k)
		if err != nil {
			continue
		}
		var r UserRecord
		if err := json.Unmarshal(e.Value(), &r); err != nil || KeyToken(r.ID)+".record" != k || checkID(r.ID) != nil {
			if first == nil {
				first = fmt.Errorf("nats bp_users %s: not a user record", k)
			}
			continue
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, first
}

// Progress is id's lesson progress: NATS, with the local copy under
// DataDir/<id>/state.
func (n *NATSStore) Progress(id string) lesson.Store {
	if err := checkID(id); err != nil {
		return badStore{err}
	}
	return natsProgress{n: n, id: id}
}

// natsProgress is one user's progress in NATS.
type natsProgress struct {
	n  *NATSStore
	id string
}

func (p natsProgress) dir() string { return filepath.Join(p.n.local.Dir, p.id, "state") }

// Load fetches the progress from NATS into the local copy and reads that
// (so it is checked the same way a file is). A local copy not yet in NATS
// (written while the link was down) wins; with NATS unreachable the local
// copy is used.
func (p natsProgress) Load() (*lesson.Progress, error) {
	p.n.mu.Lock()
	pending := p.n.dirty[p.id+"\x00progress"]
	p.n.mu.Unlock()
	if !pending {
		ctx, cancel := opContext()
		e, err := p.n.l.users.Get(ctx, p.n.key(p.id, "progress"))
		cancel()
		switch {
		case err == nil:
			path := filepath.Join(p.dir(), lesson.ProgressFile)
			if have, err := os.ReadFile(path); err == nil && bytes.Equal(have, e.Value()) {
				break // the local copy is the same (a report reads every user's)
			}
			if err := os.MkdirAll(p.dir(), 0o700); err != nil {
				return nil, err
			}
			if err := writeFileAtomic(path, e.Value(), 0o600); err != nil {
				return nil, fmt.Errorf("nats: restoring %s's progress: %w", p.id, err)
			}
		case errors.Is(err, jetstream.ErrKeyNotFound):
		default:
			p.n.log.Warn("reading progress; using the local copy", "key", p.n.key(p.id, "progress"), "err", err)
		}
	}
	return lesson.DirStore(p.dir()).Load()
}

// Save writes the progress here (atomic, fsynced), then to NATS.
func (p natsProgress) Save(pr *lesson.Progress) error {
	if err := lesson.DirStore(p.dir()).Save(pr); err != nil {
		return err
	}
	return p.n.push(p.id, "progress")
}
