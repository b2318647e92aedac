// Package datasets provides backprop's data: small teaching sets (the
// vacation perceptron, logic gates), seeded 2-D generators after TF
// Playground, regression toys, embedded real data, a CSV loader and an
// MNIST idx loader. It knows nothing of the network or the UI: a Set
// converts directly to network.Set.
//
// # Built-in sets
//
//	vacation        3 binary inputs, go (1) iff got leave ∧ weather nice; 8 rows, no test set
//	and, or, nand, xor   two-input logic gates; 4 rows, no test set
//	circle, xor-quadrants, gaussians, spiral, moons   2-D, one 0/1 output, 200 points, split 0.5
//	sine, bump, plane   regression, 200 points, split 0.5
//	iris, wine, breast-cancer   embedded, features standardised, split 0.75
//	digits          embedded 8×8 images, pixels/16, split 0.75
//	mnist, fashion-mnist   idx files from Spec.DataDir; 50,000 train / 10,000 test
//
// The generators (see Generated) take Spec.Samples (2..MaxSamples) and
// Spec.Noise, 0..MaxNoise (0.5) as in TF Playground; Load refuses noise
// outside that range.
//
// Two classes are one 0/1 output (1 = the second class); more are one-hot.
// All randomness (generation, the split shuffle) comes from Spec.Seed.
//
// # Credits
//
// iris.csv, wine_data.csv, breast_cancer.csv and digits.csv.gz are copied
// unchanged from scikit-learn 1.2.1 (sklearn/datasets/data, as packaged by
// Debian's python3-sklearn), BSD-3-Clause, © 2007-2019 the scikit-learn
// developers. The data come from the UCI Machine Learning Repository:
// Fisher's Iris (1936); Wine (Forina et al.); Breast Cancer Wisconsin
// (Diagnostic) (Wolberg, Street, Mangasarian, 1995); Optical Recognition of
// Handwritten Digits (Alpaydin, Kaynak, 1998). The 2-D generators follow
// TensorFlow Playground's src/dataset.ts (Apache-2.0, © 2016 Google) and
// moons follows scikit-learn's make_moons. MNIST (LeCun, Cortes, Burges) and
// Fashion-MNIST (MIT, © 2017 Zalando SE) are not embedded.
//
// # Files from outside
//
// CSV and idx files are streamed (gzip too) and bounded by Spec.MaxBytes
// (default 1 GiB), checked before memory is taken: a regular file's size,
// an idx header's claim (count × rows × columns bytes), the CSV text read,
// and the rows as loaded, counted as M = n·(8·(inputs+outputs) + 48) bytes
// (+48 a row for a split's copy). One CSV record is at most MaxRecordBytes.
// Past a limit a loader stops with a *LimitError (wrapping ErrTooLarge)
// that names the file, what it holds or claims, and the limit.
//
// Text from a file (column names, class labels) and file names in errors
// are sanitised with safetext: a Dataset's strings and the package's errors
// hold no terminal control characters.
//
// # Invariants
//
// The package holds no mutable state; every Load builds fresh slices, so a
// caller may modify what it gets (rows may share a backing array, but each
// row's capacity is its length, so appending to one copies it).
package datasets
