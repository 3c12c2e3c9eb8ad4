package objects

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/s3-credentials/s3-credentials/internal/outfile"
)

// LocalFile is a file to upload and the key it goes to.
type LocalFile struct {
	Path string // as the user would name it: the argument joined with the path below it
	Key  string
	Size int64
}

// Skipped is something under a directory given to put-objects that is not
// uploaded, and why.
type Skipped struct {
	Path string
	Why  string
}

// UploadPlan maps put-objects arguments to keys: a file goes to its own
// name; a directory's files go to their path relative to the directory's
// parent, so "dir" gives "dir/..." and "." gives the directory's contents.
// prefix, when set, is put in front of every key with a "/" between.
// Files are listed in walk order (lexical within each directory).
//
// Nothing is opened. Inside a directory, what is not a regular file
// (FIFOs, sockets, devices, symlinks to directories or to nothing) is
// skipped and listed in skipped; named as an argument it is an error, as
// is anything that cannot be read, named by its own path.
func UploadPlan(args []string, prefix string) (files []LocalFile, skipped []Skipped, err error) {
	if prefix != "" && !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot read %s: %w", arg, unwrapPathErr(err))
		}
		if !info.IsDir() {
			if !info.Mode().IsRegular() {
				return nil, nil, fmt.Errorf("%s is %s, not a regular file (put-object can upload it as a stream)", arg, outfile.What(info.Mode()))
			}
			if !outfile.Readable(arg) {
				return nil, nil, fmt.Errorf("cannot read %s: %w", arg, fs.ErrPermission)
			}
			files = append(files, LocalFile{Path: arg, Key: prefix + filepath.Base(arg), Size: info.Size()})
			continue
		}
		root := filepath.Clean(arg)
		// The directory's own name heads its keys; "." (and "/") give the
		// contents. ".." and the like are named by what they resolve to.
		name := ""
		if root != "." && root != string(filepath.Separator) {
			name = filepath.Base(root)
			if name == ".." {
				if abs, err := filepath.Abs(root); err == nil {
					name = filepath.Base(abs)
				}
			}
			if name == string(filepath.Separator) {
				name = ""
			}
		}
		walkRoot := root
		if li, err := os.Lstat(root); err == nil && li.Mode()&fs.ModeSymlink != 0 {
			// A symlink to a directory: a trailing separator makes the walk enter it.
			walkRoot = root + string(filepath.Separator)
		}
		err = filepath.WalkDir(walkRoot, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				// p is what could not be read: the argument or a directory below it.
				return fmt.Errorf("cannot read %s: %w", p, unwrapPathErr(err))
			}
			if d.IsDir() {
				return nil
			}
			// Symlinks are followed to files, as Python's is_file does.
			st, why := uploadable(p, d)
			if why != "" {
				skipped = append(skipped, Skipped{Path: p, Why: why})
				return nil
			}
			if !outfile.Readable(p) {
				return fmt.Errorf("cannot read %s: %w", p, fs.ErrPermission)
			}
			rel, err := filepath.Rel(root, p)
			if err != nil {
				return err
			}
			key := filepath.ToSlash(rel)
			if name != "" {
				key = name + "/" + key
			}
			files = append(files, LocalFile{Path: p, Key: prefix + key, Size: st.Size()})
			return nil
		})
		if err != nil {
			return nil, nil, err
		}
	}
	return files, skipped, nil
}

// uploadable says why the entry p of a walk is not uploaded, or gives
// the regular file it is (through a symlink).
func uploadable(p string, d fs.DirEntry) (fs.FileInfo, string) {
	if d.Type()&fs.ModeSymlink == 0 {
		if !d.Type().IsRegular() {
			return nil, outfile.What(d.Type()) + ", not a regular file"
		}
		st, err := d.Info()
		if err != nil {
			return nil, "cannot read it: " + unwrapPathErr(err).Error()
		}
		return st, ""
	}
	st, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, "a symlink to nothing"
	case err != nil:
		return nil, "a symlink that cannot be followed: " + unwrapPathErr(err).Error()
	case st.IsDir():
		return nil, "a symlink to a directory, not followed"
	case !st.Mode().IsRegular():
		return nil, "a symlink to " + outfile.What(st.Mode()) + ", not a regular file"
	}
	return st, ""
}

func unwrapPathErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// ErrUnsafeKey is returned for a key that names no file inside the output
// directory.
var ErrUnsafeKey = errors.New("would be written outside the output directory")

// LocalPath turns a key into a path relative to the output directory, or
// refuses it: absolute keys, keys with ".." that climb out, and keys that
// name no file (empty, or ending in "/") are refused.
func LocalPath(key string) (string, error) {
	if key == "" || strings.HasSuffix(key, "/") {
		return "", fmt.Errorf("%s: not a file name", key)
	}
	if path.IsAbs(key) || strings.HasPrefix(key, "\\") {
		return "", ErrUnsafeKey
	}
	rel := filepath.FromSlash(key)
	if !filepath.IsLocal(rel) {
		return "", ErrUnsafeKey
	}
	return filepath.Clean(rel), nil
}
