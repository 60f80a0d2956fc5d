//go:build linux || darwin

package discover

import (
	"io/fs"
	"syscall"
)

// readRegularFile reads a file that must be a regular one, with as few
// system calls as it takes: os.ReadFile also offers every file to the
// network poller (four fcntl and an epoll_ctl that fails), which made up
// most of the time of discovering a history of thousands of files.
// O_NONBLOCK makes opening a FIFO return at once: it is then refused,
// not read (reading one would block the run).
func readRegularFile(name string) ([]byte, error) {
	var fd int
	var err error
	for {
		fd, err = syscall.Open(name, syscall.O_RDONLY|syscall.O_CLOEXEC|syscall.O_NONBLOCK, 0)
		if err != syscall.EINTR {
			break
		}
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: name, Err: err}
	}
	defer syscall.Close(fd)
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return nil, &fs.PathError{Op: "stat", Path: name, Err: err}
	}
	if st.Mode&syscall.S_IFMT != syscall.S_IFREG {
		return nil, &fs.PathError{Op: "read", Path: name, Err: errNotRegular}
	}
	// One byte more than the size, so that one read ends at the end of
	// the file and the next says so.
	data := make([]byte, 0, max(int(st.Size)+1, 512))
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)] // the file grew
		}
		n, err := syscall.Read(fd, data[len(data):cap(data)])
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: name, Err: err}
		}
		if n == 0 {
			return data, nil
		}
		data = data[:len(data)+n]
	}
}
