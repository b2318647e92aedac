// Package panes draws the trainer's panes: Topology (the network's layers,
// neurons and edges), Inspector (the focused neuron's equations with the
// traced numbers), Activations (a and z per layer as bars), Weights (a
// Hinton diagram of the focused layer), Loss (train and test curves),
// Boundary (the decision boundary, or the sample and a neuron's weights as
// images), Sample (prediction against target) and Confusion (a confusion
// matrix and its samples). TopologyHit maps a click back to a neuron.
//
// Each pane is a function from an Input — the network, the Stepper's
// Trace and position, the data, the focus, the styles and a W×H size — to
// a string, in the style of lazygit's presentation package: the pane is a
// short list of named steps, each a small function that draws one part
// (drawHeaders, drawEdges, zLine, updateLine, drawHintonRow, …) onto a
// canvas of one-cell glyphs.
//
// Notation follows package network (Nielsen's), as the learner reads it:
//
//	x, y         the sample's input and target; a⁰ = x
//	z, a         a neuron's weighted input z = Σ wₖ·aₖ + b and activation a = σ(z)
//	C            the sample's cost; the batch mean is the loss
//	δ            a neuron's error; ∂C/∂wₖ = δ·aₖ, ∂C/∂b = δ
//	w ← w − …    the update just applied, old → new
//	η, m, μ, λ   learning rate, mini-batch size, momentum, L1/L2 strength
//
// On screen, layers count from 1 (L1 is Network.Layers[0]; the inputs are
// column 0) and neurons and weights from 1 (n1, w₁); Focus, Pos and the
// engine count from 0. A value the current sample has not reached yet shows
// as "?" or "·", never as a stale number.
//
// # Invariants
//
//   - A pane is a function of its Input: it reads the engine's Trace and
//     never recomputes it, changes nothing it is given, and keeps no state
//     between calls. The one exception is the caller-owned Cache, which
//     memoises the only network evaluations (the Boundary grid and the
//     confusion matrix, keyed by a hash of the weights; while training
//     runs it may keep the last epoch's or draw at half resolution) and
//     lends drawing buffers. Without a Cache every pane computes afresh.
//   - No package-level mutable state: one server process draws many
//     sessions, each with its own Cache.
//   - Every pane returns exactly Input.W × Input.H cells: H lines joined by
//     "\n", each exactly W cells wide (ANSI styling from the themes
//     package, every glyph one cell; the tests measure it).
//   - Any Input is drawable: nil Net, Trace, Data or Styles, zero or tiny
//     sizes, NaN and Inf values, focus out of range, malformed shapes.
//     Nothing panics (a fuzz test feeds it).
//   - A line too wide for its pane first drops its optional parts (the
//     batch sums, the numbers spelt out, the rule), keeping the values;
//     only then is it clipped, with "…".
//
// Don't be clever: a pane reads top to bottom as the list of what it draws.
package panes
