package tui

import (
	"bytes"
	"io"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/network"
)

// Autosave (Options.Autosave): every period the trainer's network, if it
// changed since the last autosave, is encoded in Update (as a classroom
// publish is) and written atomically by a Cmd to
// SaveDir/autosave-<preset>.json, where the load prompt finds it.

// autosaved is what the last autosave wrote.
type autosaved struct {
	sess    *session
	version uint64
	failed  bool // the last write failed (said once)
}

// autosaveMsg is the autosave tick; autosaveDoneMsg the write's result.
type (
	autosaveMsg     struct{}
	autosaveDoneMsg struct {
		path string
		err  error
	}
)

// autosaveTick schedules the next autosave (nil when off).
func (m *Model) autosaveTick() tea.Cmd {
	d := m.app.opts.Autosave
	if d <= 0 || m.app.opts.SaveDir == "" {
		return nil
	}
	return tea.Tick(d, func(time.Time) tea.Msg { return autosaveMsg{} })
}

// autosaveUpdate handles the autosave's messages.
func (m *Model) autosaveUpdate(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case autosaveMsg:
		return tea.Batch(m.autosave(), m.autosaveTick()), true
	case autosaveDoneMsg:
		if msg.err != nil && !m.auto.failed {
			m.app.setFlash("autosave failed: "+m.app.hidePath(msg.err, msg.path, filepath.Base(msg.path)).Error(), true)
		}
		m.auto.failed = msg.err != nil
		return nil, true
	}
	return nil, false
}

// autosave encodes the trainer's network when it changed and returns the
// Cmd that writes it (nil: nothing to save).
func (m *Model) autosave() tea.Cmd {
	s := m.tr.sess
	if s == nil || s.throwaway || s.st == nil || (m.auto.sess == s && m.auto.version == s.version) ||
		(m.class != nil && m.class.following) { // a follower's network is the teacher's
		return nil
	}
	mf, err := s.modelFile()
	if err != nil {
		return nil
	}
	var buf bytes.Buffer
	if err := mf.Write(&buf); err != nil {
		return nil
	}
	m.auto.sess, m.auto.version = s, s.version
	path := filepath.Join(m.app.opts.SaveDir, "autosave-"+s.fileStem()+".json")
	data := buf.Bytes()
	return func() tea.Msg {
		return autosaveDoneMsg{path, network.WriteAtomic(path, func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		})}
	}
}
