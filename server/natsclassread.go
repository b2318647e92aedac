package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"backprop/tui"
)

// The bridge's reader: three watchers (the class state, the roster rows,
// the instances' presence) give the current values first, then every
// change. A late joiner thus starts from the buckets' current state, never
// from a replay. The watchers are made again whenever the link returns
// (a fresh snapshot at once, instead of the old watchers' slow resume), and
// every value is applied idempotently.

// maxRemotePeople bounds the other instances' people a hub holds (like
// MaxRoster for its own).
const maxRemotePeople = 5 * MaxRoster

// readState is the reader goroutine's view of the other instances.
type readState struct {
	rows     map[string]map[string]tui.ClassMember // person ID → instance → row
	presence map[string]time.Time                  // instance → last heartbeat (the server's clock)
	classRev uint64
	dirty    bool // rows or presence changed since the hub was told
	alive    map[string]bool
}

// readLoop watches the buckets until the bridge stops.
func (b *classBridge) readLoop() {
	defer b.wg.Done()
	fetch := make(chan classMsg, 1)
	b.wg.Add(1)
	go b.fetchLoop(fetch)
	for b.ctx.Err() == nil {
		if !b.watchOnce(fetch) {
			select {
			case <-b.ctx.Done():
			case up := <-b.l.linkEvents:
				b.hub.setLinkDown(!up)
			case <-time.After(time.Second):
			}
		}
	}
}

// watchOnce runs one set of watchers until the link returns from an outage
// (true: start again at once) or they fail (false).
func (b *classBridge) watchOnce(fetch chan classMsg) bool {
	ctx, cancel := context.WithCancel(b.ctx)
	defer cancel()
	classW, err := b.l.class.Watch(ctx, b.class)
	if err != nil {
		b.log.Warn("watching the class state", "err", err)
		return false
	}
	defer classW.Stop()
	rosterW, err := b.l.roster.Watch(ctx, b.class+".>")
	if err != nil {
		b.log.Warn("watching the roster", "err", err)
		return false
	}
	defer rosterW.Stop()
	presW, err := b.l.presence.WatchAll(ctx)
	if err != nil {
		b.log.Warn("watching the instances", "err", err)
		return false
	}
	defer presW.Stop()
	b.hub.setLinkDown(false)
	rs := &readState{rows: map[string]map[string]tui.ClassMember{}, presence: map[string]time.Time{}}
	push := time.NewTicker(bridgePass)
	defer push.Stop()
	check := time.NewTicker(time.Second)
	defer check.Stop()
	for {
		select {
		case <-b.ctx.Done():
			return false
		case e, ok := <-classW.Updates():
			if !ok {
				return false
			}
			if e != nil {
				b.onClass(rs, e, fetch)
			}
		case e, ok := <-rosterW.Updates():
			if !ok {
				return false
			}
			if e != nil {
				b.onRow(rs, e)
			}
		case e, ok := <-presW.Updates():
			if !ok {
				return false
			}
			if e != nil && e.Operation() == jetstream.KeyValuePut {
				rs.presence[e.Key()] = e.Created()
				rs.dirty = rs.dirty || !rs.alive[e.Key()]
			}
		case up := <-b.l.linkEvents:
			b.hub.setLinkDown(!up)
			if up {
				b.resync.Store(true) // the writer rewrites what is ours
				b.poke()
				return true // and we read everything again
			}
		case <-check.C: // an instance may have stopped beating
			for inst, at := range rs.presence {
				if rs.alive[inst] != (time.Since(at) < deadAfter) {
					rs.dirty = true
				}
			}
		case <-push.C:
			if rs.dirty {
				b.pushRows(rs)
			}
		}
	}
}

// onClass applies a teacher's state from another instance (or from an
// earlier run of this one).
func (b *classBridge) onClass(rs *readState, e jetstream.KeyValueEntry, fetch chan classMsg) {
	if e.Operation() != jetstream.KeyValuePut || e.Revision() <= rs.classRev {
		return
	}
	rs.classRev = e.Revision()
	var msg classMsg
	if err := json.Unmarshal(e.Value(), &msg); err != nil {
		b.log.Warn("a class state that does not decode", "bucket", "bp_class", "key", e.Key(), "err", err)
		return
	}
	if msg.Inst == b.inst && msg.Boot == b.boot {
		return // ours: the sessions here have it already
	}
	if msg.Obj == "" {
		b.hub.applyRemoteState(msg.state(msg.Model))
		return
	}
	select { // latest wins
	case <-fetch:
	default:
	}
	fetch <- msg
}

// fetchLoop loads the networks shared by reference, newest first, and
// applies each state once its network is here and checked.
func (b *classBridge) fetchLoop(fetch chan classMsg) {
	defer b.wg.Done()
	var lastDigest string
	var last []byte
	for {
		var msg classMsg
		select {
		case <-b.ctx.Done():
			return
		case msg = <-fetch:
		}
		if msg.Digest != lastDigest {
			ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
			data, err := b.l.models.GetBytes(ctx, msg.Obj)
			cancel()
			if err != nil {
				b.log.Warn("fetching the teacher's network", "object", msg.Obj, "err", err)
				continue
			}
			sum := sha256.Sum256(data)
			if hex.EncodeToString(sum[:]) != msg.Digest {
				continue // overwritten meanwhile by a newer step: its message follows
			}
			lastDigest, last = msg.Digest, data
		}
		b.hub.applyRemoteState(msg.state(last))
	}
}

// onRow records a roster row of another instance (or forgets a deleted
// one).
func (b *classBridge) onRow(rs *readState, e jetstream.KeyValueEntry) {
	parts := strings.Split(e.Key(), ".")
	if len(parts) != 3 || parts[2] == b.inst {
		return
	}
	tok, inst := parts[1], parts[2]
	if e.Operation() != jetstream.KeyValuePut {
		for id, byInst := range rs.rows {
			if KeyToken(id) == tok {
				delete(byInst, inst)
				if len(byInst) == 0 {
					delete(rs.rows, id)
				}
			}
		}
		rs.dirty = true
		return
	}
	var rm rowMsg
	if err := json.NewDecoder(bytes.NewReader(e.Value())).Decode(&rm); err != nil || KeyToken(rm.ID) != tok {
		b.log.Warn("a roster row that does not decode", "bucket", "bp_roster", "key", e.Key(), "err", err)
		return
	}
	m := rm.ClassMember
	b.withWorkFetch(&m, rm.WorkObj, rm.WorkDigest, rm.WorkSize)
	m.Name = clip(m.Name, maxName)
	m.Where = clip(m.Where, maxWhere)
	if rs.rows[m.ID] == nil {
		if len(rs.rows) >= maxRemotePeople {
			return // the roster must not grow with an open server's every name
		}
		rs.rows[m.ID] = map[string]tui.ClassMember{}
	}
	rs.rows[m.ID][inst] = m
	rs.dirty = true
}

// pushRows hands the rows to the hub, the sessions of instances that have
// stopped beating counted as gone.
func (b *classBridge) pushRows(rs *readState) {
	rs.dirty = false
	rs.alive = make(map[string]bool, len(rs.presence))
	for inst, at := range rs.presence {
		rs.alive[inst] = time.Since(at) < deadAfter
	}
	out := make(map[string][]tui.ClassMember, len(rs.rows))
	for id, byInst := range rs.rows {
		list := make([]tui.ClassMember, 0, len(byInst))
		for inst, m := range byInst {
			if !rs.alive[inst] {
				m.Sessions = 0
			}
			list = append(list, m)
		}
		out[id] = list
	}
	b.hub.setRemote(out)
}
