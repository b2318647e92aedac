// Package figures draws backprop's pictures for handouts and slides with
// gonum.org/v1/plot, as PNG, SVG or PDF: the learning curve (Loss), the
// decision boundary over the plane (Boundary), the fit y = f(x) of data of
// one input (Fit), what every neuron computes (Neurons: maps over the
// plane for 2-D data, receptive fields for images), the confusion matrix
// (Confusion) and a Hinton diagram of the weights (Weights).
//
// Each function takes the engine's values (a *network.Network, a
// *datasets.Dataset, a history of network.EpochStats, a confusion matrix)
// and returns a *Figure, which Write, Encode or Save render in any Format
// at its size.
//
// # Why a package of its own
//
// `backprop plot` (package cli) and the trainer (package tui, which saves
// the focused pane's figure) both draw these, so the drawing sits below
// both: cli → figures and tui → figures, and figures imports only
// network, datasets and themes. It knows nothing of flags, files other
// than the one it saves, or screens. gonum/plot stays out of the engine:
// network has no dependency on it.
//
// # Notation
//
// Labels use the textbook names of network/doc.go: the cost C, epochs,
// inputs x₁ and x₂, the activation a^l_j of neuron j (counted from 1, as
// the Inspector counts) in layer l written a¹₃, weights w^l_jk and biases
// b^l_j. Colours come from the same themes palettes as the screen
// (themes.ForPrint: the light variant on white): Pos and Neg for sign and
// for the two classes, the class colours, the loss chart's train and test
// colours.
//
// # Invariants
//
//   - Nothing is drawn from mutable package state; a Figure holds its
//     inputs' values as they were when it was made (grids and curves are
//     evaluated then), and drawing it never changes them.
//   - A figure W × H pixels is a PNG of exactly W × H; SVG and PDF have the
//     same size at 96 pixels per inch. Larger than the default, it is drawn
//     at a higher resolution with the same layout.
//   - Text uses the fonts embedded in gonum/plot (Liberation Sans): no
//     system fonts are read.
//   - Bad input is an error, never a panic; a panic inside the plotting
//     library becomes an error too, so a trainer session survives it.
//   - Sizes are bounded (MinSide..MaxSide pixels, MaxHistoryBytes, the
//     tiles and points drawn), so no input can make a figure exhaust
//     memory.
//
// Don't be clever: a figure a teacher can hand out beats a pretty one.
package figures
