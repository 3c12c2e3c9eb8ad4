//go:build unix

package outfile

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
)

// openOwnDescriptor opens file when it names one of this process's own
// descriptors (/dev/fd/1, /proc/self/fd/1 as resolved) by duplicating the
// descriptor rather than opening its file anew: the writes then go where
// the descriptor's would, at its offset and with its flags (a shell's >>
// appends), as if no path had been given.
func openOwnDescriptor(file string) (*os.File, bool) {
	dir := filepath.Dir(file)
	if dir != "/dev/fd" && dir != fmt.Sprintf("/proc/%d/fd", os.Getpid()) {
		return nil, false
	}
	fd, err := strconv.Atoi(filepath.Base(file))
	if err != nil || fd < 0 {
		return nil, false
	}
	dup, err := syscall.Dup(fd)
	if err != nil {
		return nil, false
	}
	syscall.CloseOnExec(dup)
	return os.NewFile(uintptr(dup), file), true
}
