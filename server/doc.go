// Package server serves the backprop trainer over SSH (wish v2): one Bubble
// Tea program, model, engine and RNG per session.
//
// # Invariants
//
//   - No package-level mutable state: everything lives in a *Server.
//   - Authentication is explicit: authorized keys, a password, or Open. With
//     none of them New refuses with ErrNoAuth (wish alone would let anyone in).
//   - Every user who is turned away (limits, no PTY, shutdown, idle) is told
//     why in one line before the session closes.
//   - A panic in one session ends only that session and is logged with its
//     stack.
//   - The client's environment is untrusted: only a few colour-related
//     variables are passed on, each length-capped.
//   - Training time is shared by a Scheduler: at most CPUShare cores in total,
//     split evenly between the sessions that currently want time, and at
//     most ceil(CPUShare) sessions training at once.
//   - Frames nobody asked for (a running network's ticks) are drawn at most
//     MaxFrameRate times a second; frames after input are drawn at once, at
//     most one per inputFrame (20 ms).
//   - Every terminal size a client claims (pty request, window change) is
//     clamped to MaxTermWidth×MaxTermHeight before anything sees it, so a
//     frame's cost never depends on the claim (memory.go).
//   - A session's keys are parsed by pumpInput, never by Bubble Tea's own
//     reader (which leaks a program when input arrives as it quits); a
//     bracketed paste is cut to MaxPaste bytes as it arrives (input.go).
//   - Unauthenticated connections are limited in all (MaxStartups) and per
//     source (PerSourceStartups, PerSourcePenalty), and refused before the
//     SSH banner; refusals are counted and their logging rate-limited
//     (startups.go, admit.go).
//   - Shutdown never calls the SSH library's Shutdown, whose WaitGroup races
//     with handshakes in flight; the server tracks every connection itself
//     (lifecycle.go).
//   - Each key or user name has a folder of its own: user names map to
//     folder names injectively (names.go).
//   - Every file read by name (authorized_keys, host key) is read through
//     readfile with a size limit; every log line passes safetext.LogHandler,
//     so a user or terminal name cannot act on the terminal that reads the
//     log (config.go).
//   - Classroom mode (TeacherKeysPath) adds the one shared object, a Hub.
//     Its roster has one row per identity (key or user name), keeps
//     students who left (and those of earlier runs, from the Store), and is
//     bounded (MaxRoster); every row is plain data (tui.ClassMember).
//   - What the server keeps of a user between sessions goes through a
//     Store (DirStore: DataDir/<id>/user.json and state/progress.json), so
//     a shared key-value store can hold it instead; every write is atomic
//     and fsynced (temp file, fsync, rename, folder fsync).
//   - Names shown to the teacher (key comments, user names) and every text
//     cell of the gradebook report are sanitised (displayName, safetext);
//     a report cell a spreadsheet would run as a formula is quoted.
package server
