package flagvalue

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// endless is a reader that never ends, like /dev/zero or yes(1).
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'y'
	}
	e.n += int64(len(p))
	return len(p), nil
}

// Input that never ends is refused after MaxSize bytes, at once.
func TestReadLimitedStopsEndlessInput(t *testing.T) {
	src := &endless{}
	_, err := ReadLimited(src)
	var tl *TooLargeError
	if !errors.As(err, &tl) {
		t.Fatalf("err %v", err)
	}
	if src.n > MaxSize+64*1024 {
		t.Errorf("read %d bytes before refusing", src.n)
	}
}

func TestReadLimitedBoundary(t *testing.T) {
	data, err := ReadLimited(bytes.NewReader(bytes.Repeat([]byte("a"), MaxSize)))
	if err != nil || len(data) != MaxSize {
		t.Errorf("MaxSize bytes: %d, %v", len(data), err)
	}
	if _, err := ReadLimited(bytes.NewReader(bytes.Repeat([]byte("a"), MaxSize+1))); err == nil {
		t.Error("MaxSize+1 bytes accepted")
	}
}

// --policy /dev/zero, --policy - with endless stdin, a huge literal and a
// huge statement all fail fast with a message saying why.
func TestPolicyInputsAreCapped(t *testing.T) {
	start := time.Now()
	if _, err := os.Stat("/dev/zero"); err == nil {
		if _, err := ReadPolicy("/dev/zero", nil); err == nil || err.Error() != "File is larger than 1 MiB, far beyond any policy or credentials file" {
			t.Errorf("/dev/zero: %v", err)
		}
	}
	if _, err := ReadPolicy("-", &endless{}); err == nil || err.Error() != "Input is larger than 1 MiB, far beyond any policy or credentials file" {
		t.Errorf("endless stdin: %v", err)
	}
	huge := `{"Version": "2012-10-17", "Statement": [], "x": "` + strings.Repeat("a", MaxSize) + `"}`
	if _, err := ReadPolicy(huge, nil); err == nil || !strings.HasPrefix(err.Error(), "JSON string is larger than 1 MiB") {
		t.Errorf("huge literal: %v", err)
	}
	if _, err := ParseStatement(`{"Effect": "Allow", "Action": "s3:*", "Resource": "` + strings.Repeat("a", MaxSize) + `"}`); err == nil || !strings.HasPrefix(err.Error(), "Statement is larger than 1 MiB") {
		t.Errorf("huge statement: %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("took %v", took)
	}
}

// A file of exactly the limit is read; a directory or missing file is
// reported as such.
func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadFile(dir, nil); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	if _, err := ReadFile(filepath.Join(dir, "missing"), nil); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	p := filepath.Join(dir, "p.json")
	os.WriteFile(p, []byte(`{}`), 0o600)
	if data, err := ReadFile(p, nil); err != nil || string(data) != "{}" {
		t.Errorf("file: %q %v", data, err)
	}
	if data, err := ReadFile("-", io.NopCloser(strings.NewReader("x"))); err != nil || string(data) != "x" {
		t.Errorf("stdin: %q %v", data, err)
	}
}
