package server

import (
	"runtime/debug"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/tui"
)

// Terminal sizes are the client's word: a pty request or window change may
// claim 65535×65535, and a frame of that size would take gigabytes (Go's
// out-of-memory error ends the whole process, every session with it). Every
// size the server accepts is clamped to this before anything sees it; a
// bigger terminal shows the app in its top-left corner.
const (
	MaxTermWidth  = tui.MaxWidth
	MaxTermHeight = tui.MaxHeight
)

// clampSize bounds a client's terminal size to [0, MaxTerm*].
func clampSize(w, h int) (int, int) {
	return min(max(w, 0), MaxTermWidth), min(max(h, 0), MaxTermHeight)
}

// clampWindow clamps a WindowSizeMsg; other messages pass unchanged.
func clampWindow(msg tea.Msg) tea.Msg {
	if ws, ok := msg.(tea.WindowSizeMsg); ok {
		ws.Width, ws.Height = clampSize(ws.Width, ws.Height)
		return ws
	}
	return msg
}

// releaseEvery bounds how often a session's end returns memory to the OS
// (debug.FreeOSMemory is a full collection).
const releaseEvery = 5 * time.Second

// memReleaser gives the memory of ended sessions back to the operating
// system: at once if the last release is releaseEvery ago, else once at the
// end of that interval (many sessions ending together cost one release).
type memReleaser struct {
	mu      sync.Mutex
	last    time.Time
	timer   *time.Timer
	stopped bool
}

// sessionEnded schedules a release.
func (r *memReleaser) sessionEnded() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stopped || r.timer != nil {
		return // one is pending
	}
	wait := max(releaseEvery-time.Since(r.last), 0)
	r.timer = time.AfterFunc(wait, r.release)
}

func (r *memReleaser) release() {
	r.mu.Lock()
	r.timer = nil
	if r.stopped {
		r.mu.Unlock()
		return
	}
	r.last = time.Now()
	r.mu.Unlock()
	debug.FreeOSMemory()
}

// stop cancels a pending release.
func (r *memReleaser) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.stopped = true
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}
