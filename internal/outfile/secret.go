package outfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// SecretFile writes credentials to a file that only its owner can read
// (mode 0600), without ever replacing an existing file unless asked to.
// Prepare it before the credentials exist, so a bad path fails before any
// AWS change; Commit writes and moves it into place.
type SecretFile struct {
	path  string
	force bool
	tmp   *os.File
}

// PrepareSecretFile checks that path can take credentials: it must be a
// regular file or missing (never a symlink, FIFO, device, socket or
// directory, whatever force says), must not exist unless force, and its
// directory must be writable.
func PrepareSecretFile(path string, force bool) (*SecretFile, error) {
	fi, err := os.Lstat(path)
	switch {
	case err == nil && !fi.Mode().IsRegular():
		return nil, notRegular(path, fi.Mode())
	case err == nil && !force:
		return nil, fmt.Errorf("%s already exists; use --force to overwrite it", path)
	case err != nil && !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("cannot write %s: %w", path, bare(err))
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, bare(err))
	}
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, err
	}
	return &SecretFile{path: path, force: force, tmp: tmp}, nil
}

func notRegular(path string, mode fs.FileMode) error {
	return fmt.Errorf("%s is %s: credentials are only written to a regular file (or - for standard output)", path, What(mode))
}

// Path is where the credentials go.
func (s *SecretFile) Path() string { return s.path }

// Commit writes data and puts the file in place. Without force it never
// replaces a file that appeared meanwhile: the data then stays in the
// temporary file, whose name the error gives.
func (s *SecretFile) Commit(data []byte) error {
	name := s.tmp.Name()
	if _, err := s.tmp.Write(data); err != nil {
		s.tmp.Close()
		return err
	}
	if err := s.tmp.Sync(); err != nil {
		s.tmp.Close()
		return err
	}
	if err := s.tmp.Close(); err != nil {
		return err
	}
	if s.force {
		// What appeared meanwhile is replaced only if it is a regular file.
		if fi, err := os.Lstat(s.path); err == nil && !fi.Mode().IsRegular() {
			return fmt.Errorf("%v; the credentials are in %s", notRegular(s.path, fi.Mode()), name)
		}
		return os.Rename(name, s.path)
	}
	if err := os.Link(name, s.path); err != nil {
		return fmt.Errorf("could not create %s (%v); the credentials are in %s", s.path, errors.Unwrap(err), name)
	}
	return os.Remove(name)
}

// Abandon removes the temporary file when no credentials were made.
func (s *SecretFile) Abandon() {
	s.tmp.Close()
	os.Remove(s.tmp.Name())
}
