// Command backprop lets a person watch a neural network learn and drive it by
// hand. With no subcommand it opens the interactive trainer; train, eval,
// export and serve work without it. The commands live in package cli.
package main

import (
	"os"

	"backprop/cli"
)

func main() {
	os.Exit(cli.Run(os.Args[1:], os.Stdout, os.Stderr))
}
