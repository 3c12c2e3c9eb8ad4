//go:build unix

package outfile

import "syscall"

// Writable reports whether this process may write the existing file path
// (root may write anything).
func Writable(path string) bool { return syscall.Access(path, 0x2) == nil }

// Readable reports whether this process may read the existing file path.
func Readable(path string) bool { return syscall.Access(path, 0x4) == nil }
