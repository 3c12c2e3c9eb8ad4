// Package outfile writes the files the tool produces: downloaded objects
// and credentials. What stands at the path decides how: a regular file (or
// nothing) is replaced atomically through a temporary file beside it; a
// symlink is followed and its target written the same way, the link left
// in place; a FIFO, a device or one of this process's own descriptors
// (/dev/stdout) is written straight into and never replaced; a directory or
// a socket is refused. Credentials go only to a regular file or a missing
// path (SecretFile). docs/output-paths.md says the same for users.
package outfile

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// What names the kind of file mode describes, for messages: "a directory",
// "a FIFO", "a character device", ...
func What(mode fs.FileMode) string {
	switch {
	case mode.IsRegular():
		return "a file"
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeSymlink != 0:
		return "a symlink"
	case mode&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a block device"
	}
	return "a special file"
}

// Kind says how a Target is written.
type Kind int

const (
	// New: nothing is there yet; a temporary file is renamed into place.
	New Kind = iota
	// Replace: a regular file, replaced by renaming a temporary file over
	// it; its permission bits are kept.
	Replace
	// InPlace: a FIFO, a device, or a descriptor of this process, opened
	// and written directly; it can only be written front to back.
	InPlace
)

// Target is what writing to a path will write to.
type Target struct {
	// Path is the path as given, for messages.
	Path string
	// File is Path with symlinks followed: what is created, replaced or
	// opened. For a new file inside a Dir it is Path as it is: the Dir's
	// root follows the links when the file is made.
	File string
	Kind Kind
	// Perm holds the permission bits of the file Replace replaces.
	Perm fs.FileMode
}

// maxLinks bounds the symlinks followed, as the kernel does (ELOOP).
const maxLinks = 40

// Resolve finds out what writing to path would write to. It refuses a
// directory, a socket, a regular file this process may not write, and a
// path ending in a separator.
func Resolve(path string) (*Target, error) {
	if strings.HasSuffix(path, string(filepath.Separator)) {
		return nil, fmt.Errorf("cannot write %s: a file name cannot end in %c", path, filepath.Separator)
	}
	file, descriptor, err := followLinks(path)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	return classify(path, file, descriptor)
}

// classify decides how to write file, which path resolved to.
func classify(path, file string, descriptor bool) (*Target, error) {
	t := &Target{Path: path, File: file}
	fi, err := os.Stat(file)
	if errors.Is(err, fs.ErrNotExist) {
		// Its directory may be missing too: creating the file will say so.
		return t, nil
	}
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, bare(err))
	}
	switch mode := fi.Mode(); {
	case mode.IsDir():
		return nil, fmt.Errorf("%s is a directory", path)
	case mode&fs.ModeSocket != 0 && !descriptor:
		return nil, fmt.Errorf("cannot write %s: it is a socket", path)
	case mode.IsRegular() && !descriptor:
		if !Writable(file) {
			return nil, fmt.Errorf("cannot write %s: %w", path, fs.ErrPermission)
		}
		t.Kind, t.Perm = Replace, mode.Perm()
	default:
		t.Kind = InPlace
	}
	return t, nil
}

// followLinks follows the symlinks at the end of path, each resolved
// against the real directory it is in (so "../x" means what the kernel
// takes it to mean). It stops at a file that does not exist, and at an
// entry of a process's descriptor directory (/dev/stdout leads to
// /proc/self/fd/1): the kernel opens the descriptor's file through it, and
// replacing its name would not reach the descriptor, so descriptor is true
// and the entry is to be written in place.
func followLinks(path string) (file string, descriptor bool, err error) {
	p := filepath.Clean(path)
	for range maxLinks {
		dir, err := filepath.EvalSymlinks(filepath.Dir(p))
		if errors.Is(err, fs.ErrNotExist) {
			return p, false, nil
		}
		if err != nil {
			return "", false, bare(err)
		}
		p = filepath.Join(dir, filepath.Base(p))
		if isDescriptorDir(dir) {
			return p, true, nil
		}
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return p, false, nil
		}
		if err != nil {
			return "", false, bare(err)
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return p, false, nil
		}
		target, err := os.Readlink(p)
		if err != nil {
			return "", false, bare(err)
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		p = target
	}
	return "", false, syscall.ELOOP
}

// isDescriptorDir reports whether dir (symlinks resolved) lists a
// process's open descriptors: /proc/PID/fd on Linux, /dev/fd elsewhere.
// Anything under /proc is treated alike: its entries are not files to
// replace.
func isDescriptorDir(dir string) bool {
	return dir == "/dev/fd" || dir == "/proc" || strings.HasPrefix(dir, "/proc/")
}

// bare drops the operation and path from a *fs.PathError, for messages
// that name the path the user gave.
func bare(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// File is an output file being written. Write it, then Commit; Abort
// (harmless after Commit) when the data will not come.
type File struct {
	t     *Target
	f     *os.File
	tmp   string // temporary name for New and Replace
	final string // what tmp is renamed to, as ops name it
	ops   fileOps
	done  bool
}

// fileOps are the filesystem calls File needs, on plain paths or inside an
// os.Root.
type fileOps struct {
	open   func(name string, flag int, perm fs.FileMode) (*os.File, error)
	rename func(from, to string) error
	remove func(name string) error
}

var plainOps = fileOps{open: os.OpenFile, rename: os.Rename, remove: os.Remove}

// Create resolves path and opens it for writing. Opening a FIFO waits for
// a reader; ctx ends the wait.
func Create(ctx context.Context, path string) (*File, error) {
	t, err := Resolve(path)
	if err != nil {
		return nil, err
	}
	return create(ctx, t, t.File, plainOps)
}

// create opens t, whose File is name for ops.
func create(ctx context.Context, t *Target, name string, ops fileOps) (*File, error) {
	out := &File{t: t, ops: ops}
	if t.Kind == InPlace {
		if f, ok := openOwnDescriptor(t.File); ok {
			out.f = f
			return out, nil
		}
		f, err := OpenWait(ctx, func() (*os.File, error) { return ops.open(name, os.O_WRONLY|os.O_TRUNC, 0) })
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("cannot write %s: %w", t.Path, bare(err))
		}
		out.f = f
		return out, nil
	}
	f, tmp, err := createTemp(ops, name)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", t.Path, bare(err))
	}
	out.f, out.tmp, out.final = f, tmp, name
	return out, nil
}

// createTemp makes a new file beside name, hidden, that no other process
// or call is using.
func createTemp(ops fileOps, name string) (*os.File, string, error) {
	dir, base := filepath.Split(name)
	for range 100 {
		b := make([]byte, 4)
		_, _ = rand.Read(b)
		tmp := fmt.Sprintf("%s.%s.%x.part", dir, base, b)
		f, err := ops.open(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, tmp, err
	}
	return nil, "", fmt.Errorf("no free temporary name beside %s", name)
}

// Target says what the file is written to.
func (f *File) Target() *Target { return f.t }

// RandomAccess reports whether WriteAt may be used: false for a FIFO or a
// device, which take bytes in order only.
func (f *File) RandomAccess() bool { return f.t.Kind != InPlace }

func (f *File) Write(p []byte) (int, error) { return f.f.Write(p) }

// WriteAt writes at an offset; only when RandomAccess.
func (f *File) WriteAt(p []byte, off int64) (int, error) { return f.f.WriteAt(p, off) }

// Commit finishes the file: the temporary file gets its permission bits
// (those of the file it replaces, else 0644) and is renamed into place.
func (f *File) Commit() error {
	f.done = true
	if f.t.Kind == InPlace {
		return f.f.Close()
	}
	perm := fs.FileMode(0o644)
	if f.t.Kind == Replace {
		perm = f.t.Perm
	}
	err := f.f.Chmod(perm)
	if cerr := f.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = f.ops.rename(f.tmp, f.final)
	}
	if err != nil {
		_ = f.ops.remove(f.tmp) // best effort: the write's error is the one to report
		return fmt.Errorf("cannot write %s: %w", f.t.Path, bare(err))
	}
	return nil
}

// Abort closes the file and removes the temporary one, leaving what was
// at the path as it was (a FIFO's reader sees the end of the data).
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	_ = f.f.Close() // abandoned: nothing in it is kept
	if f.tmp != "" {
		_ = f.ops.remove(f.tmp)
	}
}

// OpenWait runs open, giving up when ctx ends first: opening a FIFO
// blocks until its other end is opened, which may be never. A file opened
// after giving up is closed.
func OpenWait(ctx context.Context, open func() (*os.File, error)) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := open()
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}
