package pgtest

import (
	"os/exec"
	"runtime"
)

// process is a child started by spawn.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed once the child has exited and been reaped
	err  error         // cmd.Wait's result, readable after done
}

// spawn starts cmd from a goroutine locked to its own OS thread, and keeps
// that goroutine (and so that thread) alive until the child exits.
//
// On Linux the parent-death signal (SysProcAttr.Pdeathsig) fires when the
// *thread* that forked the child exits, not the process. The Go runtime may
// end any thread, for example when a goroutine that locked one returns, so a
// child forked from an arbitrary goroutine can be killed at a random moment.
// Forking from a thread that we pin for the child's whole life means the
// signal fires only when the child has exited already or when the whole
// process dies, which is exactly when we want it. The goroutine never
// unlocks, so the runtime discards the thread when the child is gone.
func spawn(cmd *exec.Cmd) (*process, error) {
	p := &process{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// run is spawn followed by waiting for the child to exit.
func run(cmd *exec.Cmd) error {
	p, err := spawn(cmd)
	if err != nil {
		return err
	}
	<-p.done
	return p.err
}

// exited reports whether the child has exited.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}
