package outfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ErrOutside is returned for a file that would land outside its Dir,
// through ".." or a symlink that leads out.
var ErrOutside = errors.New("would be written outside the output directory")

// Dir is a directory that files are written into, and never out of: every
// operation goes through an os.Root. Each file follows the rules of Create.
type Dir struct {
	path string // as given, for messages
	real string // absolute, symlinks resolved
	cwd  string // the working directory, for relative paths (asked once, not per file)
	root *os.Root
}

// OpenDir opens path as an output directory, creating it and its parents
// if missing; a symlink to a missing directory gets that directory made.
func OpenDir(path string) (*Dir, error) {
	target, _, err := followLinks(path)
	if err == nil {
		err = os.MkdirAll(target, 0o755)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot create directory %s: %w", path, bare(err))
	}
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open directory %s: %w", path, bare(err))
	}
	cwd, err := os.Getwd()
	if err != nil {
		return nil, fmt.Errorf("cannot open directory %s: %w", path, bare(err))
	}
	root, err := os.OpenRoot(path)
	if err != nil {
		return nil, fmt.Errorf("cannot open directory %s: %w", path, bare(err))
	}
	return &Dir{path: path, real: real, cwd: cwd, root: root}, nil
}

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// MkdirAll makes the directory rel and its parents inside d. When a file
// stands where a directory is needed, the error names it.
func (d *Dir) MkdirAll(rel string) error {
	err := d.root.MkdirAll(rel, 0o755)
	if err == nil {
		return nil
	}
	if escapes(err) {
		return ErrOutside
	}
	p := ""
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		fi, serr := d.root.Stat(p)
		if serr != nil {
			break
		}
		if !fi.IsDir() {
			return fmt.Errorf("%s is %s, not a directory", filepath.Join(d.path, p), What(fi.Mode()))
		}
	}
	return fmt.Errorf("cannot create directory %s: %w", filepath.Join(d.path, rel), bare(err))
}

// Create opens rel inside d for writing, as Create does a path.
func (d *Dir) Create(ctx context.Context, rel string) (*File, error) {
	path := filepath.Join(d.path, rel)
	ops := fileOps{open: d.root.OpenFile, rename: d.root.Rename, remove: d.root.Remove}
	// Most files written into a directory are new. When nothing at all
	// stands at rel (not even a dangling symlink), the root's own walk is
	// the whole check: it follows the directories' symlinks only while
	// they stay inside and refuses the rest, as followLinks does below,
	// which also resolves every directory above d and looks twice more.
	if _, err := d.root.Lstat(rel); errors.Is(err, fs.ErrNotExist) {
		return d.create(ctx, &Target{Path: path, File: path}, rel, ops)
	} else if escapes(err) {
		return nil, ErrOutside
	}
	file, descriptor, err := followLinks(path)
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %w", path, err)
	}
	abs := file
	if !filepath.IsAbs(abs) {
		abs = filepath.Join(d.cwd, abs)
	}
	inside, err := filepath.Rel(d.real, abs)
	if err != nil || !filepath.IsLocal(inside) {
		return nil, ErrOutside
	}
	t, err := classify(path, file, descriptor)
	if err != nil {
		return nil, err
	}
	return d.create(ctx, t, inside, ops)
}

// create opens t, which is name inside d.
func (d *Dir) create(ctx context.Context, t *Target, name string, ops fileOps) (*File, error) {
	f, err := create(ctx, t, name, ops)
	if escapes(err) {
		return nil, ErrOutside
	}
	return f, err
}

// Escapes reports whether err is an os.Root's refusal of a path that
// leads out of it (through ".." or a symlink).
func Escapes(err error) bool { return escapes(err) }

// escapes recognises os.Root's refusal of a path that leaves the root; it
// has no exported error.
func escapes(err error) bool {
	return err != nil && strings.Contains(err.Error(), "escapes from parent")
}
