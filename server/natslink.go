package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// NATS: what several serve instances share (issue 20). One NATSLink per
// process holds one connection; the classroom bridge (natsclass.go) and
// the user store (natsstore.go) use it. Its buckets:
//
//	bp_class    <class>                      the teacher's state (lesson, step, network or its object)
//	bp_roster   <class>.<user>.<instance>    one roster row per person per instance (rowMsg: tui.ClassMember, a large network by reference)
//	bp_presence <instance>                   heartbeat: an instance is alive while it beats
//	bp_users    <user>.record|progress|saves the user's record, lesson progress and saves' manifest
//	bp_answers  <class>.<user>.<lesson>.<q>  each answer, created once (first write wins)
//	bp_models   (object store)               saved model files, the teacher's and the students' large networks
//
// <user> is KeyToken(SessionInfo.ID), <instance> NATSConfig.Instance.

// NATSConfig says how to reach NATS.
type NATSConfig struct {
	// URL is the NATS server (nats://host:4222, comma-separated for a
	// cluster), or "embedded" to start one inside this process.
	URL string
	// CredsFile is a NATS user credentials file (--nats-creds); empty: none.
	CredsFile string
	// Listen is where the embedded server listens (host:port; port 0 or
	// -1: any free port).
	Listen string
	// StoreDir holds the embedded server's JetStream files.
	StoreDir string
	// Instance names this serve process in the shared roster; it must be
	// unique among the instances and stable across restarts (default: host
	// name and listen address).
	Instance string
	// Class names the classroom the instances share (default "class").
	Class string
	// Replicas is the JetStream replication of the buckets (a NATS
	// cluster of three: 3); 0 means 1.
	Replicas int
	// Logger receives link events. Nil: slog.Default().
	Logger *slog.Logger
}

// NATSLink is one process's connection to NATS and its buckets.
type NATSLink struct {
	cfg      NATSConfig
	log      *slog.Logger
	embedded *embeddedNATS // nil unless URL is "embedded"
	nc       *nats.Conn
	js       jetstream.JetStream

	class, roster, presence, users, answers jetstream.KeyValue
	models                                  jetstream.ObjectStore

	// linkEvents is fed by nats.go's callbacks (true: connected); the
	// bridge reads it. Buffered; a full channel drops the event, the
	// bridge also polls Status.
	linkEvents chan bool

	mu    sync.Mutex
	down  bool
	since time.Time // when the link went down
}

// Bucket limits. Every bucket has a value size and a total size: a full
// bucket refuses new writes (the old values stay).
const (
	natsClassValueMax  = 96 << 10 // inline network up to natsInlineModel
	natsInlineModel    = 64 << 10
	natsRosterValueMax = 128 << 10
	natsUserValueMax   = 256 << 10
	natsAnswerValueMax = 1 << 10
	// NATSMaxSaveFile bounds one saved model file kept in the object store.
	NATSMaxSaveFile = 32 << 20
)

// natsBuckets is the buckets' configuration: every instance creates or
// opens them with the same one.
func natsBuckets(replicas int) []jetstream.KeyValueConfig {
	bs := []jetstream.KeyValueConfig{
		{Bucket: "bp_class", History: 1, MaxValueSize: natsClassValueMax, MaxBytes: 64 << 20},
		{Bucket: "bp_roster", History: 1, MaxValueSize: natsRosterValueMax, MaxBytes: 256 << 20},
		{Bucket: "bp_presence", History: 1, MaxValueSize: 1 << 10, MaxBytes: 1 << 20, TTL: time.Hour},
		{Bucket: "bp_users", History: 5, MaxValueSize: natsUserValueMax, MaxBytes: 512 << 20},
		{Bucket: "bp_answers", History: 1, MaxValueSize: natsAnswerValueMax, MaxBytes: 256 << 20},
	}
	for i := range bs {
		bs[i].Replicas = replicas
	}
	return bs
}

// natsModelsBytes bounds the object store of model files.
const natsModelsBytes = 2 << 30

// validClass reports whether name can be a class name (one key token).
func validClass(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// ConnectNATS connects to NATS (starting the embedded server first when
// cfg.URL is "embedded"), checks that JetStream is on and creates or opens
// the buckets. Any failure is an error naming the URL; nothing is left
// running.
func ConnectNATS(ctx context.Context, cfg NATSConfig) (*NATSLink, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Class == "" {
		cfg.Class = "class"
	}
	if !validClass(cfg.Class) {
		return nil, fmt.Errorf("nats: class %q: want 1-64 letters, digits, - or _", cfg.Class)
	}
	if cfg.Instance == "" {
		return nil, errors.New("nats: no instance name")
	}
	if cfg.Replicas < 0 || cfg.Replicas > 5 {
		return nil, fmt.Errorf("nats: replicas %d: want 1 to 5", cfg.Replicas)
	}
	cfg.Replicas = max(cfg.Replicas, 1)
	cfg.Instance = KeyToken(cfg.Instance)
	l := &NATSLink{cfg: cfg, log: cfg.Logger.With("nats", "link"), linkEvents: make(chan bool, 16)}
	url := cfg.URL
	if url == "embedded" {
		e, err := startEmbeddedNATS(cfg.StoreDir, cfg.Listen, cfg.Logger)
		if err != nil {
			return nil, err
		}
		l.embedded = e
		url = e.url
	}
	fail := func(err error) (*NATSLink, error) {
		l.Close()
		return nil, fmt.Errorf("cannot reach NATS at %s: %w", url, err)
	}
	opts := []nats.Option{
		nats.Name("backprop-" + cfg.Instance),
		nats.Timeout(2 * time.Second),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectJitter(100*time.Millisecond, time.Second),
		nats.PingInterval(5 * time.Second),
		nats.MaxPingsOutstanding(2),
		// Writes fail at once while the link is down (never applied late);
		// the bridge and the store rewrite what they could not.
		nats.ReconnectBufSize(-1),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) { l.event(false, err) }),
		nats.ReconnectHandler(func(*nats.Conn) { l.event(true, nil) }),
		nats.ErrorHandler(func(_ *nats.Conn, sub *nats.Subscription, err error) {
			l.log.Warn("nats error", "err", err)
		}),
	}
	if cfg.CredsFile != "" {
		opts = append(opts, nats.UserCredentials(cfg.CredsFile))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return fail(authHint(err, cfg.CredsFile))
	}
	l.nc = nc
	if l.js, err = jetstream.New(nc); err != nil {
		return fail(err)
	}
	actx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := l.js.AccountInfo(actx); err != nil {
		if errors.Is(err, jetstream.ErrJetStreamNotEnabled) {
			return fail(errors.New("JetStream is not enabled on that server (start nats-server with -js)"))
		}
		return fail(err)
	}
	kvs := []*jetstream.KeyValue{&l.class, &l.roster, &l.presence, &l.users, &l.answers}
	for i, bc := range natsBuckets(cfg.Replicas) {
		kv, err := l.js.CreateOrUpdateKeyValue(actx, bc)
		if err != nil {
			return fail(fmt.Errorf("bucket %s: %w", bc.Bucket, err))
		}
		*kvs[i] = kv
	}
	l.models, err = l.js.CreateOrUpdateObjectStore(actx, jetstream.ObjectStoreConfig{Bucket: "bp_models", MaxBytes: natsModelsBytes,
		Replicas: cfg.Replicas})
	if err != nil {
		return fail(fmt.Errorf("object store bp_models: %w", err))
	}
	l.log.Info("nats connected", "url", nc.ConnectedUrlRedacted(), "instance", cfg.Instance, "class", cfg.Class,
		"embedded", l.embedded != nil)
	return l, nil
}

// authHint says what to do about a refused login: no creds given, or the
// given ones refused.
func authHint(err error, creds string) error {
	if !errors.Is(err, nats.ErrAuthorization) && !strings.Contains(strings.ToLower(err.Error()), "authorization violation") {
		return err
	}
	if creds == "" {
		return fmt.Errorf("%w (NATS asks for credentials: give --nats-creds FILE)", err)
	}
	return fmt.Errorf("%w (NATS refused the credentials in %s)", err, creds)
}

// event records a link change (called on nats.go's callback goroutine:
// no I/O here).
func (l *NATSLink) event(up bool, err error) {
	l.mu.Lock()
	if up {
		l.down = false
	} else if !l.down {
		l.down, l.since = true, time.Now()
	}
	l.mu.Unlock()
	if up {
		l.log.Info("nats link back")
	} else if err != nil {
		l.log.Warn("nats link down", "err", err)
	}
	select {
	case l.linkEvents <- up:
	default:
	}
}

// Down reports whether the link is down, and since when.
func (l *NATSLink) Down() (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.down, l.since
}

// URL is where the link connects (the embedded server's own URL for
// "embedded").
func (l *NATSLink) URL() string {
	if l.embedded != nil {
		return l.embedded.url
	}
	return l.cfg.URL
}

// Instance is this process's instance name (a key token).
func (l *NATSLink) Instance() string { return l.cfg.Instance }

// Close closes the connection, then stops the embedded server (in that
// order, so the connection does not spin reconnecting).
func (l *NATSLink) Close() {
	if l.nc != nil {
		l.nc.Close()
	}
	if l.embedded != nil {
		l.embedded.stop()
	}
}

// KeyToken maps an identity (SessionInfo.ID, an instance name) to one NATS
// key token: IDs are already letters, digits, '-' and '_' except the '.'
// of a long name's hash, which becomes '='; anything else is hex-encoded
// behind "x-" (never the start of a user or key ID).
func KeyToken(id string) string {
	ok := id != ""
	for i := 0; i < len(id) && ok; i++ {
		c := id[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	if ok && !strings.HasPrefix(id, "x-") {
		return strings.ReplaceAll(id, ".", "=")
	}
	var b strings.Builder
	b.WriteString("x-")
	for i := 0; i < len(id); i++ {
		b.WriteString(strconv.FormatUint(uint64(id[i])|0x100, 16)[1:])
	}
	return b.String()
}

// DefaultInstance is the instance name serve uses without --nats-instance:
// the host name and the listen port (and, for port 0, a random suffix:
// such an instance cannot be the same one after a restart anyway).
func DefaultInstance(listen string) string {
	host := "backprop"
	if h, err := osHostname(); err == nil && h != "" {
		host = h
	}
	_, port, err := net.SplitHostPort(listen)
	if err != nil {
		return host
	}
	if port == "0" {
		var b [4]byte
		_, _ = rand.Read(b[:])
		port = "0-" + hex.EncodeToString(b[:])
	}
	return host + "-" + port
}

// natsQuietLog adapts the embedded server's logger: notices, debug and
// trace are dropped (except a slow consumer), warnings and errors go to
// slog, and Fatalf never exits: it reports the failure on fatal.
type natsQuietLog struct {
	log   *slog.Logger
	fatal chan string
}

var _ server.Logger = natsQuietLog{}

func (q natsQuietLog) Noticef(f string, v ...any) {
	if s := fmt.Sprintf(f, v...); strings.Contains(s, "Slow Consumer") {
		q.log.Warn(s)
	}
}
func (q natsQuietLog) Warnf(f string, v ...any)  { q.log.Warn(fmt.Sprintf(f, v...)) }
func (q natsQuietLog) Errorf(f string, v ...any) { q.log.Error(fmt.Sprintf(f, v...)) }
func (q natsQuietLog) Debugf(string, ...any)     {}
func (q natsQuietLog) Tracef(string, ...any)     {}
func (q natsQuietLog) Fatalf(f string, v ...any) {
	select {
	case q.fatal <- fmt.Sprintf(f, v...):
	default:
	}
}
