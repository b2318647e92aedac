package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"backprop/tui"
)

// A student's network on the class wall (their work's model file) rides
// in their roster row while it is small. A larger one (an MNIST-sized net
// is ~0.5 MB) goes to the bp_models object store, as the teacher's does,
// and the row carries its name and SHA-256: the teacher's instance fetches
// it only when the teacher opens the tile. Each student's network is
// written at most every workObjEvery, and only when it changed, into one of
// two slots per student and instance (a reader of the other slot is not
// cut short); the slots are deleted when the student leaves.

// workObjEvery bounds how often one student's large network is written;
// workPutsPerPass how many the writer stores in one pass (the others wait
// for the next passes), so that a class of large networks never holds up
// the teacher's state and the roster rows behind it.
const (
	workObjEvery    = 5 * time.Second
	workPutsPerPass = 2
)

// rowMsg is a bp_roster value: the row, and the reference to its work's
// network when that went to the object store.
type rowMsg struct {
	tui.ClassMember
	WorkObj    string `json:"work_obj,omitempty"`
	WorkDigest string `json:"work_sha256,omitempty"`
	WorkSize   int    `json:"work_size,omitempty"`
}

// workSent is what the writer last stored of one student's network.
type workSent struct {
	src    *tui.ClassWork // the report it came from (reports are immutable)
	digest string         // of src's model
	obj    string         // the object holding the last one written
	objSum string
	size   int
	at     time.Time
	slot   int
}

// rowOut is r as it is sent: a network over natsInlineModel is replaced by
// a reference to its copy in the object store (written now if it changed
// and the last write is workObjEvery old; until then the previous copy).
func (b *classBridge) rowOut(ctx context.Context, r tui.ClassMember) rowMsg {
	out := rowMsg{ClassMember: r}
	w := r.Work
	if w == nil || len(w.Model) <= natsInlineModel {
		return out
	}
	wc := *w
	wc.Model, wc.FetchModel = nil, nil
	out.Work = &wc
	ws := b.works[r.ID]
	if ws.src != w {
		sum := sha256.Sum256(w.Model)
		ws.src, ws.digest = w, hex.EncodeToString(sum[:])
	}
	if ws.digest != ws.objSum && time.Since(ws.at) >= workObjEvery && b.workPuts < workPutsPerPass {
		b.workPuts++
		ws.at = time.Now()
		slot := ws.slot ^ 1
		name := fmt.Sprintf("class/%s/work/%s/%s-%d", b.class, KeyToken(r.ID), b.inst, slot)
		octx, cancel := context.WithTimeout(ctx, 30*time.Second)
		_, err := b.l.models.PutBytes(octx, name, w.Model)
		cancel()
		if err != nil {
			b.log.Warn("sharing a student's network", "object", name, "bytes", len(w.Model), "err", err)
			b.deleteObject(name)
		} else {
			ws.obj, ws.objSum, ws.size, ws.slot = name, ws.digest, len(w.Model), slot
		}
	}
	b.works[r.ID] = ws
	if ws.obj != "" {
		out.WorkObj, out.WorkDigest, out.WorkSize = ws.obj, ws.objSum, ws.size
	}
	return out
}

// forgetWork deletes the objects of a student who left.
func (b *classBridge) forgetWork(id string) {
	if _, ok := b.works[id]; !ok {
		return
	}
	delete(b.works, id)
	for slot := range 2 {
		b.deleteObject(fmt.Sprintf("class/%s/work/%s/%s-%d", b.class, KeyToken(id), b.inst, slot))
	}
}

// workCache is the network the teacher's instance fetched last: the open
// tile reloads at every report of its student (about once a second while
// they train) and its network changes at most every workObjEvery.
type workCache struct {
	mu     sync.Mutex
	digest string
	data   []byte
}

// errWorkChanged: the object was overwritten by a newer network.
var errWorkChanged = errors.New("the student's network changed while it was fetched: it loads again with their next report")

// withWorkFetch gives m's work (reported by reference) a FetchModel that
// gets the network from the object store and checks its size and SHA-256.
func (b *classBridge) withWorkFetch(m *tui.ClassMember, obj, digest string, size int) {
	if m.Work == nil || obj == "" {
		return
	}
	wc := *m.Work
	wc.Model = nil
	wc.FetchModel = func() ([]byte, error) {
		b.workCache.mu.Lock()
		if b.workCache.digest == digest {
			defer b.workCache.mu.Unlock()
			return b.workCache.data, nil
		}
		b.workCache.mu.Unlock()
		if size > tui.MaxWorkModel {
			return nil, fmt.Errorf("the network is %d bytes, more than %d", size, tui.MaxWorkModel)
		}
		ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
		defer cancel()
		info, err := b.l.models.GetInfo(ctx, obj)
		if err != nil {
			return nil, fmt.Errorf("nats bp_models %s: %w", obj, err)
		}
		if info.Size > tui.MaxWorkModel {
			return nil, fmt.Errorf("nats bp_models %s: %d bytes, more than %d", obj, info.Size, tui.MaxWorkModel)
		}
		data, err := b.l.models.GetBytes(ctx, obj)
		if err != nil {
			return nil, fmt.Errorf("nats bp_models %s: %w", obj, err)
		}
		if sum := sha256.Sum256(data); hex.EncodeToString(sum[:]) != digest {
			return nil, errWorkChanged
		}
		b.workCache.mu.Lock()
		b.workCache.digest, b.workCache.data = digest, data
		b.workCache.mu.Unlock()
		return data, nil
	}
	m.Work = &wc
}
