package server

import (
	"context"
	"log/slog"
	"time"
)

// The server's side of NATS: the class bridge (classroom mode), the
// retries of the users' writes NATS could not take, and each session's
// progress store and saves mirror.

// AutosaveEvery is how often a session shared through NATS autosaves its
// network to its saves (tui.Options.Autosave), which the mirror copies to
// NATS: an instance killed mid-class loses at most this much training.
const AutosaveEvery = 30 * time.Second

// storeSyncEvery is how often writes NATS could not take are retried.
const storeSyncEvery = 2 * time.Second

// startNATS starts the bridge and the store's retries.
func (s *Server) startNATS() {
	ctx, cancel := context.WithCancel(context.Background())
	s.nstop = cancel
	if s.hub != nil {
		s.bridge = startBridge(s.cfg.NATS, s.hub, s.log)
	}
	if s.nstore != nil {
		s.nwg.Add(1)
		go func() {
			defer s.nwg.Done()
			t := time.NewTicker(storeSyncEvery)
			defer t.Stop()
			for {
				select {
				case <-ctx.Done():
					s.nstore.Sync()
					return
				case <-t.C:
					s.nstore.Sync()
				}
			}
		}()
	}
}

// stopNATS stops them (once), after one last attempt at what is pending.
func (s *Server) stopNATS() {
	if s.cfg.NATS == nil {
		return
	}
	s.nonce.Do(func() {
		if s.bridge != nil {
			s.bridge.stop()
		}
		s.nstop()
		s.nwg.Wait()
	})
}

// shareUser gives a session its shared lesson progress and restores the
// user's saves from NATS before the session starts, then keeps the saves
// copied to NATS while it runs. Call the function it returns when the
// session ends: it waits for the last copy.
func (s *Server) shareUser(ctx context.Context, cancel context.CancelFunc, info *SessionInfo, log *slog.Logger) func() {
	info.Options.Progress = s.nstore.Progress(info.ID)
	info.Options.Autosave = AutosaveEvery
	m := s.nstore.mirror(info.ID, info.Options.SaveDir)
	if err := m.restore(); err != nil {
		log.Warn("saves not restored from NATS; the local copies are used", "err", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		m.run(ctx, log)
	}()
	return func() {
		cancel()
		<-done
	}
}
