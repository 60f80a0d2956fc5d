package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"syscall"
)

// janitorScript waits for its standard input to reach end of file, which
// happens when the process that holds the other end of the pipe exits, however
// it exits (a panic in a test goroutine skips every deferred call, and kill -9
// skips everything). It then stops the postmaster if it still runs and removes
// the cluster directory ($1).
//
// The postmaster's pid is read from its own lock file, which postgres removes
// when it shuts down, so a pid is only signalled while postgres claims it.
const janitorScript = `trap '' HUP INT
read -r _ || :
pidfile="$1/data/postmaster.pid"
if [ -f "$pidfile" ]; then
	pid=$(head -n 1 "$pidfile")
	case "$pid" in
	''|*[!0-9]*) ;;
	*)
		kill -QUIT "$pid" 2>/dev/null
		i=0
		while kill -0 "$pid" 2>/dev/null && [ "$i" -lt 100 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		kill -KILL "$pid" 2>/dev/null
		;;
	esac
fi
rm -rf "$1"
`

// janitor is the process that cleans up after a cluster whose owner died.
type janitor struct {
	cmd  *exec.Cmd
	pipe *os.File // our end; closing it sets the janitor to work
}

// startJanitor starts a janitor for the cluster directory root. Where there
// is no /bin/sh it returns nil and no error: the stale-directory sweep is then
// the only fallback.
func startJanitor(root string) (*janitor, error) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		return nil, nil
	}
	r, w, err := os.Pipe() // close-on-exec: only the janitor gets r
	if err != nil {
		return nil, fmt.Errorf("pgtest: janitor: %w", err)
	}
	defer r.Close()
	cmd := exec.Command("/bin/sh", "-c", janitorScript, "pgtest-janitor", root)
	cmd.Stdin = r
	cmd.Dir = "/"
	// Its own process group, so that a Ctrl-C or a kill of our group leaves it
	// alive to clean up; no parent-death signal, for the same reason.
	cmd.SysProcAttr = sysProcAttr(nil, syscall.Signal(0))
	if err := cmd.Start(); err != nil {
		w.Close()
		return nil, fmt.Errorf("pgtest: janitor: %w", err)
	}
	return &janitor{cmd: cmd, pipe: w}, nil
}

// finish lets the janitor run its clean-up now and waits for it.
func (j *janitor) finish() error {
	if j == nil {
		return nil
	}
	j.pipe.Close()
	if err := j.cmd.Wait(); err != nil {
		return fmt.Errorf("pgtest: janitor: %w", err)
	}
	return nil
}
