package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/cli/setup"
	"backprop/internal/readfile"
	"backprop/internal/safetext"
	"backprop/server"
	"backprop/tui"
)

// serveFlagGroups lists serve's flags by topic, for --help.
func serveFlagGroups() []flagGroup {
	return []flagGroup{
		{"listening", []string{"listen", "host-key", "proxy-protocol"}},
		{"authentication (at least one is required)", []string{"authorized-keys", "password-file", "open", "teacher-key"}},
		{"limits", []string{"max-sessions", "idle-timeout", "max-timeout", "rate-limit", "rate-burst", "max-startups", "per-source-startups", "per-source-penalty", "cpu-share", "max-fps", "max-neurons", "max-weights", "max-samples", "max-data-mb", "max-undo-mb"}},
		{"sessions", []string{"preset", "data-dir", "datasets-dir", "report"}},
		{"instances sharing a class (NATS)", []string{"nats", "nats-creds", "nats-listen", "nats-instance", "nats-replicas", "class"}},
		{"operation", []string{"log-format", "shutdown-timeout"}},
	}
}

func serveCommand() command {
	return command{
		name:    "serve",
		summary: "serve the trainer over SSH to a class (auth, limits, classroom mode)",
		usage:   "backprop serve [flags]",
		about: `Serve the trainer over SSH; students connect with ` + "`ssh -p 2222 host`" + `.
Authentication is required: --authorized-keys, --password-file,
BACKPROP_PASSWORD, or --open.`,
		groups: serveFlagGroups(),
		footer: `exit status: 0 stopped by SIGINT/SIGTERM; 1 could not serve; 2 bad flags or
no authentication configured.`,
		examples: []string{
			"backprop serve --listen 0.0.0.0:2222 --authorized-keys ~/class/authorized_keys",
			"BACKPROP_PASSWORD=secret backprop serve --listen 0.0.0.0:2222 --preset xor",
			"backprop serve --listen 0.0.0.0:2222 --authorized-keys students.pub --teacher-key teacher.pub",
			"backprop serve --authorized-keys students.pub --teacher-key teacher.pub --report grades.csv",
			"ssh -p 2222 classroom.example.org          # each student",
		},
		flags: serveFlags,
	}
}

// checkServeFlags refuses numeric flag values that server.Config would
// silently replace by its default (0 means "default" there) or reject later
// under a Go field name: every limit is positive, or exactly -1 where the
// help says "-1: unlimited/never/no cap", and at most its ceiling.
func checkServeFlags(fs *flag.FlagSet) error {
	minusOne := map[string]string{
		"max-sessions": "-1 for unlimited", "rate-limit": "-1 for unlimited", "max-fps": "-1 for no cap",
		"idle-timeout": "-1s for never", "max-timeout": "-1s for never",
		"max-startups": "-1 for unlimited", "per-source-startups": "-1 for unlimited", "per-source-penalty": "-1s for none",
	}
	ceiling := map[string]struct {
		max float64
		why string
	}{
		"cpu-share": {float64(runtime.NumCPU()), fmt.Sprintf("this machine has %d cores", runtime.NumCPU())},
		"max-fps":   {1000, "a terminal shows far fewer"},
	}
	var err error
	fs.Visit(func(f *flag.Flag) {
		if err != nil {
			return
		}
		var v float64
		switch g := f.Value.(flag.Getter).Get().(type) {
		case int:
			v = float64(g)
		case float64:
			v = g
		case time.Duration:
			v = g.Seconds()
		default:
			return
		}
		if v > 0 && !math.IsInf(v, 1) {
			if c, ok := ceiling[f.Name]; ok && v > c.max {
				err = fmt.Errorf("--%s %s: want at most %g (%s)", f.Name, f.Value, c.max, c.why)
			}
			return
		}
		if alt, ok := minusOne[f.Name]; ok {
			if v == -1 {
				return
			}
			err = fmt.Errorf("--%s %s: want a positive value, or %s", f.Name, f.Value, alt)
			return
		}
		err = fmt.Errorf("--%s %s: want a positive value", f.Name, f.Value)
	})
	return err
}

// serveFlags registers serve's flags; the function it returns serves the
// trainer over SSH: `backprop serve`.
func serveFlags(fs *flag.FlagSet) runFunc {
	var (
		cfg          server.Config
		passwordFile string
		logFormat    string
		shutdownWait time.Duration
		nc           server.NATSConfig
	)
	state := stateDir()
	fs.StringVar(&cfg.Addr, "listen", server.DefaultAddr, "TCP address to listen on (use 0.0.0.0:2222 to serve a network)")
	fs.StringVar(&cfg.HostKeyPath, "host-key", filepath.Join(state, "ssh_host_ed25519"), "host key file; created (mode 0600) if missing, then reused")
	fs.StringVar(&cfg.AuthorizedKeysPath, "authorized-keys", "", "OpenSSH authorized_keys `file` of allowed public keys (re-read when it changes)")
	fs.StringVar(&passwordFile, "password-file", "", "`file` holding a shared password (first line); or set BACKPROP_PASSWORD")
	fs.StringVar(&cfg.TeacherKeysPath, "teacher-key", "", "classroom mode: the teacher's public key `file` (authorized_keys format); the teacher drives a shared network that students follow")
	fs.BoolVar(&cfg.Open, "open", false, "let anyone in without authentication (closed classroom networks only)")
	fs.IntVar(&cfg.MaxSessions, "max-sessions", server.DefaultMaxSessions, "maximum concurrent sessions (-1: unlimited)")
	fs.DurationVar(&cfg.IdleTimeout, "idle-timeout", server.DefaultIdleTimeout, "end a session after this long without input (-1s: never)")
	fs.DurationVar(&cfg.MaxTimeout, "max-timeout", server.DefaultMaxTimeout, "end any session after this long (-1s: never)")
	fs.Float64Var(&cfg.RatePerMinute, "rate-limit", server.DefaultRatePerMinute, "new connections per minute per client IP (-1: unlimited)")
	fs.IntVar(&cfg.RateBurst, "rate-burst", server.DefaultRateBurst, "connections per client IP allowed at once before --rate-limit applies")
	fs.IntVar(&cfg.MaxStartups, "max-startups", 0, "connections not yet logged in, at once, from all addresses (default: half the connection cap, at most 64; -1: unlimited)")
	fs.IntVar(&cfg.PerSourceStartups, "per-source-startups", 0, "connections not yet logged in, at once, from one address (default: a quarter of --max-startups; -1: unlimited); raise it for a class logging in by password behind one NAT")
	fs.DurationVar(&cfg.PerSourcePenalty, "per-source-penalty", server.DefaultPerSourcePenalty, "penalty an address earns when a connection of its runs out of time to log in; at 15s it is refused until the penalty ends (-1s: none)")
	fs.Float64Var(&cfg.CPUShare, "cpu-share", server.DefaultCPUShare, "cores that all sessions' training may use together, shared fairly")
	fs.Float64Var(&cfg.MaxFrameRate, "max-fps", server.DefaultMaxFrameRate, "redraws per second for a session's screen while it trains (key presses are always drawn at once; -1: no cap)")
	fs.IntVar(&cfg.Limits.MaxNeurons, "max-neurons", server.DefaultMaxNeurons, "per-session cap on neurons")
	fs.IntVar(&cfg.Limits.MaxWeights, "max-weights", server.DefaultMaxWeights, "per-session cap on weights")
	fs.IntVar(&cfg.Limits.MaxSamples, "max-samples", server.DefaultMaxSamples, "per-session cap on the rows of a data set a session loads for itself (CSV files, generated sets; the mnist and fashion-mnist presets are one shared copy and not counted)")
	dataMB := fs.Float64("max-data-mb", float64(server.DefaultMaxDataBytes>>20), "per-session cap on a data file's decoded size, in MiB (CSV text after gunzip, idx pixels, or the rows as loaded); larger files are refused before they are read")
	undoMB := fs.Float64("max-undo-mb", float64(server.DefaultUndoBudget)/(1<<20), "per-session memory for undo snapshots, in MB (older steps are forgotten first)")
	fs.StringVar(&cfg.DataDir, "data-dir", filepath.Join(state, "users"), "per-user saves and lesson progress (one subdirectory per key or user name)")
	fs.StringVar(&cfg.DatasetsDir, "datasets-dir", "", "where the mnist and fashion-mnist presets find their idx files")
	fs.StringVar(&cfg.Preset, "preset", "", "open every session on this preset instead of the launcher")
	fs.StringVar(&cfg.ReportPath, "report", "", "keep `file` up to date with the gradebook CSV (the roster and every lesson answer under --data-dir; see backprop report): rewritten within 5s of a change, and when the server stops")
	fs.BoolVar(&cfg.ProxyProtocol, "proxy-protocol", false, "accept a PROXY protocol header (HAProxy send-proxy) so logs and rate limits see real client addresses; only behind such a proxy")
	fs.StringVar(&nc.URL, "nats", "", "share classrooms, progress, rosters and saves with other instances through NATS with JetStream at `url` (nats://host:4222, comma-separated for a cluster), or \"embedded\" to run a NATS server in this process (store under --data-dir/.nats); empty: this process alone")
	fs.StringVar(&nc.CredsFile, "nats-creds", "", "NATS user credentials `file` (.creds)")
	fs.StringVar(&nc.Listen, "nats-listen", "127.0.0.1:4222", "with --nats embedded: where its NATS server listens for the other instances")
	fs.StringVar(&nc.Instance, "nats-instance", "", "this instance's name among those sharing NATS: unique and the same across restarts (default: host name and --listen port)")
	fs.IntVar(&nc.Replicas, "nats-replicas", 1, "with --nats: JetStream replicas of the shared buckets (3 on a NATS cluster of three, so the state outlives a NATS node)")
	fs.StringVar(&nc.Class, "class", "class", "with --nats: the classroom the instances share (letters, digits, - and _)")
	fs.StringVar(&logFormat, "log-format", "text", "log format on stderr: text or json")
	fs.DurationVar(&shutdownWait, "shutdown-timeout", 10*time.Second, "on SIGINT/SIGTERM, how long to wait for sessions to end")
	return func(stdout, stderr io.Writer) int {
		if *dataMB > setup.MaxDataMB {
			fmt.Fprintf(stderr, "backprop serve: --max-data-mb %g: want at most %d\n", *dataMB, setup.MaxDataMB)
			return 2
		}
		cfg.Limits.MaxDataBytes = max(int64(*dataMB*(1<<20)), 1) // ≤ 0 is refused by checkServeFlags
		return serve(fs, cfg, nc, passwordFile, logFormat, shutdownWait, *undoMB, stdout, stderr)
	}
}

// maxUndoMB bounds --max-undo-mb (1 TiB per session is no bound at all).
const maxUndoMB = 1 << 20

// serve runs `backprop serve` with its flags parsed.
func serve(fs *flag.FlagSet, cfg server.Config, nc server.NATSConfig, passwordFile, logFormat string, shutdownWait time.Duration, undoMB float64, stdout, stderr io.Writer) int {
	if err := checkServeFlags(fs); err != nil {
		fmt.Fprintf(stderr, "backprop serve: %v\n", err)
		return 2
	}
	if undoMB > maxUndoMB {
		fmt.Fprintf(stderr, "backprop serve: --max-undo-mb %g: want at most %d\n", undoMB, maxUndoMB)
		return 2
	}
	cfg.Limits.UndoBudget = max(int(undoMB*(1<<20)), 1)
	var handler slog.Handler
	switch logFormat {
	case "text":
		handler = slog.NewTextHandler(stderr, nil)
	case "json":
		handler = slog.NewJSONHandler(stderr, nil)
	default:
		fmt.Fprintf(stderr, "serve: --log-format %q: want text or json\n", logFormat)
		return 2
	}
	cfg.Logger = slog.New(safetext.LogHandler(handler))

	pw, err := readPassword(passwordFile, os.Getenv("BACKPROP_PASSWORD"), cfg.Logger)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return 2
	}
	cfg.Password = pw
	if cfg.Preset != "" {
		if _, err := setup.FindPreset(cfg.Preset); err != nil {
			fmt.Fprintf(stderr, "serve: --preset: %v\n", err)
			return 2
		}
	}
	cfg.NewModel = trainerFactory
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			fmt.Fprintf(stderr, "serve: --data-dir: %v\n", err)
			return 1
		}
	}
	if nc.URL != "" {
		link, err := connectNATS(nc, cfg)
		if err != nil {
			fmt.Fprintf(stderr, "backprop serve: %v\n", err)
			return 1
		}
		defer link.Close() // after the server's shutdown below
		cfg.NATS = link
	}
	srv, err := server.New(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		if errors.Is(err, server.ErrNoAuth) {
			return 2
		}
		return 1
	}
	if cfg.Open {
		cfg.Logger.Warn("open server: anyone who can reach this address gets a session", "addr", cfg.Addr)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- srv.ListenAndServe() }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return 1
	case <-ctx.Done():
	}
	stop() // a second signal kills the process
	cfg.Logger.Info("signal received; telling users the server is stopping", "timeout", shutdownWait)
	sctx, cancel := context.WithTimeout(context.Background(), shutdownWait)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		cfg.Logger.Warn("shutdown timed out; closed remaining connections", "err", err)
	}
	if err := <-served; err != nil && !errors.Is(err, server.ErrServerClosed) {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return 1
	}
	fmt.Fprintln(stdout, "serve: stopped")
	return 0
}

// connectNATS connects to the NATS of --nats (starting it for
// "embedded").
func connectNATS(nc server.NATSConfig, cfg server.Config) (*server.NATSLink, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("--nats needs --data-dir (the local copies)")
	}
	if nc.Instance == "" {
		nc.Instance = server.DefaultInstance(cfg.Addr)
	}
	nc.StoreDir = filepath.Join(cfg.DataDir, ".nats")
	nc.Logger = cfg.Logger
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return server.ConnectNATS(ctx, nc)
}

// trainerFactory builds the real trainer for one SSH session.
func trainerFactory(info server.SessionInfo) (tea.Model, error) {
	m, err := tui.New(info.Options)
	if err != nil {
		return nil, err
	}
	return m, nil
}

// maxPasswordFileBytes bounds the password file (only its first line is
// used).
const maxPasswordFileBytes = 64 << 10

// readPassword returns the password from file (first line) or, failing
// that, from env. A file readable by others is used but warned about.
func readPassword(file, env string, log *slog.Logger) (string, error) {
	if file == "" {
		return env, nil
	}
	st, err := os.Stat(file)
	if err != nil {
		return "", fmt.Errorf("--password-file: %w", err)
	}
	data, err := readfile.Read(file, "a password file", maxPasswordFileBytes)
	if err != nil {
		return "", fmt.Errorf("--password-file: %w", err)
	}
	line, _, _ := strings.Cut(string(data), "\n")
	line = strings.TrimRight(line, "\r")
	if line == "" {
		return "", fmt.Errorf("--password-file %s: first line is empty", safetext.Line(file))
	}
	if st.Mode().Perm()&0o077 != 0 {
		log.Warn("password file is readable by other users; chmod 600 it", "file", file, "mode", st.Mode().Perm().String())
	}
	return line, nil
}

// stateDir is $XDG_STATE_HOME/backprop or ~/.local/state/backprop (never the
// working directory).
func stateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "backprop")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".local", "state", "backprop")
	}
	return filepath.Join(os.TempDir(), "backprop-state")
}
