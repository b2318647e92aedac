package tui

import (
	"fmt"
	"strings"
	"testing"
)

func TestLayout(t *testing.T) {
	tests := []struct {
		w, h     int
		tab      PaneKind
		need     Needs
		tooSmall bool
		tabs     bool
		want     map[PaneKind]Rect
	}{
		{w: 80, h: 24, tab: PaneBoundary, tabs: true, want: map[PaneKind]Rect{
			PaneTopology:  {0, 1, 48, 9},
			PaneInspector: {0, 10, 48, 12},
			PaneBoundary:  {48, 1, 32, 21},
		}},
		{w: 80, h: 24, tab: PaneLoss, tabs: true, want: map[PaneKind]Rect{
			PaneTopology:  {0, 1, 48, 9},
			PaneInspector: {0, 10, 48, 12},
			PaneLoss:      {48, 1, 32, 21},
		}},
		// a non-tabbed pane asked for at compact size falls back to Boundary
		{w: 80, h: 24, tab: PaneTopology, tabs: true, want: map[PaneKind]Rect{
			PaneTopology:  {0, 1, 48, 9},
			PaneInspector: {0, 10, 48, 12},
			PaneBoundary:  {48, 1, 32, 21},
		}},
		{w: 60, h: 18, tab: PaneBoundary, tabs: true, want: map[PaneKind]Rect{
			PaneTopology:  {0, 1, 36, 6},
			PaneInspector: {0, 7, 36, 9},
			PaneBoundary:  {36, 1, 24, 15},
		}},
		{w: 119, h: 40, tab: PaneSample, tabs: true, want: map[PaneKind]Rect{
			PaneTopology:  {0, 1, 71, 16},
			PaneInspector: {0, 17, 71, 21},
			PaneSample:    {71, 1, 48, 37},
		}},
		{w: 120, h: 40, want: map[PaneKind]Rect{
			PaneTopology:    {0, 0, 48, 19},
			PaneInspector:   {0, 19, 48, 19},
			PaneActivations: {48, 0, 36, 15},
			PaneWeights:     {48, 15, 36, 23},
			PaneBoundary:    {84, 0, 36, 15},
			PaneLoss:        {84, 15, 36, 11},
			PaneSample:      {84, 26, 36, 12},
		}},
		// xor: small Activations and Weights give the Loss chart the
		// middle column's rest, so Boundary and Sample share the right
		{w: 120, h: 40, need: Needs{Activations: 5, Weights: 9, Sample: 11}, want: map[PaneKind]Rect{
			PaneTopology:    {0, 0, 48, 19},
			PaneInspector:   {0, 19, 48, 19},
			PaneActivations: {48, 0, 36, 7},
			PaneWeights:     {48, 7, 36, 11},
			PaneLoss:        {48, 18, 36, 20},
			PaneBoundary:    {84, 0, 36, 25},
			PaneSample:      {84, 25, 36, 13},
		}},
		// digits: Weights needs more than the column; Loss stays right,
		// Sample takes what it needs while Loss keeps its minimum
		{w: 120, h: 40, need: Needs{Activations: 5, Weights: 40, Sample: 30}, want: map[PaneKind]Rect{
			PaneTopology:    {0, 0, 48, 19},
			PaneInspector:   {0, 19, 48, 19},
			PaneActivations: {48, 0, 36, 7},
			PaneWeights:     {48, 7, 36, 31},
			PaneBoundary:    {84, 0, 36, 15},
			PaneLoss:        {84, 15, 36, 9},
			PaneSample:      {84, 24, 36, 14},
		}},
		{w: 160, h: 48, want: map[PaneKind]Rect{
			PaneTopology:    {0, 0, 64, 23},
			PaneInspector:   {0, 23, 64, 23},
			PaneActivations: {64, 0, 48, 18},
			PaneWeights:     {64, 18, 48, 28},
			PaneBoundary:    {112, 0, 48, 18},
			PaneLoss:        {112, 18, 48, 14},
			PaneSample:      {112, 32, 48, 14},
		}},
		{w: 59, h: 24, tooSmall: true},
		{w: 80, h: 17, tooSmall: true},
		{w: 1, h: 1, tooSmall: true},
		{w: 0, h: 0, tooSmall: true},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%dx%d/%s", tc.w, tc.h, tc.tab), func(t *testing.T) {
			s := Layout(tc.w, tc.h, tc.tab, tc.need)
			if s.TooSmall != tc.tooSmall {
				t.Fatalf("TooSmall = %v, want %v", s.TooSmall, tc.tooSmall)
			}
			if tc.tooSmall {
				if len(s.Panes) != 0 {
					t.Errorf("too small but placed %d panes", len(s.Panes))
				}
				return
			}
			if got := !s.Tabs.Empty(); got != tc.tabs {
				t.Errorf("tabs shown = %v, want %v", got, tc.tabs)
			}
			if len(s.Panes) != len(tc.want) {
				t.Errorf("got %d panes, want %d", len(s.Panes), len(tc.want))
			}
			for k, want := range tc.want {
				got, ok := s.Pane(k)
				if !ok {
					t.Errorf("%s not placed", k)
					continue
				}
				if got != want {
					t.Errorf("%s = %+v, want %+v", k, got, want)
				}
			}
			if s.Status != (Rect{0, tc.h - 2, tc.w, 1}) || s.Help != (Rect{0, tc.h - 1, tc.w, 1}) {
				t.Errorf("status %+v help %+v", s.Status, s.Help)
			}
		})
	}
}

// TestLayoutTiles checks, for every size from the minimum to 200×60 and
// panes needing few rows, many or any, that the panes tile Main exactly (every cell covered once), that each pane has
// room for a border and some content, and that the rows above and below
// Main hold exactly the tabs, status and help.
func TestLayoutTiles(t *testing.T) {
	needs := []Needs{{}, {Activations: 5, Weights: 9, Sample: 11}, {Activations: 1, Weights: 1, Sample: 1},
		{Activations: 5, Weights: 40, Sample: 30}, {Activations: 100, Weights: 100, Sample: 100}}
	for _, need := range needs {
		for i := range 141 * 43 {
			w, h := MinWidth+i/43, MinHeight+i%43
			s := Layout(w, h, PaneLoss, need)
			cover := make([]int, w*h)
			for _, p := range s.Panes {
				if p.W < 12 || p.H < 5 {
					t.Fatalf("%dx%d: %s is %dx%d, too small to draw", w, h, p.Kind, p.W, p.H)
				}
				for y := p.Y; y < p.Y+p.H; y++ {
					for x := p.X; x < p.X+p.W; x++ {
						if !s.Main.Contains(x, y) {
							t.Fatalf("%dx%d: %s leaves Main at (%d,%d)", w, h, p.Kind, x, y)
						}
						cover[y*w+x]++
					}
				}
			}
			for y := s.Main.Y; y < s.Main.Y+s.Main.H; y++ {
				for x := 0; x < w; x++ {
					if c := cover[y*w+x]; c != 1 {
						t.Fatalf("%dx%d: cell (%d,%d) covered %d times", w, h, x, y, c)
					}
				}
			}
			used := s.Main.H + 2 + s.Tabs.H
			if used != h {
				t.Fatalf("%dx%d: rows used %d", w, h, used)
			}
		}
	}
}

// TestLayoutPicture draws the 80×24 arrangement as letters, the way
// lazygit's tests draw expected layouts.
func TestLayoutPicture(t *testing.T) {
	s := Layout(80, 24, PaneBoundary, Needs{})
	grid := make([][]byte, 24)
	for y := range grid {
		grid[y] = []byte(strings.Repeat(".", 80))
	}
	fill := func(r Rect, c byte) {
		for y := r.Y; y < r.Y+r.H; y++ {
			for x := r.X; x < r.X+r.W; x++ {
				grid[y][x] = c
			}
		}
	}
	fill(s.Tabs, '=')
	for _, p := range s.Panes {
		fill(p.Rect, p.Kind.String()[0])
	}
	fill(s.Status, '$')
	fill(s.Help, '?')
	var got []string
	for _, row := range grid {
		got = append(got, compress(string(row)))
	}
	want := []string{
		"=80",
		"T48 B32", "T48 B32", "T48 B32", "T48 B32", "T48 B32", "T48 B32", "T48 B32", "T48 B32", "T48 B32",
		"I48 B32", "I48 B32", "I48 B32", "I48 B32", "I48 B32", "I48 B32", "I48 B32", "I48 B32", "I48 B32",
		"I48 B32", "I48 B32", "I48 B32",
		"$80",
		"?80",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("layout:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// compress run-length encodes a row: "TTTBB" → "T3 B2".
func compress(row string) string {
	var parts []string
	for i := 0; i < len(row); {
		j := i
		for j < len(row) && row[j] == row[i] {
			j++
		}
		parts = append(parts, fmt.Sprintf("%c%d", row[i], j-i))
		i = j
	}
	return strings.Join(parts, " ")
}
