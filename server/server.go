package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/ssh"
	"charm.land/wish/v2"
	wishrecover "charm.land/wish/v2/recover"
	"github.com/charmbracelet/colorprofile"
	gossh "golang.org/x/crypto/ssh"

	"backprop/datasets"
	"backprop/tui"
)

// ErrServerClosed is returned by Serve and ListenAndServe after Shutdown.
var ErrServerClosed = ssh.ErrServerClosed

// Messages shown to users who are turned away or whose session ends.
const (
	MsgStopping = "server is stopping; your session has ended"
)

type ctxKey int

const (
	ctxKeyRateLimited ctxKey = iota
	ctxKeyTracked            // *trackedConn of the connection
	ctxKeyCounted            // *countedConn of the connection
)

// Server serves one trainer per SSH session. Create it with New.
type Server struct {
	cfg     Config
	log     *slog.Logger
	ssh     *ssh.Server
	sched   *Scheduler
	limiter *ipLimiter
	gate    *sourceGate // startups (unauthenticated connections) per source
	refused *refusals
	keys    *keyFile
	// classroom mode (nil otherwise)
	teachers *keyFile
	hub      *Hub
	// per-user records (nil without DataDir) and the report kept from
	// them (nil without ReportPath)
	store    Store
	reporter *reporter
	// shared through NATS (nil otherwise): the class bridge (classroom
	// mode) and the users' store
	bridge *classBridge
	nstore *NATSStore
	nstop  context.CancelFunc
	nwg    sync.WaitGroup
	nonce  sync.Once

	track  *tracker     // every accepted connection, for Shutdown
	memory memReleaser  // returns ended sessions' memory to the OS
	conns  atomic.Int64 // open TCP connections, authenticated or not
	frames atomic.Int64 // frames drawn by all sessions (for the load test)

	mu       sync.Mutex
	sessions map[*session]struct{}
	stopping bool
	wg       sync.WaitGroup // running session handlers
}

// New checks cfg, loads or creates the host key and returns a server that
// is not yet listening.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg.Limits.Shared == nil {
		// One copy of each preset data set for every session.
		cfg.Limits.Shared = datasets.NewShared()
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger,
		sched:    NewScheduler(cfg.CPUShare, nil),
		limiter:  newIPLimiter(cfg.RatePerMinute, cfg.RateBurst, time.Now),
		sessions: map[*session]struct{}{},
		track:    newTracker(),
		gate:     newSourceGate(cfg.MaxStartups, cfg.PerSourceStartups, cfg.PerSourcePenalty),
		refused:  newRefusals(cfg.Logger),
	}
	if cfg.AuthorizedKeysPath != "" {
		if s.keys, err = newKeyFile(cfg.AuthorizedKeysPath); err != nil {
			return nil, err
		}
	}
	if cfg.TeacherKeysPath != "" {
		if s.teachers, err = newKeyFile(cfg.TeacherKeysPath); err != nil {
			return nil, fmt.Errorf("teacher key: %w", err)
		}
		s.hub = NewHub(cfg.ClassInterval)
	}
	if cfg.DataDir != "" {
		s.store = DirStore{Dir: cfg.DataDir}
		if cfg.NATS != nil {
			s.nstore = NewNATSStore(cfg.NATS, cfg.DataDir, s.log)
			s.store = s.nstore
		}
		if s.hub != nil && cfg.NATS == nil {
			s.rememberClass() // with NATS, the shared roster remembers
		}
		if cfg.ReportPath != "" {
			s.reporter = newReporter(cfg.ReportPath, cfg.ReportEvery, s.store, s.log)
		}
	}
	signer, err := loadOrCreateHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	if cfg.HostKeyPath == "" {
		s.log.Warn("no host key path: using a temporary host key")
	}
	// Built on wish: the session handler runs inside wish's recover
	// middleware (a panic that escapes the handler's own recovery ends only
	// its connection and is logged with its stack). The host signer is set
	// before wish.NewServer looks for one, so wish never writes a key into
	// the working directory.
	opts := []ssh.Option{
		wish.WithAddress(cfg.Addr),
		wish.WithVersion("backprop"),
		func(srv *ssh.Server) error {
			srv.AddHostKey(signer)
			srv.HandshakeTimeout = cfg.HandshakeTimeout
			srv.ConnCallback = s.onConn
			srv.ConnectionFailedCallback = func(conn net.Conn, err error) {
				s.log.Info("connection failed", "remote", conn.RemoteAddr().String(), "err", err)
			}
			srv.EnableProxyProtocol = cfg.ProxyProtocol
			srv.ServerConfigCallback = func(ctx ssh.Context) *gossh.ServerConfig {
				return &gossh.ServerConfig{AuthLogCallback: func(_ gossh.ConnMetadata, _ string, err error) {
					// Called after each real attempt (never for a
					// public-key query), so nil means authenticated.
					if err == nil {
						s.authenticated(ctx)
					}
				}}
			}
			return nil
		},
		wish.WithMiddleware(
			func(ssh.Handler) ssh.Handler { return s.handle },
			wishrecover.MiddlewareWithLogger(slogPrintf{s.log}),
		),
	}
	// Offer only the methods that can succeed.
	if s.keys != nil || s.teachers != nil || cfg.Open {
		opts = append(opts, wish.WithPublicKeyAuth(s.checkKey))
	}
	if cfg.Password != "" || cfg.Open {
		opts = append(opts, wish.WithPasswordAuth(s.checkPassword))
	}
	if cfg.Open {
		opts = append(opts, wish.WithKeyboardInteractiveAuth(s.checkKeyboard))
	}
	if cfg.IdleTimeout > 0 {
		// Backstop for connections that never open a session; sessions
		// have their own input-based idle timer with a message.
		opts = append(opts, wish.WithIdleTimeout(cfg.IdleTimeout+time.Minute))
	}
	if cfg.MaxTimeout > 0 {
		opts = append(opts, wish.WithMaxTimeout(cfg.MaxTimeout+time.Minute))
	}
	srv, err := wish.NewServer(opts...)
	if err != nil {
		return nil, fmt.Errorf("ssh server: %w", err)
	}
	s.ssh = srv
	if cfg.NATS != nil {
		s.startNATS()
	}
	return s, nil
}

// slogPrintf adapts a slog.Logger to wish's recover.Logger.
type slogPrintf struct{ log *slog.Logger }

func (l slogPrintf) Printf(format string, v ...any) {
	l.log.Error("session panic", "detail", fmt.Sprintf(format, v...))
}

// Scheduler returns the CPU scheduler shared by all sessions.
func (s *Server) Scheduler() *Scheduler { return s.sched }

// ListenAndServe listens on Config.Addr and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	l, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return s.Serve(l)
}

// Serve accepts connections on l until Shutdown; it then returns
// ErrServerClosed.
func (s *Server) Serve(l net.Listener) error {
	tl, ok := s.track.listen(l)
	if !ok {
		return ErrServerClosed
	}
	if s.reporter != nil {
		s.reporter.run()
	}
	defer s.track.unlisten(tl)
	s.log.Info("listening", "addr", l.Addr().String())
	err := s.ssh.Serve(tl)
	if s.track.isStopping() {
		return ErrServerClosed
	}
	return err
}

// Sessions reports how many sessions are running.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// Shutdown tells every connected user that the server is stopping, ends
// their sessions, stops accepting connections and waits (bounded by ctx)
// for everything to finish; what is left when ctx expires is closed.
//
// It never calls the SSH library's Shutdown, whose WaitGroup races with
// connections still in their handshake (see lifecycle.go).
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.stopping = true
	list := make([]*session, 0, len(s.sessions))
	for se := range s.sessions {
		list = append(list, se)
	}
	s.mu.Unlock()
	s.track.stop()
	s.memory.stop()
	s.track.closeUnauthenticated() // no session to end
	s.log.Info("shutting down", "sessions", len(list), "connections", s.track.open(), "refused", s.Refused())
	for _, se := range list {
		se.end(MsgStopping)
	}
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.stopNATS() // after the sessions: their last rows are shared
	if s.hub != nil {
		s.hub.Close()
	}
	if s.reporter != nil {
		s.reporter.close() // after the sessions: their last answers are in
	}
	// Let clients close their side first, briefly, then force the rest.
	grace, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if s.track.wait(grace) != nil {
		s.closeAll()
		if werr := s.track.wait(ctx); err == nil {
			err = werr
		}
	}
	_ = s.ssh.Close() // mutex only: marks the library's server closed
	return err
}

// Close closes the listeners and all connections at once.
func (s *Server) Close() error {
	s.mu.Lock()
	s.stopping = true
	s.mu.Unlock()
	s.track.stop()
	s.memory.stop()
	s.closeAll()
	s.stopNATS()
	if s.reporter != nil {
		s.reporter.close()
	}
	return nil
}

// closeAll closes every connection: those the library knows (authenticated)
// and those still in their handshake.
func (s *Server) closeAll() {
	_ = s.ssh.Close()
	s.track.closeAll()
}

func fingerprint(k gossh.PublicKey) string {
	if k == nil {
		return ""
	}
	return gossh.FingerprintSHA256(k)
}

func (s *Server) checkKey(ctx ssh.Context, key ssh.PublicKey) bool {
	if s.cfg.Open {
		return true
	}
	for _, kf := range []*keyFile{s.keys, s.teachers} {
		if kf == nil {
			continue
		}
		ok, err := kf.allowed(key)
		if err != nil {
			s.log.Error("key file reload failed; using previous keys", "err", err)
		}
		if ok {
			return true
		}
	}
	s.log.Info("auth rejected", "method", "publickey", "remote", ctx.RemoteAddr().String(),
		"user", ctx.User(), "key", fingerprint(key))
	return false
}

func (s *Server) checkPassword(ctx ssh.Context, pw string) bool {
	if s.cfg.Open {
		return true
	}
	if s.cfg.Password != "" && passwordsEqual(pw, s.cfg.Password) {
		return true
	}
	s.log.Info("auth rejected", "method", "password", "remote", ctx.RemoteAddr().String(), "user", ctx.User())
	return false
}

// checkKeyboard lets keyless clients into an open server.
func (s *Server) checkKeyboard(ctx ssh.Context, _ gossh.KeyboardInteractiveChallenge) bool {
	return s.cfg.Open
}

// session is one running trainer.
type session struct {
	srv    *Server
	info   SessionInfo
	log    *slog.Logger
	start  time.Time
	cancel context.CancelFunc

	lastInput atomic.Int64 // unix nanoseconds

	mu      sync.Mutex
	reason  string // shown to the user when the session ends
	code    int    // exit status
	crashed bool
}

func (se *session) touch() { se.lastInput.Store(time.Now().UnixNano()) }

// end stops the session, telling the user reason (the first reason wins).
func (se *session) end(reason string) {
	se.mu.Lock()
	if se.reason == "" {
		se.reason = reason
		se.code = 1
	}
	se.mu.Unlock()
	se.cancel()
}

func (se *session) crash(where string, r any, stack string) {
	se.log.Error("session panic", "in", where, "panic", fmt.Sprint(r), "stack", stack)
	se.mu.Lock()
	se.crashed = true
	se.mu.Unlock()
	se.end("internal error; this session has ended (the server keeps running)")
}

func (s *Server) sessionInfo(sess ssh.Session) SessionInfo {
	info := SessionInfo{User: sess.User(), RemoteAddr: sess.RemoteAddr().String()}
	name := info.User
	if k := sess.PublicKey(); k != nil {
		info.Fingerprint = fingerprint(k)
		sum := sha256.Sum256(k.Marshal())
		info.ID = "key-" + hex.EncodeToString(sum[:8])
		name = cmpOr(s.teachers.comment(k), s.keys.comment(k), name)
	} else {
		info.ID = userID(info.User)
	}
	info.Name = displayName(name)
	return info
}

// cmpOr is the first of its arguments that is not "".
func cmpOr(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// reject tells the user why in one line and ends the session.
func reject(sess ssh.Session, msg string) {
	_, _ = fmt.Fprintf(sess.Stderr(), "backprop: %s\n", msg)
	_ = sess.Exit(1)
}

// fullMessage is what a user turned away by --max-sessions reads.
func fullMessage(n int) string {
	if n == 1 {
		return "server full: 1 session is running (the maximum); try again later"
	}
	return fmt.Sprintf("server full: %d sessions are running (the maximum); try again later", n)
}

// register adds a session unless the server is stopping or full; else it
// returns the reason.
func (s *Server) register(se *session) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopping {
		return MsgStopping
	}
	if s.cfg.MaxSessions > 0 && len(s.sessions) >= s.cfg.MaxSessions {
		return fullMessage(len(s.sessions))
	}
	s.sessions[se] = struct{}{}
	s.wg.Add(1)
	return ""
}

func (s *Server) unregister(se *session) {
	s.mu.Lock()
	delete(s.sessions, se)
	s.mu.Unlock()
	s.memory.sessionEnded()
	s.wg.Done()
}

func (s *Server) handle(sess ssh.Session) {
	info := s.sessionInfo(sess)
	log := s.log.With("remote", info.RemoteAddr, "user", info.User, "key", info.Fingerprint)
	if wait, limited := sess.Context().Value(ctxKeyRateLimited).(time.Duration); limited {
		reject(sess, fmt.Sprintf("too many connections from %s; try again in %s",
			ipOf(sess.RemoteAddr()), wait.Round(time.Second)+time.Second))
		return
	}
	pty, winCh, ok := sess.Pty()
	// The client's claimed size, clamped before anything allocates a frame.
	width, height := clampSize(pty.Window.Width, pty.Window.Height)
	if !ok {
		log.Info("limit hit", "limit", "no-pty")
		host, port, _ := net.SplitHostPort(sess.LocalAddr().String())
		reject(sess, fmt.Sprintf("this is an interactive app and needs a terminal; connect with: ssh -t -p %s %s", port, host))
		return
	}
	ctx, cancel := context.WithCancel(sess.Context())
	defer cancel()
	se := &session{srv: s, info: info, log: log, start: time.Now(), cancel: cancel}
	se.touch()
	if why := s.register(se); why != "" {
		log.Info("limit hit", "limit", "sessions", "reason", why)
		reject(sess, why)
		return
	}
	defer s.unregister(se)

	budget := s.sched.New()
	defer budget.Close()
	info.Width, info.Height = width, height
	info.Options = tui.Options{
		Preset:  s.cfg.Preset,
		Sandbox: true,
		Limits:  s.cfg.Limits,
		Budget:  budget,
	}
	teacher := false
	if k := sess.PublicKey(); k != nil && s.teachers != nil {
		teacher, _ = s.teachers.allowed(k)
	}
	if s.hub != nil {
		member := s.hub.JoinAs(MemberInfo{ID: info.ID, Name: info.Name, Teacher: teacher,
			LastInput: func() time.Time { return time.Unix(0, se.lastInput.Load()) }})
		defer member.Leave()
		info.Options.Classroom = member
		log = log.With("teacher", teacher)
		se.log = log
	}
	info.Options.DataDir = s.cfg.DatasetsDir
	if s.cfg.DataDir != "" {
		info.Options.SaveDir = filepath.Join(s.cfg.DataDir, info.ID, "saves")
		info.Options.StateDir = filepath.Join(s.cfg.DataDir, info.ID, "state")
		for _, d := range []string{info.Options.SaveDir, info.Options.StateDir} {
			if err := os.MkdirAll(d, 0o700); err != nil {
				log.Error("cannot create user directory", "err", err)
			}
		}
	}
	if s.store != nil {
		s.seen(info, teacher, log)
		defer s.seen(info, teacher, log) // when they left
	}
	if s.nstore != nil && s.cfg.DataDir != "" {
		defer s.shareUser(ctx, cancel, &info, log)()
	}
	se.info = info
	log.Info("connect", "term", pty.Term, "width", width, "height", height)
	if width != pty.Window.Width || height != pty.Window.Height {
		log.Info("limit hit", "limit", "term-size", "claimed", fmt.Sprintf("%dx%d", pty.Window.Width, pty.Window.Height))
	}

	model, err := s.newModel(info)
	if err != nil {
		log.Error("session start failed", "err", err)
		reject(sess, "could not start the trainer: "+err.Error())
		return
	}
	env := sanitizeEnv(sess.Environ(), pty.Term)
	g := &guard{inner: model, se: se, now: time.Now, pressure: s.sched.Factor}
	if s.cfg.MaxFrameRate > 0 {
		g.minFrame = time.Duration(float64(time.Second) / s.cfg.MaxFrameRate)
	}
	p := tea.NewProgram(g,
		tea.WithInput(idleInput{ctx}), // keys come through pumpInput
		tea.WithOutput(sess),
		tea.WithContext(ctx),
		tea.WithEnvironment(env),
		tea.WithColorProfile(colorprofile.Env(env)),
		tea.WithWindowSize(width, height),
		tea.WithoutSignalHandler(), // the server's signals are not the session's
		tea.WithFilter(func(_ tea.Model, msg tea.Msg) tea.Msg {
			msg = clampWindow(msg) // before the renderer resizes to it
			if _, ok := msg.(tea.SuspendMsg); ok {
				return tea.ResumeMsg{} // ctrl+z cannot suspend a remote program
			}
			return msg
		}),
	)
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case w, ok := <-winCh:
				if !ok {
					return
				}
				w.Width, w.Height = clampSize(w.Width, w.Height)
				p.Send(tea.WindowSizeMsg{Width: w.Width, Height: w.Height})
			}
		}
	}()
	go se.watchTimers(ctx)
	pumpInput(ctx, p, sess, envValue(env, "TERM"))

	_, err = p.Run()
	cancel()
	se.mu.Lock()
	reason, code, crashed := se.reason, se.code, se.crashed
	se.mu.Unlock()
	if err != nil && reason == "" {
		if errors.Is(err, tea.ErrProgramPanic) {
			crashed = true
			log.Error("session panic caught by bubbletea", "err", err)
			reason, code = "internal error; this session has ended (the server keeps running)", 1
		} else if ctx.Err() == nil || sess.Context().Err() == nil {
			log.Error("session ended with error", "err", err)
		}
	}
	logReason := reason
	if reason != "" {
		_, _ = fmt.Fprintf(sess.Stderr(), "backprop: %s\n", reason)
	} else {
		logReason = endReason(err, sess.Context().Err())
	}
	log.Info("disconnect", "duration", time.Since(se.start).Round(time.Millisecond),
		"reason", logReason, "panic", crashed, "train_time", budget.Used().Round(time.Millisecond))
	_ = sess.Exit(code)
}

// endReason says, for the log, why a session ended that the server did not
// end itself: the user quit the app, or the client went away.
func endReason(runErr, connErr error) string {
	switch {
	case connErr != nil:
		return "client disconnected"
	case runErr == nil:
		return "quit"
	default:
		return "error"
	}
}

// newModel calls the factory, turning a panic into an error.
func (s *Server) newModel(info SessionInfo) (m tea.Model, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	m, err = s.cfg.NewModel(info)
	if err == nil && m == nil {
		err = errors.New("no model")
	}
	return m, err
}

// watchTimers ends the session on the idle or maximum timeout.
func (se *session) watchTimers(ctx context.Context) {
	idle, maxT := se.srv.cfg.IdleTimeout, se.srv.cfg.MaxTimeout
	every := time.Second
	for _, d := range []time.Duration{idle, maxT} {
		if d > 0 && d/4 < every {
			every = max(d/4, 10*time.Millisecond)
		}
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if idle > 0 && now.Sub(time.Unix(0, se.lastInput.Load())) >= idle {
				se.log.Info("limit hit", "limit", "idle", "after", idle)
				se.end(fmt.Sprintf("disconnected after %s without input (idle timeout)", idle))
				return
			}
			if maxT > 0 && now.Sub(se.start) >= maxT {
				se.log.Info("limit hit", "limit", "max-time", "after", maxT)
				se.end(fmt.Sprintf("session time limit of %s reached", maxT))
				return
			}
		}
	}
}
