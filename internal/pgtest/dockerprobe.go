package pgtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
)

// dockerEngine reports whether a Docker engine answers a ping, before
// testcontainers is asked for anything: testcontainers looks in many places,
// logs as it goes and can take long to give up, while a machine without an
// engine should cost nothing and print nothing. It honours DOCKER_HOST
// (unix:// and tcp://; other schemes are left to testcontainers), else tries
// the usual socket paths.
func dockerEngine(ctx context.Context) error {
	if host := os.Getenv("DOCKER_HOST"); host != "" {
		network, addr, ok := dockerHostAddr(host)
		if !ok {
			return nil // ssh://, npipe:// …: we cannot ping those cheaply
		}
		if err := pingDocker(ctx, network, addr); err != nil {
			return fmt.Errorf("no Docker engine answers at DOCKER_HOST: %w", err)
		}
		return nil
	}
	sockets := dockerSockets()
	var tried []string
	for _, path := range sockets {
		if _, err := os.Stat(path); err != nil {
			continue
		}
		if err := pingDocker(ctx, "unix", path); err == nil {
			return nil
		}
		tried = append(tried, path)
	}
	if len(tried) == 0 {
		return errors.New("no Docker engine (DOCKER_HOST is unset and there is no socket at " + strings.Join(sockets, ", ") + ")")
	}
	return errors.New("no Docker engine answers at " + strings.Join(tried, ", "))
}

// dockerHostAddr turns DOCKER_HOST into a dialable address, when it is one
// we can ping without TLS or SSH.
func dockerHostAddr(host string) (network, addr string, ok bool) {
	u, err := url.Parse(host)
	if err != nil {
		return "", "", false
	}
	switch u.Scheme {
	case "unix":
		return "unix", u.Path, true
	case "tcp":
		if os.Getenv("DOCKER_TLS_VERIFY") != "" {
			return "", "", false
		}
		return "tcp", u.Host, true
	}
	return "", "", false
}

// dockerSockets lists where engines usually listen and testcontainers looks
// by itself: the system socket, Docker Desktop's and rootless Docker's.
func dockerSockets() []string {
	paths := []string{"/var/run/docker.sock"}
	if home, err := os.UserHomeDir(); err == nil {
		paths = append(paths,
			filepath.Join(home, ".docker", "run", "docker.sock"),
			filepath.Join(home, ".docker", "desktop", "docker.sock"))
	}
	runtimeDir := os.Getenv("XDG_RUNTIME_DIR")
	if runtimeDir == "" {
		runtimeDir = fmt.Sprintf("/run/user/%d", os.Getuid())
	}
	return append(paths, filepath.Join(runtimeDir, "docker.sock"))
}

// pingDocker asks the engine API at network/addr for /_ping.
func pingDocker(ctx context.Context, network, addr string) error {
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		},
	}}
	defer client.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://docker/_ping", nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("ping: %s %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
