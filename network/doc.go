// Package network is backprop's learning engine: dense layers, activations,
// costs, optimizers, and a Stepper that its caller drives one neuron, phase,
// sample, mini-batch or epoch at a time, leaving a Trace of every
// intermediate value.
//
// Notation follows Nielsen's "Neural Networks and Deep Learning":
//
//	z^l = w^l a^{l-1} + b^l          weighted input of layer l
//	a^l = σ(z^l)                      activation of layer l, a^0 = x
//	δ^L = ∇_a C ⊙ σ'(z^L)             output error
//	δ^l = ((w^{l+1})ᵀ δ^{l+1}) ⊙ σ'(z^l)
//	∂C/∂b^l_j = δ^l_j,  ∂C/∂w^l_jk = a^{l-1}_k δ^l_j
//	g = (1/m) Σ_x ∂C_x/∂w + (λ2/n) w + (λ1/n) sgn(w)
//	w ← w − η g                       SGD over a mini-batch of m samples, n in the set
//
// with momentum and Adam as written in update.go (and checked step by step
// against torch.optim).
//
// # The Stepper's files
//
// The Stepper is one type spread over files along its seams: stepper.go
// (construction, accessors), state.go (the training state), phases.go (the
// phase machine), update.go (the update rules), epoch.go (the epoch's end
// and evaluation), run.go (the fast run path), edit.go (hand edits, Reset,
// Reseed), undo.go and trace.go. Model files are model.go (the state as a
// file and back), modelfile.go (parsing and validation) and save.go
// (writing, atomically).
//
// # The state
//
// Everything training changes is one value, state: hyper-parameters,
// position (cursor), the epoch's order (the RNG state), the weights, the
// initial weights, the mini-batch sums, the optimizer moments, the last
// update, the history, status, and the perceptron's record. Undo keeps
// copies of it, restart starts it afresh keeping what its one struct
// literal names, and a model file is it written out. Parameter-shaped
// values (weights, sums, moments) share one type, params. The mini-batch's
// intermediates (z, a, δ per sample) are work buffers beside it: a row is
// always computed before it is read, so undo keeps only the current
// sample's row.
//
// A second layer kind (recurrent: h_t = σ(W_x x_t + W_h h_{t−1} + b)) adds
// its parameter W_h to params (so its sums, moments, updates, undo and file
// follow), a time step t to cursor, and a time index to the rows; the
// phases gain t (Forward t = 1…T, Backward t = T…1) without re-spelling
// the state.
//
// # Invariants
//
//   - Layer weights are row-major: W[j*In+k] is the weight from neuron k of
//     the previous layer to neuron j of this layer.
//   - Every random choice comes from a seed the caller passes in: the
//     initial weights from NewRand(seed), epoch e's order from (Seed, e).
//     The package has no global state and no goroutines.
//   - Stepping and running execute the same code: N single steps leave the
//     weights bit-identical to one N-step run.
//   - Nothing panics on bad numbers: NaN or Inf put the Stepper into the
//     diverged state, which names the layer. So does a layer whose largest
//     weight grows more than OvershootRatio-fold in one epoch.
//   - All multiply-adds go through the kernels in kernels.go, which fix the
//     summation order per sample. The AVX versions (amd64) compute the same
//     bits as the Go ones (build tag purego forces Go). The stepped and fast
//     paths call them in three places: forwardLayer, backwardLayer and
//     accumulate (phases.go), plus update's SGD kernel.
//   - Every store that grows with a run is bounded: History (MaxHistory
//     entries; older epochs merged in pairs, keeping their min and max),
//     BatchLosses (MaxBatchLosses), the perceptron's epoch-end states
//     (maxSeenFloats) and undo (its budget, counted before a snapshot is
//     taken; a state bigger than the budget takes none). A run of hours has
//     flat memory, and its model file stays small.
//   - Undo snapshots cover every Step, Run, RunFor, SetHyper, SetWeight,
//     SetBias, Reset and Reseed, within a memory budget (DefaultUndoBudget;
//     SetUndoBudget(0) for callers that never undo).
//   - A network has at most MaxNeurons per layer and MaxParams weights and
//     biases; New, NewStepper and model files refuse more before they
//     allocate. LoadModel reads only a regular file of at most
//     MaxModelBytes, and a guard in front of the JSON decoder stops a file
//     that holds more values, a longer array or deeper nesting than any
//     model (modelread.go).
//   - A model file (Model) holds the whole state; loading it and training on
//     gives the same bits as never having saved. Saving streams, writes a
//     temporary file that is synced and renamed (then the folder synced),
//     and never changes the Stepper.
//
// Don't be clever: clarity of the math beats a few percent of speed, except in
// the kernels that the benchmarks measure.
package network
