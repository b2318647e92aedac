package testkit

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/nats-io/jwt/v2"
	natsserver "github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nkeys"
)

// AuthNATS is a nats-server in operator (JWT) mode with JetStream that
// admits only users of its account, and creds files: good (a user of that
// account), wrong (a user of an account the server does not know).
type AuthNATS struct {
	URL         string
	Good, Wrong string // creds files
}

// StartAuthNATS starts one for the test (stopped at cleanup).
func StartAuthNATS(t testing.TB) AuthNATS {
	t.Helper()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	op, err := nkeys.CreateOperator()
	must(err)
	opPub, _ := op.PublicKey()
	oc := jwt.NewOperatorClaims(opPub)
	oc.Name = "backprop-test"
	opJWT, err := oc.Encode(op)
	must(err)
	opClaims, err := jwt.DecodeOperatorClaims(opJWT)
	must(err)
	resolver := &natsserver.MemAccResolver{}
	account := func(name string, js bool) nkeys.KeyPair {
		acc, err := nkeys.CreateAccount()
		must(err)
		pub, _ := acc.PublicKey()
		ac := jwt.NewAccountClaims(pub)
		ac.Name = name
		if js {
			ac.Limits.JetStreamLimits = jwt.JetStreamLimits{MemoryStorage: -1, DiskStorage: -1, Streams: -1, Consumer: -1}
		}
		accJWT, err := ac.Encode(op)
		must(err)
		must(resolver.Store(pub, accJWT))
		return acc
	}
	sys := account("SYS", false)
	class := account("CLASS", true)
	other, err := nkeys.CreateAccount() // signed by no operator the server trusts
	must(err)
	creds := func(acc nkeys.KeyPair, name string) string {
		u, err := nkeys.CreateUser()
		must(err)
		upub, _ := u.PublicKey()
		uc := jwt.NewUserClaims(upub)
		uc.Name = name
		uJWT, err := uc.Encode(acc)
		must(err)
		seed, _ := u.Seed()
		data, err := jwt.FormatUserConfig(uJWT, seed)
		must(err)
		p := filepath.Join(t.TempDir(), name+".creds")
		must(os.WriteFile(p, data, 0o600))
		return p
	}
	sysPub, _ := sys.PublicKey()
	s, err := natsserver.NewServer(&natsserver.Options{
		Host: "127.0.0.1", Port: -1, JetStream: true, StoreDir: t.TempDir(), NoSigs: true, NoLog: true,
		TrustedOperators: []*jwt.OperatorClaims{opClaims}, AccountResolver: resolver, SystemAccount: sysPub,
	})
	must(err)
	go s.Start()
	if !s.ReadyForConnections(10 * time.Second) {
		t.Fatal("nats-server with JWT auth not ready")
	}
	t.Cleanup(func() { s.Shutdown(); s.WaitForShutdown() })
	return AuthNATS{URL: s.ClientURL(), Good: creds(class, "teacher-box"), Wrong: creds(other, "stranger")}
}
