package network

import (
	"fmt"
	"runtime"
	"testing"
	"time"
)

// batchNet is a random network of the given sizes and activations with one
// batch of m samples pushed through it by b: the rows of every layer.
type batchRun struct {
	z, a, d [][][]float64
	gw, gb  [][]float64
}

func runBatch(t testing.TB, b *batch, net *Network, x, y [][]float64, chunks []int) *batchRun {
	L := len(net.Layers)
	m := len(x)
	r := &batchRun{z: make([][][]float64, L), a: make([][][]float64, L+1), d: make([][][]float64, L)}
	r.a[0] = x
	for l, layer := range net.Layers {
		r.z[l], r.a[l+1], r.d[l] = zeros(m, layer.Out), zeros(m, layer.Out), zeros(m, layer.Out)
		r.gw = append(r.gw, make([]float64, len(layer.W)))
		r.gb = append(r.gb, make([]float64, len(layer.B)))
	}
	first := 0
	for _, k := range chunks {
		rows := func(v [][]float64) [][]float64 { return v[first : first+k] }
		for l := range net.Layers {
			b.forward(net, l, rows(r.a[l]), rows(r.z[l]), rows(r.a[l+1]))
		}
		act := net.Layers[L-1].Act
		for i := first; i < first+k; i++ {
			outputDelta(net.Cost, act, r.z[L-1][i], r.a[L][i], y[i], r.d[L-1][i])
		}
		for l := L - 2; l >= 0; l-- {
			b.backward(net, l, rows(r.z[l]), rows(r.a[l+1]), rows(r.d[l+1]), rows(r.d[l]))
		}
		b.grad(net, r.a, r.d, first, k, r.gw, r.gb, false, nil)
		first += k
	}
	if first != m {
		t.Fatalf("chunks %v do not add up to %d", chunks, m)
	}
	return r
}

func (r *batchRun) equal(o *batchRun) error {
	for l := range r.z {
		if i, ok := sameRows(r.z[l], o.z[l]); !ok {
			return fmt.Errorf("z of layer %d, row %d", l, i)
		}
		if i, ok := sameRows(r.a[l+1], o.a[l+1]); !ok {
			return fmt.Errorf("a of layer %d, row %d", l, i)
		}
		if i, ok := sameRows(r.d[l], o.d[l]); !ok {
			return fmt.Errorf("δ of layer %d, row %d", l, i)
		}
		if !sameBits(r.gw[l], o.gw[l]) || !sameBits(r.gb[l], o.gb[l]) {
			return fmt.Errorf("gradient sums of layer %d", l)
		}
	}
	return nil
}

// TestBatchThreads checks that 1, 2 and 3 threads and any chunking of the
// samples (down to one at a time) give the same bits.
func TestBatchThreads(t *testing.T) {
	for _, sh := range []struct {
		sizes []int
		acts  []Activation
		m     int
	}{
		{[]int{784, 100, 10}, []Activation{Sigmoid, Sigmoid}, 37},
		{[]int{200, 130, 70, 10}, []Activation{Tanh, ReLU, Softmax}, 23},
		{[]int{3, 5, 2}, []Activation{LeakyReLU, Sigmoid}, 9},
	} {
		net := mustNet(t, sh.sizes, sh.acts, Quadratic, 3)
		if sh.acts[len(sh.acts)-1] == Softmax {
			net.Cost = CrossEntropy
		}
		set := synth(sh.m, sh.sizes[0], sh.sizes[len(sh.sizes)-1], 4)
		var want *batchRun
		for _, threads := range []int{1, 2, 3} {
			for _, chunks := range [][]int{{sh.m}, {1, sh.m - 1}, {sh.m / 2, sh.m - sh.m/2}} {
				b := newBatch(net, threads)
				got := runBatch(t, b, net, set.X, set.Y, chunks)
				b.close()
				if want == nil {
					want = got
					continue
				}
				if err := want.equal(got); err != nil {
					t.Fatalf("%v, %d threads, chunks %v: %v differ", sh.sizes, threads, chunks, err)
				}
			}
		}
		// One sample at a time.
		ones := make([]int, sh.m)
		for i := range ones {
			ones[i] = 1
		}
		if err := want.equal(runBatch(t, newBatch(net, 1), net, set.X, set.Y, ones)); err != nil {
			t.Fatalf("%v, one sample at a time: %v differ", sh.sizes, err)
		}
	}
}

// TestBatchClose checks that close ends every helper, also when they were
// parked.
func TestBatchClose(t *testing.T) {
	before := runtime.NumGoroutine()
	net := mustNet(t, []int{784, 64, 10}, []Activation{Sigmoid, Sigmoid}, Quadratic, 1)
	set := synth(20, 784, 10, 1)
	b := newBatch(net, 3)
	runBatch(t, b, net, set.X, set.Y, []int{20})
	time.Sleep(20 * time.Millisecond) // let the helpers park
	runBatch(t, b, net, set.X, set.Y, []int{20})
	b.close()
	b.close()
	for i := 0; runtime.NumGoroutine() > before && i < 100; i++ {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after close, %d before", n, before)
	}
}

func TestBatchAllocs(t *testing.T) {
	net := mustNet(t, []int{784, 64, 10}, []Activation{Sigmoid, Sigmoid}, Quadratic, 1)
	set := synth(20, 784, 10, 1)
	for _, threads := range []int{1, 2} {
		b := newBatch(net, threads)
		r := runBatch(t, b, net, set.X, set.Y, []int{20})
		a := testing.AllocsPerRun(20, func() {
			for l := range net.Layers {
				b.forward(net, l, r.a[l], r.z[l], r.a[l+1])
			}
			b.backward(net, 0, r.z[0], r.a[1], r.d[1], r.d[0])
			b.grad(net, r.a, r.d, 0, 20, r.gw, r.gb, false, nil)
		})
		b.close()
		if a != 0 {
			t.Errorf("%d threads: %v allocations per batch, want 0", threads, a)
		}
	}
}

// BenchmarkBatchTrain is the fast path's work without the stepper: forward,
// output δ, backward, gradient sums and the SGD step for mini-batches of m
// synthetic samples. GFMA/s counts the multiply-adds of the kernels.
func BenchmarkBatchTrain(b *testing.B) {
	for _, sizes := range [][]int{{64, 30, 10}, {784, 30, 10}, {784, 100, 10}, {784, 256, 128, 100, 10}} {
		for _, m := range []int{10, 100} {
			for _, threads := range []int{1, 2} {
				b.Run(fmt.Sprintf("%v/m=%d/threads=%d", sizes, m, threads), func(b *testing.B) {
					acts := make([]Activation, len(sizes)-1)
					for i := range acts {
						acts[i] = Sigmoid
					}
					net := mustNet(b, sizes, acts, Quadratic, 1)
					set := synth(1000, sizes[0], sizes[len(sizes)-1], 1)
					bt := newBatch(net, threads)
					defer bt.close()
					x, y := set.X[:m], set.Y[:m]
					r := runBatch(b, bt, net, x, y, []int{m})
					L := len(net.Layers)
					fmas := 0
					for l, layer := range net.Layers {
						fmas += 2 * layer.In * layer.Out
						if l > 0 {
							fmas += layer.In * layer.Out
						}
					}
					b.ResetTimer()
					for i := 0; i < b.N; i += m {
						off := (i / m * m) % (len(set.X) - m)
						x, y = set.X[off:off+m], set.Y[off:off+m]
						r.a[0] = x
						for l := range net.Layers {
							bt.forward(net, l, r.a[l], r.z[l], r.a[l+1])
						}
						for s := range m {
							outputDelta(net.Cost, net.Layers[L-1].Act, r.z[L-1][s], r.a[L][s], y[s], r.d[L-1][s])
						}
						for l := L - 2; l >= 0; l-- {
							bt.backward(net, l, r.z[l], r.a[l+1], r.d[l+1], r.d[l])
						}
						for l := range net.Layers {
							clear(r.gw[l])
							clear(r.gb[l])
						}
						bt.grad(net, r.a, r.d, 0, m, r.gw, r.gb, false, nil)
						for l, layer := range net.Layers {
							for k, g := range r.gw[l] {
								layer.W[k] -= 3 * (g / float64(m))
							}
							for k, g := range r.gb[l] {
								layer.B[k] -= 3 * (g / float64(m))
							}
						}
					}
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "samples/s")
					b.ReportMetric(float64(b.N)*float64(fmas)/b.Elapsed().Seconds()/1e9, "GFMA/s")
				})
			}
		}
	}
}
