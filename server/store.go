package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"backprop/tui/lesson"
)

// Store keeps what the server knows about each user between sessions: a
// UserRecord (who they are, when they were seen) and their lesson
// progress, both by the user's ID (SessionInfo.ID). DirStore keeps them
// in files under Config.DataDir; a key-value store (one key per ID) can
// implement the same interface.
type Store interface {
	// User returns id's record; false when there is none.
	User(id string) (UserRecord, bool, error)
	// PutUser writes r (by r.ID), atomically and durably.
	PutUser(r UserRecord) error
	// Users lists every user with a record or saved progress, by ID.
	Users() ([]UserRecord, error)
	// Progress is where id's lesson progress lives.
	Progress(id string) lesson.Store
}

// UserRecord is what the roster and the report know of a user.
type UserRecord struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"` // display name when last seen (displayName)
	User        string    `json:"user"` // SSH user name when last seen (sanitised)
	Fingerprint string    `json:"fingerprint,omitempty"`
	Teacher     bool      `json:"teacher,omitempty"`
	FirstSeen   time.Time `json:"first_seen"`
	LastSeen    time.Time `json:"last_seen"`
}

// DirStore is the Store under a data directory: one folder per user ID,
// holding user.json (the UserRecord), state/progress.json (the lesson
// progress) and saves/ (the user's files, which the store does not read).
type DirStore struct{ Dir string }

var _ Store = DirStore{}

// UserFile is the name of a user's record in their folder.
const UserFile = "user.json"

// maxUserFile bounds the size of a user.json read.
const maxUserFile = 64 << 10

// checkID refuses an ID that is not one folder name.
func checkID(id string) error {
	if id == "" || id == "." || id == ".." || strings.ContainsAny(id, `/\`) || strings.ContainsRune(id, 0) {
		return fmt.Errorf("server: user id %q is not a folder name", id)
	}
	return nil
}

// User reads id's user.json.
func (d DirStore) User(id string) (UserRecord, bool, error) {
	if err := checkID(id); err != nil {
		return UserRecord{}, false, err
	}
	path := filepath.Join(d.Dir, id, UserFile)
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return UserRecord{}, false, nil
	}
	if err != nil {
		return UserRecord{}, false, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxUserFile+1))
	if err != nil {
		return UserRecord{}, false, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxUserFile {
		return UserRecord{}, false, fmt.Errorf("%s: larger than %d bytes", path, maxUserFile)
	}
	var r UserRecord
	if err := json.Unmarshal(data, &r); err != nil {
		return UserRecord{}, false, fmt.Errorf("%s: %w", path, err)
	}
	r.ID = id // the folder is the identity
	return r, true, nil
}

// PutUser writes r to r.ID's user.json (temp file, fsync, rename, folder
// fsync), creating the folder.
func (d DirStore) PutUser(r UserRecord) error {
	if err := checkID(r.ID); err != nil {
		return err
	}
	dir := filepath.Join(d.Dir, r.ID)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, UserFile), append(data, '\n'), 0o600)
}

// Users lists the folders with a user.json or a progress.json. A folder
// without user.json gets a record named after it; one whose user.json
// cannot be read is listed that way too, and the first such error is
// returned with the list.
func (d DirStore) Users() ([]UserRecord, error) {
	ents, err := os.ReadDir(d.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []UserRecord
	var first error
	for _, e := range ents {
		id := e.Name()
		if !e.IsDir() || checkID(id) != nil || strings.HasPrefix(id, ".") {
			continue
		}
		r, ok, err := d.User(id)
		if err != nil && first == nil {
			first = err
		}
		if !ok {
			if _, serr := os.Stat(filepath.Join(d.Dir, id, "state", lesson.ProgressFile)); serr != nil && err == nil {
				continue // neither a record nor progress: not a user's folder
			}
			r = UserRecord{ID: id, Name: nameFromID(id)}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, first
}

// Progress is id's state/progress.json.
func (d DirStore) Progress(id string) lesson.Store {
	if checkID(id) != nil {
		return badStore{checkID(id)}
	}
	return lesson.DirStore(filepath.Join(d.Dir, id, "state"))
}

// badStore is the Store of an ID that cannot be a folder: every call
// fails.
type badStore struct{ err error }

func (b badStore) Load() (*lesson.Progress, error) { return nil, b.err }
func (b badStore) Save(*lesson.Progress) error     { return b.err }

// nameFromID is the name a folder without user.json is listed under: the
// user name when userID left it readable ("user-alice" → "alice"), else
// the folder name.
func nameFromID(id string) string {
	if n, ok := strings.CutPrefix(id, "user-"); ok && userID(n) == id {
		return n
	}
	return id
}
