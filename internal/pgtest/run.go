package pgtest

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"syscall"
)

// Run is what `tenantguard check --ephemeral` needs: it starts a throwaway
// server (see Start), calls fn with it, and stops it and removes its files
// however fn ends — when it returns, when it panics (the panic goes on after
// the clean-up), and when the process gets SIGINT or SIGTERM, which cancel
// the context given to fn. If the process dies without running deferred
// calls, the server dies with it and a janitor removes its files.
func Run(ctx context.Context, opts Options, fn func(ctx context.Context, c *Cluster) error) (err error) {
	ctx, stopSignals := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stopSignals()
	c, err := Start(ctx, opts)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, c.Stop()) }()
	return fn(ctx, c)
}
