package objects

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
	"time"
)

func TestCtxReaderPassesEverything(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 100_000) // several chunks
	for name, r := range map[string]io.Reader{
		"plain":         bytes.NewReader(data),
		"one byte":      iotest.OneByteReader(bytes.NewReader(data[:5000])),
		"data with EOF": iotest.DataErrReader(bytes.NewReader(data)),
	} {
		got, err := io.ReadAll(newCtxReader(context.Background(), r))
		want := data
		if name == "one byte" {
			want = data[:5000]
		}
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes, %v", name, len(got), err)
		}
	}
	boom := errors.New("boom")
	_, err := io.ReadAll(newCtxReader(context.Background(), iotest.ErrReader(boom)))
	if !errors.Is(err, boom) {
		t.Errorf("error: %v", err)
	}
}

// A read blocked on a silent stream returns when the context ends.
func TestCtxReaderGivesWayToCancel(t *testing.T) {
	pr, pw := io.Pipe()
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	r := newCtxReader(ctx, pr)
	done := make(chan error, 1)
	go func() {
		_, err := r.Read(make([]byte, 10))
		done <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("got %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("read still blocked after cancel")
	}
}

// fileETag is S3's ETag of the file as uploaded: the MD5 of a file sent in
// one request; for one sent in parts, the MD5 of the parts' MD5s and the
// number of parts.
func TestFileETag(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(path, []byte("abcdefghij"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := fileETag(path, 10, 10); err != nil || got != "a925576942e94b2ef57a066101b48876" {
		t.Errorf("one part: %q, %v", got, err)
	}
	var sums []byte
	for _, part := range []string{"abcd", "efgh", "ij"} {
		s := md5.Sum([]byte(part))
		sums = append(sums, s[:]...)
	}
	all := md5.Sum(sums)
	if got, err := fileETag(path, 10, 4); err != nil || got != hex.EncodeToString(all[:])+"-3" {
		t.Errorf("three parts: %q, %v", got, err)
	}
}
