package outfile

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestSecretFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "creds.json")
	sf, err := PrepareSecretFile(path, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := sf.Commit([]byte("secret")); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v err %v", fi.Mode(), err)
	}
	if _, err := PrepareSecretFile(path, false); err == nil || !strings.Contains(err.Error(), "already exists; use --force") {
		t.Fatalf("existing file: %v", err)
	}
	// --force replaces it, and a file that was world-readable ends up 0600.
	os.Chmod(path, 0o644)
	sf, err = PrepareSecretFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := sf.Commit([]byte("new")); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(path)
	fi, _ = os.Stat(path)
	if string(b) != "new" || fi.Mode().Perm() != 0o600 {
		t.Errorf("content %q mode %v", b, fi.Mode())
	}
	if _, err := PrepareSecretFile(filepath.Join(dir, "nodir", "x"), false); err == nil {
		t.Error("missing directory accepted")
	}
	if _, err := PrepareSecretFile(dir, true); err == nil {
		t.Error("a directory accepted")
	}
	// A file appearing between Prepare and Commit is not replaced.
	other := filepath.Join(dir, "race.json")
	sf, _ = PrepareSecretFile(other, false)
	os.WriteFile(other, []byte("theirs"), 0o644)
	if err := sf.Commit([]byte("mine")); err == nil || !strings.Contains(err.Error(), "the credentials are in") {
		t.Errorf("race: %v", err)
	}
	if b, _ := os.ReadFile(other); string(b) != "theirs" {
		t.Errorf("replaced: %q", b)
	}
	// Abandon leaves nothing behind.
	sf, _ = PrepareSecretFile(filepath.Join(dir, "gone.json"), false)
	sf.Abandon()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), "gone") {
			t.Errorf("left %s", e.Name())
		}
	}
}

// Credentials go to a regular file or a missing path only, --force or not.
func TestSecretFileRefusesWhatIsNotARegularFile(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "target"), []byte("old"), 0o600)
	os.Symlink("target", filepath.Join(dir, "link"))
	os.Symlink("missing", filepath.Join(dir, "dangling"))
	syscall.Mkfifo(filepath.Join(dir, "fifo"), 0o644)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	for name, what := range map[string]string{"link": "a symlink", "dangling": "a symlink", "fifo": "a FIFO", "sub": "a directory"} {
		for _, force := range []bool{false, true} {
			path := filepath.Join(dir, name)
			want := path + " is " + what + ": credentials are only written to a regular file (or - for standard output)"
			if _, err := PrepareSecretFile(path, force); err == nil || err.Error() != want {
				t.Errorf("%s force=%v: %v", name, force, err)
			}
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "target")); string(b) != "old" {
		t.Errorf("target changed: %q", b)
	}
	// With --force, a FIFO that appears before Commit is not replaced.
	path := filepath.Join(dir, "late")
	sf, err := PrepareSecretFile(path, true)
	if err != nil {
		t.Fatal(err)
	}
	syscall.Mkfifo(path, 0o644)
	if err := sf.Commit([]byte("secret")); err == nil || !strings.Contains(err.Error(), "is a FIFO") || !strings.Contains(err.Error(), "the credentials are in") {
		t.Errorf("late FIFO: %v", err)
	}
	if fi, _ := os.Lstat(path); fi.Mode().Type() != fs.ModeNamedPipe {
		t.Errorf("replaced: %v", fi.Mode())
	}
}
