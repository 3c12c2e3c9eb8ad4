package objects

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// rangeServer serves one object's GETs, with or without a Range, and
// records what it was asked.
type rangeServer struct {
	data []byte
	etag string
	// firstBody, when set, holds back the first ranged answer's body
	// until it is closed (its headers go out at once).
	firstBody chan struct{}
	// breakOnce, when set, cuts the body of the answer for that offset
	// once, half-way.
	breakOnce int64

	mu      sync.Mutex
	ranges  []string
	ifMatch []string
	active  int
	most    int
	broken  bool
}

func (s *rangeServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.ranges = append(s.ranges, r.Header.Get("Range"))
	s.ifMatch = append(s.ifMatch, r.Header.Get("If-Match"))
	first := len(s.ranges) == 1
	s.active++
	s.most = max(s.most, s.active)
	s.mu.Unlock()
	defer func() { s.mu.Lock(); s.active--; s.mu.Unlock() }()
	w.Header().Set("ETag", s.etag)
	rng := r.Header.Get("Range")
	if rng == "" {
		w.Header().Set("Content-Length", strconv.Itoa(len(s.data)))
		w.Write(s.data)
		return
	}
	var from, to int64
	fmt.Sscanf(rng, "bytes=%d-%d", &from, &to)
	to = min(to, int64(len(s.data))-1)
	w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, to, len(s.data)))
	w.Header().Set("Content-Length", strconv.FormatInt(to-from+1, 10))
	w.WriteHeader(http.StatusPartialContent)
	body := s.data[from : to+1]
	if first && s.firstBody != nil {
		w.(http.Flusher).Flush()
		<-s.firstBody
	}
	s.mu.Lock()
	cut := s.breakOnce > 0 && from == s.breakOnce && !s.broken
	if cut {
		s.broken = true
	}
	s.mu.Unlock()
	if cut {
		w.Write(body[:len(body)/2])
		w.(http.Flusher).Flush()
		panic(http.ErrAbortHandler) // the connection drops mid-body
	}
	w.Write(body)
}

func rangeClient(t *testing.T, h http.Handler, concurrency int) *Client {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	base := s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
	})
	return New(base, concurrency)
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// A large object comes down whole, in the planned ranges, each range after
// the first asked only of the same object (If-Match).
func TestGetRanges(t *testing.T) {
	size := int(firstRange + 3*minRange + 12345)
	s := &rangeServer{data: randomBytes(size), etag: `"abc"`}
	c := rangeClient(t, s, 16)
	path := filepath.Join(t.TempDir(), "out.bin")
	if err := c.GetFile(context.Background(), "b", "k", path, nil); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, s.data) {
		t.Fatalf("got %d bytes, not the %d sent", len(got), size)
	}
	if len(s.ranges) != 5 || s.ranges[0] != fmt.Sprintf("bytes=0-%d", firstRange-1) {
		t.Errorf("ranges asked: %v", s.ranges)
	}
	for i, m := range s.ifMatch {
		if (i == 0) != (m == "") || (i > 0 && m != `"abc"`) {
			t.Errorf("request %d: If-Match %q", i, m)
		}
	}
}

// The other ranges go out while the first range's body is still coming.
func TestGetRangesDoNotWaitForTheFirstBody(t *testing.T) {
	s := &rangeServer{data: randomBytes(int(firstRange + 2*minRange)), etag: `"e"`, firstBody: make(chan struct{})}
	c := rangeClient(t, s, 16)
	done := make(chan error)
	go func() { done <- c.GetFile(context.Background(), "b", "k", filepath.Join(t.TempDir(), "o"), nil) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.mu.Lock()
		n := len(s.ranges)
		s.mu.Unlock()
		if n == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d requests while the first body is held back", n)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(s.firstBody)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// A body that breaks off is asked for again, from where it broke.
func TestGetRangesRetryABrokenBody(t *testing.T) {
	s := &rangeServer{data: randomBytes(int(firstRange + minRange)), etag: `"e"`, breakOnce: firstRange}
	c := rangeClient(t, s, 16)
	path := filepath.Join(t.TempDir(), "o")
	if err := c.GetFile(context.Background(), "b", "k", path, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, s.data) {
		t.Fatal("content differs")
	}
	if len(s.ranges) != 3 || !strings.HasPrefix(s.ranges[2], fmt.Sprintf("bytes=%d-", firstRange+minRange/2)) {
		t.Errorf("ranges: %v, want the broken one's second half asked again", s.ranges)
	}
}

// --concurrency bounds the ranges in flight, the first included.
func TestGetRangesBounded(t *testing.T) {
	s := &rangeServer{data: randomBytes(int(firstRange + 8*minRange)), etag: `"e"`}
	c := rangeClient(t, s, 3)
	if err := c.GetFile(context.Background(), "b", "k", filepath.Join(t.TempDir(), "o"), nil); err != nil {
		t.Fatal(err)
	}
	if s.most > 3 {
		t.Errorf("%d requests at once with --concurrency 3", s.most)
	}
}

// A small object is one GET; an empty one too, whether the server answers
// a range of it with the empty body or refuses the range (416).
func TestGetSmallAndEmpty(t *testing.T) {
	for _, tc := range []struct {
		name string
		h    http.Handler
		reqs int
	}{
		{"small", &rangeServer{data: []byte("hello"), etag: `"e"`}, 1},
		{"empty, refused", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Range") != "" {
				w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
				fmt.Fprint(w, `<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>`)
				return
			}
			w.Header().Set("Content-Length", "0")
		}), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rangeClient(t, tc.h, 16)
			path := filepath.Join(t.TempDir(), "o")
			if err := c.GetFile(context.Background(), "b", "k", path, nil); err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if rs, ok := tc.h.(*rangeServer); ok && !bytes.Equal(got, rs.data) {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestRangeSize(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct{ total, want int64 }{
		{9 * mib, minRange},
		{256 * mib, minRange},
		{1024 * mib, 16 * mib},
		{100 << 30, maxRange},
	} {
		if got := rangeSize(c.total); got != c.want {
			t.Errorf("rangeSize(%d MiB) = %d MiB, want %d", c.total/mib, got/mib, c.want/mib)
		}
	}
}

// A server that ignores ranges answers with the whole object: the first
// answer is the download; when its body breaks off, the whole object asked
// again is read from where the first broke.
func TestGetRangesServerIgnoresRanges(t *testing.T) {
	data := randomBytes(100_000)
	var mu sync.Mutex
	calls := 0
	c := rangeClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		if n == 1 {
			w.Write(data[:len(data)/3])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		w.Write(data)
	}), 16)
	path := filepath.Join(t.TempDir(), "o")
	if err := c.GetFile(context.Background(), "b", "k", path, nil); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(path)
	if !bytes.Equal(got, data) || calls != 2 {
		t.Errorf("%d bytes right: %v, %d requests", len(got), bytes.Equal(got, data), calls)
	}
}
