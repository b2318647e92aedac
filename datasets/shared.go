package datasets

import (
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
)

// Shared loads each shareable data set once and hands every caller the
// same read-only rows: one `serve` process holds one MNIST however many
// students train on it. Shareable are the mnist and fashion-mnist presets
// (compact, with a fixed split and no per-session normalisation); any other
// spec is loaded afresh for its caller, as Load does.
//
// Invariants: an entry is loaded at most once at a time and, once loaded,
// never changes or leaves (a failed load is forgotten, so it can be tried
// again); what a caller gets is its own *Dataset whose Train and Test rows
// are the entry's, with Shared set. Spec.Samples takes a prefix view of the
// shared rows, so it never makes a second copy. The entries are at most
// one per preset and data directory, so the cache is bounded by the
// presets a process is given directories for.
//
// A Shared is safe for concurrent use. The zero value is not usable: call
// NewShared.
type Shared struct {
	mu    sync.Mutex
	sets  map[sharedKey]*sharedEntry
	loads atomic.Int64
}

type sharedKey struct{ name, dir string }

type sharedEntry struct {
	done chan struct{} // closed when ds and err are set
	ds   *Dataset
	err  error
	size int64 // the bytes its rows take, checked against each caller's limit
}

// NewShared returns an empty cache.
func NewShared() *Shared { return &Shared{sets: map[sharedKey]*sharedEntry{}} }

// Loads is how many data sets the cache has read from disk (a test's
// witness that two sessions share one copy).
func (c *Shared) Loads() int64 { return c.loads.Load() }

// Shareable reports whether Load shares spec's rows.
func Shareable(spec Spec) bool { return spec.Name == "mnist" || spec.Name == "fashion-mnist" }

// Load is Load(spec), from the cache when spec is shareable. The whole set
// is loaded (under spec's limit) and charged once; a later caller whose
// limit is below its size gets a *LimitError.
func (c *Shared) Load(spec Spec) (*Dataset, error) {
	if !Shareable(spec) {
		return Load(spec)
	}
	if err := checkSpec(spec); err != nil {
		return nil, err
	}
	key := sharedKey{spec.Name, filepath.Clean(spec.DataDir)}
	c.mu.Lock()
	e, ok := c.sets[key]
	if !ok {
		e = &sharedEntry{done: make(chan struct{})}
		c.sets[key] = e
	}
	c.mu.Unlock()
	if !ok {
		c.fill(key, e, spec)
	}
	<-e.done
	if e.err != nil {
		return nil, e.err
	}
	if max := maxBytes(spec); e.size > max {
		return nil, &LimitError{File: e.ds.Name, What: "the shared data set takes", Size: e.size, Limit: max}
	}
	d := *e.ds
	d.Train, d.Test = prefix(d.Train, spec.Samples), prefix(d.Test, spec.Samples)
	d.Shared = true
	return &d, nil
}

// fill loads e (the whole set: Samples is applied per caller) and forgets
// it again when the load fails.
func (c *Shared) fill(key sharedKey, e *sharedEntry, spec Spec) {
	defer close(e.done)
	e.err = fmt.Errorf("datasets: %s: loading did not finish", spec.Name) // until it does
	full := spec
	full.Samples = 0
	c.loads.Add(1)
	e.ds, e.err = Load(full)
	if e.err == nil && (e.ds.Train.U8 == nil || e.ds.Test.X != nil) {
		e.err = fmt.Errorf("datasets: %s: a shared set must be compact", e.ds.Name)
	}
	if e.err != nil {
		c.mu.Lock()
		delete(c.sets, key)
		c.mu.Unlock()
		return
	}
	e.size = compactCost(e.ds.Train.Len(), e.ds.Train.Inputs()) + compactCost(e.ds.Test.Len(), e.ds.Test.Inputs())
}

// prefix is the first n rows of s (all of them when n is 0 or more than
// s has), sharing s's rows.
func prefix(s Set, n int) Set {
	if n <= 0 || n >= s.Len() {
		return s
	}
	out := Set{Y: s.Y[:n:n]}
	if s.U8 != nil {
		out.U8 = s.U8.Slice(0, n)
	} else {
		out.X = s.X[:n:n]
	}
	return out
}
