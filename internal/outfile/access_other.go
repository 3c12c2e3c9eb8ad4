//go:build !unix

package outfile

import "os"

// Writable reports whether this process may write the existing file path:
// here, whether it is not marked read-only.
func Writable(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm()&0o200 != 0
}

// Readable reports whether this process may read the existing file path.
func Readable(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	f.Close()
	return true
}
