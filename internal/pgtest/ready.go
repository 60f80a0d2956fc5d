package pgtest

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"time"

	"github.com/jackc/pgx/v5"
)

const (
	// readyTimeout bounds the wait for a new server to accept connections.
	readyTimeout = 30 * time.Second
	// tailLines is how much of a server log goes into an error.
	tailLines = 20
)

// waitReady connects to c until it answers, proc (if any) exits, ctx ends or
// readyTimeout passes. Errors carry the tail of the server log at logPath
// (if any).
func waitReady(ctx context.Context, c *Cluster, proc *process, logPath string) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	url := c.URL(c.adminDB)
	for {
		if proc != nil && proc.exited() {
			return fmt.Errorf("pgtest: postgres exited during start-up (%v)%s", proc.err, logTail(logPath))
		}
		var exited <-chan struct{}
		if proc != nil {
			exited = proc.done
		}
		conn, err := connectUnless(ctx, url, exited)
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pgtest: postgres did not accept connections: %w%s", err, logTail(logPath))
		case <-exited:
		case <-time.After(25 * time.Millisecond):
		}
	}
}

// connectUnless tries once to connect, giving up after 2s or when exited is
// closed: whatever holds the port if our server failed to bind it may never
// answer.
func connectUnless(ctx context.Context, url string, exited <-chan struct{}) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	go func() {
		select {
		case <-exited:
			cancel()
		case <-ctx.Done():
		}
	}()
	return pgx.Connect(ctx, url)
}

// logTail returns the last lines of the log at path, set off for an error
// message, or "" when there is none.
func logTail(path string) string {
	if path == "" {
		return ""
	}
	b, err := os.ReadFile(path)
	if err != nil || len(bytes.TrimSpace(b)) == 0 {
		return ""
	}
	return "\nserver log (last lines):\n" + tail(b, tailLines)
}

// tail returns the last n lines of b.
func tail(b []byte, n int) string {
	lines := bytes.Split(bytes.TrimRight(b, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}
