package server

import (
	"context"
	"io"

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
func pumpInput(ctx context.Context, p *tea.Program, in io.Reader, term string) {
	events := make(chan uv.Event)
	tr := uv.NewTerminalReader(&pasteCap{r: in, max: MaxPaste}, term)
	go func() {
		_ = tr.StreamEvents(ctx, events)
		close(events)
	}()
	go func() {
		for ev := range events {
			p.Send(ev) // returns at once when the program has ended
		}
	}()
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
