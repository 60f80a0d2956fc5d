package pgtest

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"strconv"
	"time"
)

// source is where a server can come from.
type source struct {
	binDir string // local binaries to use, or ""
	as     *runAs // the user to run them as (nil: ourselves)
	docker bool   // no local binaries, but a Docker engine answers
}

// runAs is the OS user a local server runs as.
type runAs struct{ uid, gid int }

// dockerProbeTimeout bounds the look for a Docker engine, which must be
// quick and quiet where there is none.
const dockerProbeTimeout = 2 * time.Second

// locate finds a way to run a server, without running one: local binaries
// first, then Docker unless binDir is given. The error wraps ErrUnavailable
// when there is none.
func locate(ctx context.Context, binDir string) (source, error) {
	dir, err := findBinDir(binDir, distroBinGlob)
	if err == nil {
		as, err := serverUser()
		if err == nil {
			return source{binDir: dir, as: as}, nil
		}
		if binDir != "" {
			return source{}, err
		}
	} else if binDir != "" {
		return source{}, err
	}
	localErr := err
	ctx, cancel := context.WithTimeout(ctx, dockerProbeTimeout)
	defer cancel()
	dockerErr := dockerEngine(ctx)
	if dockerErr == nil {
		return source{docker: true}, nil
	}
	return source{}, fmt.Errorf("pgtest: %w: %v; %v", ErrUnavailable, localErr, dockerErr)
}

// serverUser says who runs the server: ourselves, unless we are root, which
// PostgreSQL refuses; then the postgres OS user.
func serverUser() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("pgtest: PostgreSQL will not run as root and there is no postgres OS user to run it as: %w", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return nil, fmt.Errorf("pgtest: postgres OS user: uid %q: %w", u.Uid, err)
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return nil, fmt.Errorf("pgtest: postgres OS user: gid %q: %w", u.Gid, err)
	}
	return &runAs{uid: uid, gid: gid}, nil
}
