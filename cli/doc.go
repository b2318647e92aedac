// Package cli is backprop's command line: the subcommands (the trainer,
// train, eval, export, serve, version, completion, help), their flags, their
// --help and the shell completion scripts generated from them.
//
// Every command is one entry of the table in commands(): its flags, help
// text and examples live together, so --help, the completion scripts and
// the tests all read the same table. Sessions (data, network, stepper, model
// files, presets) are built by package cli/setup, which the trainer and the
// SSH server use too.
//
// # Conventions
//
//   - Exit status: 0 success; 1 a failure (bad data or model file,
//     divergence); 2 bad usage, reported on one line that names the flag
//     and says why (an unknown flag names the nearest known one).
//   - --help writes to standard output and exits 0; errors go to standard
//     error.
//   - The package holds no mutable state: Run keeps nothing between calls
//     (the tests call it in-process).
package cli
