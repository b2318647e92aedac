package server

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	tea "charm.land/bubbletea/v2"

	"backprop/internal/safetext"
	"backprop/tui"
)

// ErrNoAuth is returned by New when no authentication method is configured
// and Open is false.
var ErrNoAuth = errors.New("no authentication configured; use --authorized-keys, --password-file, BACKPROP_PASSWORD or --open")

// Defaults for the zero fields of Config.
const (
	DefaultAddr        = "127.0.0.1:2222"
	DefaultMaxSessions = 60
	DefaultIdleTimeout = 30 * time.Minute
	DefaultMaxTimeout  = 4 * time.Hour
	// DefaultRatePerMinute and DefaultRateBurst are generous because a whole
	// classroom often shares one NAT address.
	DefaultRatePerMinute = 60
	DefaultRateBurst     = 60
	DefaultCPUShare      = 1.0
	DefaultMaxFrameRate  = 10
	DefaultMaxNeurons    = 4096
	DefaultMaxWeights    = 200_000
	DefaultMaxSamples    = 2000
	// DefaultUndoBudget bounds each session's undo snapshots (the trainer
	// alone keeps 16 MiB): 4 MiB is ~50 hand steps of digits' 64-30-10 network
	// and keeps 50 sessions' undo under 200 MB.
	DefaultUndoBudget = 4 << 20
	// DefaultMaxDataBytes bounds the data one session loads (a CLI run's
	// default is 1 GiB): a CSV or idx set over it is refused before it is
	// read into memory. The mnist and fashion-mnist presets are loaded once
	// for all sessions (Limits.Shared, about 47 MB each) and are charged
	// against it once, not per session.
	DefaultMaxDataBytes = 256 << 20
	// DefaultHandshakeTimeout bounds an unauthenticated connection.
	DefaultHandshakeTimeout = 30 * time.Second
	// DefaultPerSourcePenalty is what a source earns each time one of its
	// connections runs out of its handshake time.
	DefaultPerSourcePenalty = 10 * time.Second
)

// SessionInfo describes one SSH session to a ModelFactory.
type SessionInfo struct {
	// User is the SSH user name (client-chosen, untrusted).
	User string
	// Name is the display name: the key's comment in the teacher or
	// authorized keys file, else User; sanitised (displayName).
	Name string
	// ID is a file-name-safe identity: "key-<hex>" from the public key
	// fingerprint, else "user-<escaped name>" (userID: one folder per name).
	ID string
	// Fingerprint is the SHA256 fingerprint of the client key ("" for
	// password or open sessions).
	Fingerprint string
	// RemoteAddr is the client's address.
	RemoteAddr string
	// Width and Height are the initial terminal size.
	Width, Height int
	// Options are the trainer options the server chose for this session
	// (sandbox, limits, budget, classroom).
	Options tui.Options
}

// ModelFactory builds the model for one session. The default (set by
// cli/serve.go) wraps tui.New; tests inject small fakes.
type ModelFactory func(SessionInfo) (tea.Model, error)

// Config configures a Server. Zero fields take the Default* values.
type Config struct {
	// Addr is the TCP listen address for ListenAndServe.
	Addr string
	// HostKeyPath is where the ed25519 host key lives; it is created (0600)
	// if missing. Empty: an in-memory key that changes on every start.
	HostKeyPath string

	// AuthorizedKeysPath is an OpenSSH authorized_keys file. It is re-read
	// when its modification time changes.
	AuthorizedKeysPath string
	// Password, when non-empty, is accepted for any user (compared in
	// constant time).
	Password string
	// Open lets anyone in (for closed classroom networks).
	Open bool
	// TeacherKeysPath (authorized_keys format) names the teacher's keys and
	// turns on classroom mode: the teacher drives a shared network that the
	// other sessions follow. Teacher keys may always log in.
	TeacherKeysPath string
	// ClassInterval is the minimum time between classroom wake-ups
	// (0: DefaultClassInterval).
	ClassInterval time.Duration

	// MaxSessions caps concurrent sessions. Negative: unlimited.
	MaxSessions int
	// IdleTimeout ends a session with no key or mouse input for this long.
	// Negative: never.
	IdleTimeout time.Duration
	// MaxTimeout ends any session after this long. Negative: never.
	MaxTimeout time.Duration
	// RatePerMinute and RateBurst limit new connections per client IP.
	// Negative RatePerMinute: unlimited.
	RatePerMinute float64
	RateBurst     int
	// CPUShare is the number of cores all sessions together may train on.
	CPUShare float64
	// MaxFrameRate caps frames per second that a session draws without
	// input (a running network's ticks); frames after a key press are
	// drawn at once. Negative: no cap.
	MaxFrameRate float64
	// Limits caps each session's network and data size.
	Limits tui.Limits
	// DataDir holds per-user save files and lesson progress
	// (DataDir/<id>/saves, DataDir/<id>/state) and each user's record
	// (DataDir/<id>/user.json: DirStore). Empty: no per-user dirs.
	DataDir string
	// ReportPath, when set (with DataDir), is kept up to date with the
	// gradebook report (WriteReport): rewritten when it changed, every
	// ReportEvery (0: DefaultReportEvery), and when the server stops.
	ReportPath  string
	ReportEvery time.Duration
	// DatasetsDir is where the mnist presets look for idx files
	// (tui.Options.DataDir); empty: the system locations.
	DatasetsDir string
	// Preset opens every session on this preset (empty: the launcher).
	Preset string

	// NewModel builds each session's model. Required.
	NewModel ModelFactory
	// Logger receives structured logs. Nil: slog.Default().
	Logger *slog.Logger
	// ProxyProtocol accepts a PROXY protocol header (HAProxy send-proxy) so
	// logs and the per-IP rate limit see the real client address. Only
	// enable it behind a proxy that sends the header.
	ProxyProtocol bool
	// HandshakeTimeout bounds the SSH handshake and authentication.
	HandshakeTimeout time.Duration
	// MaxStartups caps unauthenticated connections at once, from all
	// sources (0: half the connection cap, at most 64; negative: no cap).
	MaxStartups int
	// PerSourceStartups caps unauthenticated connections at once from one
	// source, an IPv4 address or IPv6 /64 (0: a quarter of MaxStartups, at
	// least 2; negative: no cap). A class logging in by password from
	// behind one NAT address may need it raised.
	PerSourceStartups int
	// PerSourcePenalty is added to a source's penalty each time one of its
	// connections runs out of HandshakeTimeout; a source whose penalty
	// reaches 15 s is refused until it expires (at most 10 min). Negative:
	// no penalties.
	PerSourcePenalty time.Duration

	// NATS, when set, shares this instance's classroom, users' records,
	// lesson progress and saves with the other instances on the same NATS
	// (natslink.go); it needs DataDir (the local copies). The caller owns
	// the link: close it after Shutdown. Nil: this process alone, as
	// before.
	NATS *NATSLink
}

// withDefaults returns c with zero fields filled in and checks the rest.
func (c Config) withDefaults() (Config, error) {
	if c.AuthorizedKeysPath == "" && c.Password == "" && !c.Open && c.TeacherKeysPath == "" {
		return c, ErrNoAuth
	}
	if c.NewModel == nil {
		return c, errors.New("server: Config.NewModel is nil")
	}
	if c.Addr == "" {
		c.Addr = DefaultAddr
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxTimeout == 0 {
		c.MaxTimeout = DefaultMaxTimeout
	}
	if c.RatePerMinute == 0 {
		c.RatePerMinute = DefaultRatePerMinute
	}
	if c.RateBurst <= 0 {
		c.RateBurst = DefaultRateBurst
	}
	if c.MaxFrameRate == 0 {
		c.MaxFrameRate = DefaultMaxFrameRate
	}
	if c.CPUShare == 0 {
		c.CPUShare = DefaultCPUShare
	}
	if c.CPUShare < 0 {
		return c, fmt.Errorf("server: CPUShare %g: must be positive", c.CPUShare)
	}
	if c.Limits.MaxNeurons == 0 {
		c.Limits.MaxNeurons = DefaultMaxNeurons
	}
	if c.Limits.MaxWeights == 0 {
		c.Limits.MaxWeights = DefaultMaxWeights
	}
	if c.Limits.MaxSamples == 0 {
		c.Limits.MaxSamples = DefaultMaxSamples
	}
	if c.Limits.UndoBudget == 0 {
		c.Limits.UndoBudget = DefaultUndoBudget
	}
	if c.Limits.MaxDataBytes == 0 {
		c.Limits.MaxDataBytes = DefaultMaxDataBytes
	}
	if c.HandshakeTimeout <= 0 {
		c.HandshakeTimeout = DefaultHandshakeTimeout
	}
	const unlimited = 1 << 30
	switch {
	case c.MaxStartups < 0:
		c.MaxStartups = unlimited
	case c.MaxStartups == 0 && c.MaxSessions < 0:
		c.MaxStartups = 64
	case c.MaxStartups == 0:
		c.MaxStartups = max(4, min(64, (2*c.MaxSessions+16)/2))
	}
	switch {
	case c.PerSourceStartups < 0:
		c.PerSourceStartups = unlimited
	case c.PerSourceStartups == 0:
		c.PerSourceStartups = max(2, min(c.MaxStartups, 64)/4)
	}
	if c.PerSourcePenalty == 0 {
		c.PerSourcePenalty = DefaultPerSourcePenalty
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	// User names, terminal names and errors quoting files are text from
	// outside: every log line is made safe for a terminal.
	c.Logger = slog.New(safetext.LogHandler(c.Logger.Handler()))
	if c.ReportPath != "" && c.DataDir == "" {
		return c, errors.New("server: ReportPath needs a DataDir to report on")
	}
	if c.NATS != nil && c.DataDir == "" {
		return c, errors.New("server: NATS needs a DataDir for the local copies")
	}
	if c.ReportEvery <= 0 {
		c.ReportEvery = DefaultReportEvery
	}
	return c, nil
}
