package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// osHostname is os.Hostname (a seam for nothing but readability).
func osHostname() (string, error) { return os.Hostname() }

// embeddedNATS is a nats-server with JetStream running inside this process
// (serve --nats embedded): its files live under StoreDir/jetstream, and a
// lock file keeps a second process from using the same store.
type embeddedNATS struct {
	srv  *server.Server
	url  string
	lock *os.File
}

// startEmbeddedNATS starts the server on listen (host:port; port 0 or -1:
// a free port) with its store under dir, and waits until it accepts
// connections. A busy port or a locked store is an error at once.
func startEmbeddedNATS(dir, listen string, log *slog.Logger) (*embeddedNATS, error) {
	if dir == "" {
		return nil, errors.New("nats embedded: no store directory (--data-dir)")
	}
	if listen == "" {
		listen = "127.0.0.1:4222"
	}
	host, portS, err := net.SplitHostPort(listen)
	if err != nil {
		return nil, fmt.Errorf("nats embedded: --nats-listen %q: %w", listen, err)
	}
	port, err := strconv.Atoi(portS)
	if err != nil || port < -1 || port > 65535 {
		return nil, fmt.Errorf("nats embedded: --nats-listen %q: bad port", listen)
	}
	if port == 0 {
		port = -1 // nats-server's "any free port"
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("nats embedded: store %s: %w", dir, err)
	}
	lock, err := lockDir(filepath.Join(dir, "nats.lock"))
	if err != nil {
		return nil, fmt.Errorf("nats embedded: store %s: %w", dir, err)
	}
	opts := &server.Options{
		ServerName: "backprop", Host: host, Port: port,
		JetStream: true, StoreDir: dir,
		NoSigs: true, // else the server traps SIGINT/SIGTERM and exits the process
		NoLog:  true,
	}
	s, err := server.NewServer(opts)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("nats embedded: %w", err)
	}
	fatal := make(chan string, 1)
	s.SetLogger(natsQuietLog{log: log.With("nats", "embedded"), fatal: fatal}, false, false)
	go s.Start()
	ready := make(chan bool, 1)
	go func() { ready <- s.ReadyForConnections(10 * time.Second) }()
	select {
	case msg := <-fatal:
		s.Shutdown()
		s.WaitForShutdown()
		lock.Close()
		return nil, fmt.Errorf("nats embedded on %s: %s", listen, msg)
	case ok := <-ready:
		if !ok {
			s.Shutdown()
			s.WaitForShutdown()
			lock.Close()
			return nil, fmt.Errorf("nats embedded on %s: not ready after 10s", listen)
		}
	}
	log.Info("nats embedded server started", "url", s.ClientURL(), "store", dir)
	return &embeddedNATS{srv: s, url: s.ClientURL(), lock: lock}, nil
}

// stop shuts the server down and waits for its goroutines, then releases
// the store.
func (e *embeddedNATS) stop() {
	e.srv.Shutdown()
	e.srv.WaitForShutdown()
	e.lock.Close()
}
