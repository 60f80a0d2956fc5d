package cli

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A report file gets the mode a plain create would give it (0666 less
// the umask), or keeps the mode of the file it replaces: a CI step that
// uploads it as another user must be able to read it.
func TestWriteToFileMode(t *testing.T) {
	old := syscall.Umask(0o022)
	defer syscall.Umask(old)
	dir := t.TempDir()
	write := func(path, text string) {
		t.Helper()
		if err := writeTo(nil, path, func(w io.Writer) error { _, err := io.WriteString(w, text); return err }); err != nil {
			t.Fatal(err)
		}
	}
	perm := func(path string) os.FileMode {
		t.Helper()
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode().Perm()
	}

	fresh := filepath.Join(dir, "report.sarif")
	write(fresh, "one")
	if got := perm(fresh); got != 0o644 {
		t.Errorf("new report: mode %v, want -rw-r--r--", got)
	}

	kept := filepath.Join(dir, "kept.json")
	if err := os.WriteFile(kept, []byte("old"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(kept, 0o640); err != nil {
		t.Fatal(err)
	}
	write(kept, "new")
	if got := perm(kept); got != 0o640 {
		t.Errorf("replaced report: mode %v, want the old -rw-r-----", got)
	}
	if b, _ := os.ReadFile(kept); string(b) != "new" {
		t.Errorf("replaced report holds %q", b)
	}

	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tenantguard-") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}
