package cli

import (
	"flag"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

func versionCommand() command {
	return command{
		name:    "version",
		summary: "print the version, commit and Go version (also backprop --version)",
		usage:   "backprop version",
		about: `Print backprop's module version, the commit it was built from (with its time,
and "modified" when the tree had uncommitted changes) and the Go version and
platform, from the build information Go embeds in the binary.`,
		examples: []string{"backprop version", "backprop --version"},
		flags: func(fs *flag.FlagSet) runFunc {
			return func(stdout, stderr io.Writer) int {
				fmt.Fprintln(stdout, versionLine())
				return 0
			}
		},
	}
}

// versionLine is "backprop v1.2.0 (commit 0123456789ab, 2026-05-01T10:00:00Z)
// go1.26.8 linux/amd64", from runtime/debug.ReadBuildInfo. A binary built
// without version control information says "commit unknown"; `go run`
// builds are "(devel)".
func versionLine() string {
	version, commit, when, modified := "(devel)", "unknown", "", false
	goVersion := runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				commit = s.Value
				if len(commit) > 12 {
					commit = commit[:12]
				}
			case "vcs.time":
				when = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	build := "commit " + commit
	if when != "" {
		build += ", " + when
	}
	if modified {
		build += ", modified"
	}
	return fmt.Sprintf("backprop %s (%s) %s %s/%s", version, build, goVersion, runtime.GOOS, runtime.GOARCH)
}
