package server

import (
	"context"
	"io"
	"strings"

	tea "charm.land/bubbletea/v2"
	uv "github.com/charmbracelet/ultraviolet"
)

// A session's keystrokes are parsed here, not by Bubble Tea's own reader:
// that reader sends each event into the program's channel without watching
// the program's context, so input that arrives as a program ends (keys
// after q, mouse motion, a terminal's late reply) leaves its goroutine
// blocked for ever, and with it the whole program (model, renderer
// buffers): memory that a session never gives back. pumpInput hands events
// over with Program.Send, which gives up once the program has ended; the
// program itself gets an input that never yields a byte (idleInput).

// pumpInput parses in (the session's input, pasted text capped) into
// events for p until in ends. term is the client's TERM.
//
// Events queue while the program is busy; a run of at least pasteRun
// typed characters found queued together is handed over as one paste (no
// one types that fast: it is a paste from a terminal without bracketed
// paste, or a script), so a raw megabyte costs a few hundred messages
// instead of a million.
func pumpInput(ctx context.Context, p *tea.Program, in io.Reader, term string) {
	events := make(chan uv.Event, pumpQueue)
	tr := uv.NewTerminalReader(&pasteCap{r: in, max: MaxPaste}, term)
	go func() {
		_ = tr.StreamEvents(ctx, events)
		close(events)
	}()
	go func() {
		batch := make([]uv.Event, 0, pumpQueue)
		for ev := range events {
			batch = append(batch[:0], ev)
		queued:
			for len(batch) < cap(batch) {
				select {
				case ev, ok := <-events:
					if !ok {
						break queued
					}
					batch = append(batch, ev)
				default:
					break queued
				}
			}
			for _, ev := range coalesce(batch) {
				p.Send(ev) // returns at once when the program has ended
			}
		}
	}()
}

const (
	pumpQueue = 1024 // events parsed ahead of the program
	pasteRun  = 64   // queued typed characters that make a paste
)

// coalesce turns each run of at least pasteRun typed characters in batch
// into one paste; other events pass as they are.
func coalesce(batch []uv.Event) []uv.Event {
	out := batch[:0:0]
	for i := 0; i < len(batch); {
		j := i
		for j < len(batch) && typed(batch[j]) {
			j++
		}
		if j-i < pasteRun {
			out = append(out, batch[i:max(j, i+1)]...)
			i = max(j, i+1)
			continue
		}
		var b strings.Builder
		for _, ev := range batch[i:j] {
			b.WriteString(ev.(uv.KeyPressEvent).Text)
		}
		out = append(out, uv.PasteEvent{Content: b.String()})
		i = j
	}
	return out
}

// typed reports whether ev is a printable character typed without ctrl or
// alt.
func typed(ev uv.Event) bool {
	k, ok := ev.(uv.KeyPressEvent)
	return ok && k.Text != "" && k.Mod&^(uv.ModShift|uv.ModCapsLock|uv.ModNumLock) == 0
}

// idleInput is the program's own input: nothing until ctx ends, then EOF.
type idleInput struct{ ctx context.Context }

func (r idleInput) Read([]byte) (int, error) {
	<-r.ctx.Done()
	return 0, io.EOF
}

// MaxPaste caps a bracketed paste (ESC[200~ … ESC[201~) as it arrives: the
// bytes past it are dropped before anything parses or stores them, so a
// client pasting a gigabyte costs no more than one pasting MaxPaste bytes.
const MaxPaste = 64 << 10

var (
	pasteStart = []byte("\x1b[200~")
	pasteEnd   = []byte("\x1b[201~")
)

// pasteCap passes r through, keeping at most max bytes of each bracketed
// paste. The paste markers always pass.
type pasteCap struct {
	r   io.Reader
	max int

	inPaste bool
	match   int // bytes of the marker being looked for matched so far
	pasted  int // bytes of this paste passed on
	out     []byte
	buf     []byte
}

func (c *pasteCap) Read(p []byte) (int, error) {
	for len(c.out) == 0 {
		if cap(c.buf) < len(p) {
			c.buf = make([]byte, len(p))
		}
		n, err := c.r.Read(c.buf[:len(p)])
		for _, b := range c.buf[:n] {
			c.filter(b)
		}
		if len(c.out) == 0 && err != nil {
			return 0, err
		}
		if n == 0 && err == nil && len(c.out) == 0 {
			return 0, nil
		}
	}
	n := copy(p, c.out)
	c.out = c.out[:copy(c.out, c.out[n:])]
	return n, nil
}

// filter takes one input byte.
func (c *pasteCap) filter(b byte) {
	if !c.inPaste {
		c.out = append(c.out, b)
		c.match = step(pasteStart, c.match, b)
		if c.match == len(pasteStart) {
			c.inPaste, c.match, c.pasted = true, 0, 0
		}
		return
	}
	// In a paste: hold what may be the start of the end marker.
	if b == pasteEnd[c.match] {
		c.match++
		if c.match == len(pasteEnd) {
			c.out = append(c.out, pasteEnd...)
			c.inPaste, c.match = false, 0
		}
		return
	}
	held := pasteEnd[:c.match]
	c.match = 0
	for _, h := range held {
		c.paste(h)
	}
	if b == pasteEnd[0] {
		c.match = 1
		return
	}
	c.paste(b)
}

// paste passes one byte of paste content while under the cap.
func (c *pasteCap) paste(b byte) {
	if c.pasted < c.max {
		c.out = append(c.out, b)
		c.pasted++
	}
}

// step advances a match of marker (which has ESC only at its start) by b.
func step(marker []byte, match int, b byte) int {
	switch {
	case b == marker[match]:
		return match + 1
	case b == marker[0]:
		return 1
	default:
		return 0
	}
}
