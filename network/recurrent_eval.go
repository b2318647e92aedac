package network

import "math"

// Evaluating sequences: the loss is the mean over sequences of C_x (the sum
// over the steps with a target), the accuracy and the confusion matrix
// count every step with a target.

// seqClasses reports whether every step target of set is a class target.
func seqClasses(set Set, out int) bool {
	if set.Len() == 0 || out < 1 {
		return false
	}
	for _, y := range set.Y {
		for t := 0; t+out <= len(y); t += out {
			if yt := y[t : t+out]; !math.IsNaN(yt[0]) && !isClass(yt) {
				return false
			}
		}
	}
	return true
}

// stepSeq is Step on a sequence set: up to k more sequences. OnSample is
// called with the sequence's index and its last step's output.
func (e *Evaluator) stepSeq(k int) bool {
	if e.sb == nil {
		e.sb = newSeqBuf(e.net)
	}
	L := len(e.net.Layers)
	end := min(e.set.Len(), e.next+max(k, 1))
	for ; e.next < end; e.next++ {
		i := e.next
		b := e.sb
		b.set(e.set.X[i], e.set.Y[i], e.set.Seq)
		b.forwardAll()
		e.loss += b.costs()
		for t := range b.T {
			if !b.has[t] {
				continue
			}
			e.targets++
			if e.classes {
				want, got := ClassOf(b.y[t]), ClassOf(b.a[L][t])
				e.conf[want][got]++
				if want == got {
					e.right++
				}
			}
		}
		if e.OnSample != nil {
			e.OnSample(i, b.a[L][b.T-1])
		}
	}
	return e.Finished()
}
