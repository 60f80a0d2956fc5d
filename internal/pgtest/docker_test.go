package pgtest

import (
	"context"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	"github.com/testcontainers/testcontainers-go/wait"
)

func TestDockerCustomizers(t *testing.T) {
	if dockerImage != "postgres:15" {
		t.Errorf("image %q, want the official postgres:15", dockerImage)
	}
	req := testcontainers.GenericContainerRequest{ContainerRequest: testcontainers.ContainerRequest{Image: dockerImage}}
	for _, c := range dockerCustomizers("pw123") {
		if err := c.Customize(&req); err != nil {
			t.Fatal(err)
		}
	}
	for k, want := range map[string]string{"POSTGRES_USER": "postgres", "POSTGRES_PASSWORD": "pw123", "POSTGRES_DB": "postgres"} {
		if got := req.Env[k]; got != want {
			t.Errorf("env %s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(req.Env["POSTGRES_INITDB_ARGS"], "--locale=C") {
		t.Errorf("POSTGRES_INITDB_ARGS = %q", req.Env["POSTGRES_INITDB_ARGS"])
	}
	if len(req.Cmd) == 0 || req.Cmd[0] != "postgres" || !slices.Contains(req.Cmd, "fsync=off") {
		t.Errorf("cmd = %q, want postgres with fsync=off", req.Cmd)
	}
	if _, ok := req.Tmpfs["/var/lib/postgresql/data"]; !ok {
		t.Errorf("tmpfs = %v, want the data directory in memory", req.Tmpfs)
	}
	if req.Logger == nil {
		t.Error("testcontainers logger not set: it would print to stderr")
	}
	all, ok := req.WaitingFor.(*wait.MultiStrategy)
	if !ok {
		t.Fatalf("wait strategy %T, want all of several", req.WaitingFor)
	}
	var logTwice, port bool
	for _, s := range all.Strategies {
		switch s := s.(type) {
		case *wait.LogStrategy:
			logTwice = strings.Contains(s.Log, "ready to accept connections") && s.Occurrence == 2
		case *wait.HostPortStrategy:
			port = strings.HasPrefix(string(s.Port), "5432")
		}
	}
	if !logTwice || !port {
		t.Errorf("wait strategy %v: want the ready log line twice and port 5432", all)
	}
}

func TestDockerEngineProbe(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), dockerProbeTimeout)
	defer cancel()
	dir := t.TempDir()

	t.Run("nothing at DOCKER_HOST", func(t *testing.T) {
		t.Setenv("DOCKER_HOST", "unix://"+filepath.Join(dir, "none.sock"))
		begin := time.Now()
		err := dockerEngine(ctx)
		if err == nil || !strings.Contains(err.Error(), "DOCKER_HOST") {
			t.Errorf("err = %v, want no engine at DOCKER_HOST", err)
		}
		if d := time.Since(begin); d > 500*time.Millisecond {
			t.Errorf("took %v to find no engine", d)
		}
	})

	serve := func(t *testing.T, h http.HandlerFunc) string {
		path := filepath.Join(dir, t.Name()[len("TestDockerEngineProbe/"):]+".sock")
		l, err := net.Listen("unix", path)
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: h}
		go srv.Serve(l)
		t.Cleanup(func() { srv.Close() })
		return "unix://" + path
	}
	t.Run("engine answers", func(t *testing.T) {
		t.Setenv("DOCKER_HOST", serve(t, func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/_ping" {
				http.NotFound(w, r)
				return
			}
			w.Write([]byte("OK"))
		}))
		if err := dockerEngine(ctx); err != nil {
			t.Errorf("err = %v with an engine answering", err)
		}
	})
	t.Run("engine fails", func(t *testing.T) {
		t.Setenv("DOCKER_HOST", serve(t, func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusInternalServerError)
		}))
		if err := dockerEngine(ctx); err == nil {
			t.Error("an engine answering 500 counted as available")
		}
	})
	t.Run("no DOCKER_HOST", func(t *testing.T) {
		t.Setenv("DOCKER_HOST", "")
		t.Setenv("HOME", dir)
		t.Setenv("XDG_RUNTIME_DIR", dir)
		begin := time.Now()
		err := dockerEngine(ctx)
		if d := time.Since(begin); d > time.Second {
			t.Errorf("took %v (err %v)", d, err)
		}
		if err != nil && !strings.Contains(err.Error(), "/var/run/docker.sock") {
			t.Errorf("err = %v, want the places looked at", err)
		}
	})
}

func TestDockerHostAddr(t *testing.T) {
	for host, want := range map[string]string{
		"unix:///var/run/docker.sock": "unix /var/run/docker.sock",
		"tcp://127.0.0.1:2375":        "tcp 127.0.0.1:2375",
		"ssh://me@box":                "",
		"npipe:////./pipe/docker":     "",
	} {
		n, a, ok := dockerHostAddr(host)
		got := ""
		if ok {
			got = n + " " + a
		}
		if got != want {
			t.Errorf("dockerHostAddr(%q) = %q, want %q", host, got, want)
		}
	}
}

// locate prefers local binaries, then a Docker engine, and says what it
// looked for when there is neither. Not parallel: it changes distroBinGlob.
func TestLocateOrder(t *testing.T) {
	ctx := context.Background()
	t.Setenv("PATH", t.TempDir()) // no initdb on PATH
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_RUNTIME_DIR", t.TempDir())
	saved := distroBinGlob
	t.Cleanup(func() { distroBinGlob = saved })

	base := t.TempDir()
	bin := filepath.Join(base, "15", "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"initdb", "postgres"} {
		if err := os.WriteFile(filepath.Join(bin, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	sock := filepath.Join(t.TempDir(), "docker.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("OK")) })}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	engine, noEngine := "unix://"+sock, "unix://"+filepath.Join(t.TempDir(), "none.sock")

	for _, tt := range []struct {
		name, glob, dockerHost, binDir string
		want                           string // "local", "docker" or an error's text
	}{
		{"local binaries win over an engine", filepath.Join(base, "*", "bin"), engine, "", "local"},
		{"no binaries, an engine", "/nonexistent/*/bin", engine, "", "docker"},
		{"neither", "/nonexistent/*/bin", noEngine, "", "no PostgreSQL server available: no PostgreSQL server binaries"},
		{"explicit BinDir never falls back to Docker", filepath.Join(base, "*", "bin"), engine, t.TempDir(), "no initdb and postgres in"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			distroBinGlob = tt.glob
			t.Setenv("DOCKER_HOST", tt.dockerHost)
			src, err := locate(ctx, tt.binDir)
			got := "local"
			switch {
			case err != nil:
				got = err.Error()
				if strings.HasPrefix(tt.want, "no PostgreSQL server available") && !errors.Is(err, ErrUnavailable) {
					t.Errorf("error %v does not wrap ErrUnavailable", err)
				}
			case src.docker:
				got = "docker"
			case src.binDir != bin:
				got = "binaries in " + src.binDir
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("locate = %q, want %q", got, tt.want)
			}
		})
	}
}
