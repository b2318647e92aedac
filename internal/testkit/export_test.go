package testkit

import "testing"

// PaneWithTB returns p reporting to tb (to test how waits fail).
func PaneWithTB(p *Pane, tb testing.TB) *Pane {
	x := *p.x
	x.tb = tb
	return &Pane{x: &x, Target: p.Target, status: p.status}
}
