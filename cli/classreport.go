package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"backprop/server"
	"backprop/tui/lesson"
)

func reportCommand() command {
	return command{
		name:    "report",
		summary: "write the class gradebook as CSV: the roster and every lesson answer under serve's --data-dir",
		usage:   "backprop report [--data-dir DIR] [--out FILE]",
		about: `Read what serve keeps under --data-dir (each user's record and lesson
progress) and write one CSV row per fact, for a spreadsheet or a gradebook:

  user,lesson,step,question,answer,correct,time,id,ask

question is q1, q2, … for a prediction (answer: the option chosen, correct:
true or false, time: when), "checkpoint" for a step's checkpoint (answer
"reached", time: when first reached), or empty for where the student is in
a lesson (step: the step they are at, answer "completed" once done, time:
their last activity there). A user without lesson progress gets one row. Steps and
questions count from 1; times are RFC 3339 in UTC; teachers are left out.
It can run while serve does: serve replaces each file whole. serve --report
FILE keeps such a file up to date by itself.`,
		groups: []flagGroup{{"report", []string{"data-dir", "out"}}},
		footer: `exit status: 0 written; 1 the data dir or a user's file could not be read (the
rest is still written) or FILE could not be written; 2 bad flags.`,
		examples: []string{
			"backprop report > grades.csv",
			"backprop report --data-dir /var/lib/backprop/users --out grades.csv",
		},
		flags: reportFlags,
	}
}

// reportFlags registers report's flags: `backprop report`.
func reportFlags(fs *flag.FlagSet) runFunc {
	dataDir := fs.String("data-dir", filepath.Join(stateDir(), "users"), "the `dir` serve keeps one folder per user in (its --data-dir)")
	out := fs.String("out", "", "write the CSV to `file` (replaced whole, atomically); default: standard output")
	return func(stdout, stderr io.Writer) int {
		if st, err := os.Stat(*dataDir); err != nil || !st.IsDir() {
			if err == nil {
				err = fmt.Errorf("not a directory")
			}
			fmt.Fprintf(stderr, "backprop report: --data-dir %s: %v\n", *dataDir, err)
			return 1
		}
		st := server.DirStore{Dir: *dataDir}
		lessons, err := lesson.Builtin()
		if err != nil {
			fmt.Fprintf(stderr, "backprop report: %v\n", err)
			return 1
		}
		if *out == "" || *out == "-" {
			err = server.WriteReport(stdout, st, lessons)
		} else {
			err = server.ReportFile(*out, st, lessons)
		}
		if err != nil {
			fmt.Fprintf(stderr, "backprop report: %v\n", err)
			return 1
		}
		return 0
	}
}
