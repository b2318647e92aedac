package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"backprop/tui"
)

// classBridge shares one instance's hub with the other instances through
// NATS. Its writer sends what changed here (the teacher's state when a
// teacher here publishes, the roster rows of the people here, each new
// answer once) at most every bridgePass; its reader watches the buckets
// and hands the others' state and rows to the hub, which wakes the
// sessions. Sessions never wait on NATS: with the link down they go on
// with this instance's class, and the bridge rewrites everything when it
// returns.
type classBridge struct {
	l     *NATSLink
	hub   *Hub
	log   *slog.Logger
	class string
	inst  string
	boot  string // this process's run, to tell our own state from a previous run's

	pokeC  chan struct{} // capacity 1: the writer has work
	resync atomic.Bool   // the link came back: rewrite everything
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	// writer goroutine only
	sentSeq   uint64
	sentRows  map[string][]byte
	lastWrite map[string]time.Time
	answered  map[string]bool
	lastBeat  time.Time
	netSlot   int
	netAt     time.Time
	works     map[string]workSent // students' large networks (natswork.go)
	workPuts  int                 // of them stored in this pass

	workCache workCache // the last student's network fetched (any goroutine)
}

// Bridge timing.
const (
	bridgePass = 100 * time.Millisecond // the writer's minimum interval between passes
	// rowEvery is the per-person rate limit on roster rows: changes in
	// between are coalesced, the newest is sent.
	rowEvery = 250 * time.Millisecond
	// netEvery bounds the writes of a large network (object store).
	netEvery = 300 * time.Millisecond
	// beatEvery is the presence heartbeat; an instance not heard from for
	// deadAfter is gone and its students count as disconnected.
	beatEvery = 3 * time.Second
	deadAfter = 12 * time.Second
	// natsOpTimeout bounds one KV operation.
	natsOpTimeout = 3 * time.Second
)

// classMsg is the bp_class value: the teacher's state, the network inline
// when small, else by reference to the object store (name and SHA-256).
type classMsg struct {
	Inst   string `json:"inst"`
	Boot   string `json:"boot"`
	Seq    uint64 `json:"seq"`
	Preset string `json:"preset,omitempty"`
	Lesson string `json:"lesson,omitempty"`
	Step   int    `json:"step"`
	Status string `json:"status,omitempty"`
	Model  []byte `json:"model,omitempty"`
	Obj    string `json:"obj,omitempty"`
	Digest string `json:"digest,omitempty"`
	Size   int    `json:"size,omitempty"`
}

func (c classMsg) state(model []byte) tui.ClassState {
	return tui.ClassState{Model: model, Preset: c.Preset, Lesson: c.Lesson, LessonStep: c.Step, Status: c.Status}
}

// presenceMsg is the bp_presence value.
type presenceMsg struct {
	Boot string    `json:"boot"`
	Beat time.Time `json:"beat"`
}

// startBridge connects hub to the shared class and starts its goroutines.
func startBridge(l *NATSLink, hub *Hub, log *slog.Logger) *classBridge {
	var boot [8]byte
	_, _ = rand.Read(boot[:])
	ctx, cancel := context.WithCancel(context.Background())
	b := &classBridge{
		l: l, hub: hub, log: log.With("nats", "class"), class: l.cfg.Class, inst: l.cfg.Instance,
		boot: hex.EncodeToString(boot[:]), pokeC: make(chan struct{}, 1), ctx: ctx, cancel: cancel,
		sentRows: map[string][]byte{}, lastWrite: map[string]time.Time{}, answered: map[string]bool{},
		works: map[string]workSent{},
	}
	hub.mu.Lock()
	hub.bridge = b
	hub.mu.Unlock()
	b.retireOwnRows()
	b.wg.Add(2)
	go b.writeLoop()
	go b.readLoop()
	return b
}

// poke tells the writer something changed (never blocks).
func (b *classBridge) poke() {
	select {
	case b.pokeC <- struct{}{}:
	default:
	}
}

// stop sends the last changes (the people who just left), then ends the
// goroutines.
func (b *classBridge) stop() {
	b.cancel()
	b.wg.Wait()
	if down, _ := b.l.Down(); !down {
		b.writeRows(context.Background())
	}
}

// opCtx is a context for one NATS operation.
func (b *classBridge) opCtx(d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), d)
}

// rowKey is the bp_roster key of id's row on this instance.
func (b *classBridge) rowKey(id string) string {
	return b.class + "." + KeyToken(id) + "." + b.inst
}

// retireOwnRows marks the rows a previous run of this instance left as
// disconnected (a killed process could not).
func (b *classBridge) retireOwnRows() {
	ctx, cancel := b.opCtx(10 * time.Second)
	defer cancel()
	keys, err := b.l.roster.ListKeysFiltered(ctx, b.class+".*."+b.inst)
	if err != nil {
		b.log.Warn("listing this instance's old roster rows", "err", err)
		return
	}
	for k := range keys.Keys() {
		e, err := b.l.roster.Get(ctx, k)
		if err != nil {
			continue
		}
		var m rowMsg
		if json.Unmarshal(e.Value(), &m) != nil || m.Sessions == 0 {
			continue
		}
		m.Sessions = 0
		if m.Teacher {
			_ = b.l.roster.Delete(ctx, k)
			continue
		}
		if data, err := json.Marshal(m); err == nil {
			_, _ = b.l.roster.Put(ctx, k, data)
		}
	}
}

// writeLoop sends the changes here, at most every bridgePass.
func (b *classBridge) writeLoop() {
	defer b.wg.Done()
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-b.pokeC:
		case <-tick.C: // rows held back by the rate limit, the heartbeat
		}
		if down, _ := b.l.Down(); !down {
			if b.resync.Swap(false) {
				clear(b.sentRows)
				b.sentSeq = 0
				b.lastBeat = time.Time{}
			}
			b.beat()
			b.writeState()
			b.writeRows(b.ctx)
		}
		select {
		case <-b.ctx.Done():
			return
		case <-time.After(bridgePass):
		}
	}
}

// beat refreshes this instance's presence.
func (b *classBridge) beat() {
	if time.Since(b.lastBeat) < beatEvery {
		return
	}
	data, _ := json.Marshal(presenceMsg{Boot: b.boot, Beat: time.Now().UTC()})
	ctx, cancel := b.opCtx(natsOpTimeout)
	defer cancel()
	if _, err := b.l.presence.Put(ctx, b.inst, data); err != nil {
		b.log.Warn("presence heartbeat", "err", err)
		return
	}
	b.lastBeat = time.Now()
}

// writeState sends the newest state a teacher here published.
func (b *classBridge) writeState() {
	st, seq := b.hub.ownState()
	if seq == 0 || seq == b.sentSeq {
		return
	}
	msg := classMsg{Inst: b.inst, Boot: b.boot, Seq: seq, Preset: st.Preset, Lesson: st.Lesson, Step: st.LessonStep,
		Status: st.Status}
	if len(st.Model) <= natsInlineModel {
		msg.Model = st.Model
	} else {
		if time.Since(b.netAt) < netEvery {
			return // the next pass sends the newest
		}
		b.netAt = time.Now()
		b.netSlot ^= 1 // two slots: a reader of the other one is not cut short
		name := fmt.Sprintf("class/%s/net-%d", b.class, b.netSlot)
		ctx, cancel := b.opCtx(30 * time.Second)
		_, err := b.l.models.PutBytes(ctx, name, st.Model)
		cancel()
		if err != nil {
			b.log.Warn("sharing the teacher's network", "object", name, "bytes", len(st.Model), "err", err)
			b.deleteObject(name)
			return
		}
		sum := sha256.Sum256(st.Model)
		msg.Obj, msg.Digest, msg.Size = name, hex.EncodeToString(sum[:]), len(st.Model)
	}
	data, err := json.Marshal(msg)
	if err != nil {
		return
	}
	ctx, cancel := b.opCtx(natsOpTimeout)
	defer cancel()
	if _, err := b.l.class.Put(ctx, b.class, data); err != nil {
		b.log.Warn("sharing the teacher's state", "bucket", "bp_class", "key", b.class, "bytes", len(data), "err", err)
		return
	}
	b.sentSeq = seq
}

// deleteObject removes what a failed put may have left (its meta).
func (b *classBridge) deleteObject(name string) {
	ctx, cancel := b.opCtx(natsOpTimeout)
	defer cancel()
	_ = b.l.models.Delete(ctx, name)
}

// writeRows sends the roster rows that changed here (each person at most
// every rowEvery), deletes the rows of teachers who left, and records new
// answers.
func (b *classBridge) writeRows(ctx context.Context) {
	rows := b.hub.localRows()
	b.workPuts = 0
	here := make(map[string]bool, len(rows))
	now := time.Now()
	for _, r := range rows {
		here[r.ID] = true
		data, err := fitRow(b.rowOut(ctx, r))
		if err != nil {
			b.log.Warn("a roster row too large to share", "bucket", "bp_roster", "key", b.rowKey(r.ID), "err", err)
			continue
		}
		if bytes.Equal(data, b.sentRows[r.ID]) || now.Sub(b.lastWrite[r.ID]) < rowEvery {
			continue
		}
		octx, cancel := context.WithTimeout(ctx, natsOpTimeout)
		_, err = b.l.roster.Put(octx, b.rowKey(r.ID), data)
		cancel()
		if err != nil {
			b.log.Warn("sharing a roster row", "bucket", "bp_roster", "key", b.rowKey(r.ID), "err", err)
			return // the link is probably down: the next pass retries
		}
		b.sentRows[r.ID], b.lastWrite[r.ID] = data, now
		b.recordAnswers(ctx, r)
	}
	for id := range b.sentRows {
		if here[id] {
			continue
		}
		octx, cancel := context.WithTimeout(ctx, natsOpTimeout)
		err := b.l.roster.Delete(octx, b.rowKey(id))
		cancel()
		if err == nil {
			delete(b.sentRows, id)
			delete(b.lastWrite, id)
			b.forgetWork(id)
		}
	}
}

// rowFits is the size a roster row must fit in (the bucket's value limit,
// less room for the message's headers).
const rowFits = natsRosterValueMax - 512

// fitRow encodes r, made to fit a bp_roster value: a row too large loses
// first the network in its class-wall summary ("work"."model": one over
// natsInlineModel went by reference already, so only a row with a large
// progress gets here; the teacher then opens it only on the student's own
// instance), then its progress (the lesson position still goes).
func fitRow(r rowMsg) ([]byte, error) {
	data, err := json.Marshal(r)
	if err != nil || len(data) <= rowFits {
		return data, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err == nil {
		var work map[string]json.RawMessage
		if json.Unmarshal(fields["work"], &work) == nil && work["model"] != nil {
			delete(work, "model")
			if w, err := json.Marshal(work); err == nil {
				fields["work"] = w
				if d, err := json.Marshal(fields); err == nil {
					data = d
				}
			}
		}
		if len(data) <= rowFits {
			return data, nil
		}
	}
	if r.Progress != nil {
		r.Progress = nil
		return fitRow(r)
	}
	return nil, fmt.Errorf("%d bytes, more than %d", len(data), rowFits)
}

// answerRecord is a bp_answers value.
type answerRecord struct {
	ID      string    `json:"id"`
	Name    string    `json:"name"`
	Lesson  string    `json:"lesson"`
	Key     string    `json:"key"` // step.question, 0-based
	Option  string    `json:"option"`
	Correct bool      `json:"correct"`
	At      time.Time `json:"at"`
}

// maxAnswered bounds the answers the writer remembers having recorded
// (forgetting only costs a Create that finds the key).
const maxAnswered = 100_000

// recordAnswers creates one bp_answers key per answer of r: the first
// write wins, so a retry, a second instance or a second session can never
// record an answer twice.
func (b *classBridge) recordAnswers(ctx context.Context, r tui.ClassMember) {
	if r.Progress == nil || r.Teacher {
		return
	}
	if len(b.answered) > maxAnswered {
		clear(b.answered)
	}
	for lid, lp := range r.Progress.Lessons {
		if lp == nil {
			continue
		}
		for k, a := range lp.Given {
			key := b.class + "." + KeyToken(r.ID) + "." + KeyToken(lid) + "." + strings.ReplaceAll(k, ".", "_")
			if b.answered[key] {
				continue
			}
			data, _ := json.Marshal(answerRecord{ID: r.ID, Name: r.Name, Lesson: lid, Key: k, Option: a.Option,
				Correct: a.Correct, At: a.At})
			octx, cancel := context.WithTimeout(ctx, natsOpTimeout)
			_, err := b.l.answers.Create(octx, key, data)
			cancel()
			if err == nil || errors.Is(err, jetstream.ErrKeyExists) {
				b.answered[key] = true
			}
		}
	}
}
