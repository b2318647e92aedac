package server

import (
	"runtime/metrics"
	"time"
)

// Under CPU pressure (the Go run queue backs up, e.g. because the machine
// is busy with other work) the scheduler shrinks the training share, so
// screens and key presses keep their CPU; when the queue drains it grows
// back to the full share.
const (
	adaptEvery  = 250 * time.Millisecond
	highLatency = 20 * time.Millisecond // p90 wait before running
	lowLatency  = 5 * time.Millisecond
	minFactor   = 0.1
)

// schedLatency reports the 90th percentile of how long goroutines waited
// to run since the previous call (runtime/metrics /sched/latencies).
type schedLatency struct {
	sample []metrics.Sample
	prev   []uint64
}

func newSchedLatency() *schedLatency {
	return &schedLatency{sample: []metrics.Sample{{Name: "/sched/latencies:seconds"}}}
}

func (l *schedLatency) p90() (time.Duration, bool) {
	metrics.Read(l.sample)
	if l.sample[0].Value.Kind() != metrics.KindFloat64Histogram {
		return 0, false
	}
	h := l.sample[0].Value.Float64Histogram()
	prev := l.prev
	l.prev = append(l.prev[:0:0], h.Counts...)
	if len(prev) != len(h.Counts) {
		return 0, false
	}
	var total uint64
	delta := make([]uint64, len(h.Counts))
	for i, c := range h.Counts {
		delta[i] = c - prev[i]
		total += delta[i]
	}
	if total < 20 {
		return 0, false
	}
	want := total * 9 / 10
	var acc uint64
	for i, d := range delta {
		acc += d
		if acc >= want {
			// Buckets[i+1] is the upper edge of bucket i.
			return time.Duration(h.Buckets[i+1] * float64(time.Second)), true
		}
	}
	return 0, false
}

// adaptLocked updates the pressure factor at most every adaptEvery.
func (s *Scheduler) adaptLocked(now time.Time) {
	if s.latency == nil || now.Sub(s.lastAdapt) < adaptEvery {
		return
	}
	s.lastAdapt = now
	p, ok := s.latency()
	if !ok {
		return
	}
	switch {
	case p > highLatency:
		s.factor = max(minFactor, s.factor*0.7)
	case p < lowLatency:
		s.factor = min(1, s.factor*1.25)
	}
}

// Factor is the current fraction of the share handed out (1: no pressure).
func (s *Scheduler) Factor() float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.factor
}
