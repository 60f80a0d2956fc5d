package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"

	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	tcpostgres "github.com/testcontainers/testcontainers-go/modules/postgres"
)

// dockerImage is the official image of the PostgreSQL major version the
// project targets.
const dockerImage = "postgres:15"

// dockerCustomizers configure the postgres container: our superuser and
// password, the same fast, throwaway settings as a local cluster, the data
// directory in memory, and a wait for the server to be ready (the image's
// entrypoint starts it twice: once to initialise, once for real). The
// testcontainers logger is silenced: our errors say what went wrong.
func dockerCustomizers(password string) []testcontainers.ContainerCustomizer {
	cmd := []string{"postgres"}
	for _, setting := range serverSettings {
		cmd = append(cmd, "-c", setting)
	}
	return []testcontainers.ContainerCustomizer{
		testcontainers.WithLogger(tclog.NewNoopLogger()),
		tcpostgres.WithUsername(superuser),
		tcpostgres.WithPassword(password),
		tcpostgres.WithDatabase("postgres"),
		testcontainers.WithEnv(map[string]string{
			"POSTGRES_INITDB_ARGS": "--encoding=UTF8 --locale=C --no-sync",
		}),
		testcontainers.WithCmd(cmd...),
		testcontainers.WithTmpfs(map[string]string{"/var/lib/postgresql/data": "rw"}),
		tcpostgres.BasicWaitStrategies(),
	}
}

// startDocker runs the postgres image and waits until it accepts
// connections. Testcontainers' reaper removes the container if we die before
// Stop.
func startDocker(ctx context.Context) (_ *Cluster, err error) {
	password, err := randomHex(16)
	if err != nil {
		return nil, fmt.Errorf("pgtest: docker: %w", err)
	}
	ctr, err := tcpostgres.Run(ctx, dockerImage, dockerCustomizers(password)...)
	c := &Cluster{adminDB: "postgres"}
	if ctr != nil {
		c.container = ctr
	}
	defer func() {
		if err != nil && c.container != nil {
			_ = c.Stop() // the start error says what matters
		}
	}()
	if err != nil {
		return nil, fmt.Errorf("pgtest: docker: %s: %w", dockerImage, err)
	}
	raw, err := ctr.ConnectionString(ctx, "sslmode=disable")
	if err != nil {
		return nil, fmt.Errorf("pgtest: docker: %w", err)
	}
	if c.base, err = url.Parse(raw); err != nil {
		return nil, fmt.Errorf("pgtest: docker: bad connection string from testcontainers")
	}
	if err := waitReady(ctx, c, nil, ""); err != nil {
		return nil, err
	}
	if err := c.tune(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
