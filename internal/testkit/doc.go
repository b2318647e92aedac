// Package testkit holds the helpers that backprop's tests share, so that
// no test package keeps its own copy: key presses by name (Key), the real
// MNIST files from the Go module cache (MNISTDir), external tools that CI
// must have (NeedTools), the built binary (Build), a tmux server whose
// end-to-end tests wait for what the screen shows instead of sleeping
// (Tmux, Pane), an SSH session whose terminal is a vt emulator (LoginSSH,
// SSHTerm), a nats-server that admits only JWT credentials (StartAuthNATS),
// and a check that functions stay short (LongFuncs).
//
// # Invariants
//
//   - Only tests import it; it imports no backprop package, so any
//     package's tests (network and datasets included) can use it.
//   - A missing tool or data set skips the test, except under CI=true,
//     where it fails: CI installs everything.
//   - Nothing waits a fixed time. A Pane's waits poll the screen until it
//     shows what the test expects or the program exits, with a generous
//     deadline (Tmux.Timeout) that only a hang reaches, so a loaded machine
//     makes a test slower, never failing.
//   - Every resource (tmux socket, temp dirs) is unique to the test and
//     removed by t.Cleanup.
package testkit
