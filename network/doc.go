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
//	w ← w − (η/m) Σ_x ∂C_x/∂w        plain SGD over a mini-batch of m samples
//
// # Invariants
//
//   - Layer weights are row-major: W[j*In+k] is the weight from neuron k of
//     the previous layer to neuron j of this layer.
//   - Every random choice comes from a seed the caller passes in. The package
//     has no global state and no goroutines.
//   - Stepping and running execute the same code: N single steps leave the
//     weights bit-identical to one N-step run.
//   - Nothing panics on bad numbers: NaN or Inf put the Stepper into the
//     diverged state, which names the layer. So does a layer whose largest
//     weight grows more than OvershootRatio-fold in one epoch.
//   - All multiply-adds go through the kernels in kernels.go, which fix the
//     summation order per sample. The AVX versions (amd64) compute the same
//     bits as the Go ones (build tag purego forces Go).
//   - Undo snapshots cover every Step, Run, RunFor, SetHyper, SetWeight,
//     SetBias, Reset and Reseed, within a memory budget (DefaultUndoBudget).
//   - A model file (Model) holds the whole state; loading it and training on
//     gives the same bits as never having saved.
//
// Don't be clever: clarity of the math beats a few percent of speed, except in
// the kernels that the benchmarks measure.
package network
