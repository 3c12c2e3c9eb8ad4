package localserver

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func fixedEntry(exp time.Time) aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "s3cr3t/+key", SessionToken: "sess+tok/=", CanExpire: true, Expires: exp}, nil
	})
}

func get(t *testing.T, h http.Handler, method, path, auth string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, nil)
	if auth != "" {
		r.Header.Set("Authorization", auth)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestHandlerFormats(t *testing.T) {
	clk := newClock()
	exp := clk.now().Add(time.Hour).Add(123456 * time.Microsecond)
	logs := &logSink{}
	h := &Handler{Cache: NewCache(fixedEntry(exp), clk.now, nil), AccessLog: logs.log, Now: clk.now}

	w := get(t, h, "GET", "/", "")
	// The reference's body: json.dumps(indent=2), isoformat() expiry.
	want := `{
  "Version": 1,
  "AccessKeyId": "ASIAEXAMPLE",
  "SecretAccessKey": "s3cr3t/+key",
  "SessionToken": "sess+tok/=",
  "Expiration": "2026-01-02T04:04:05.123456+00:00"
}`
	if w.Code != 200 || w.Body.String() != want {
		t.Fatalf("GET /: %d\n%s", w.Code, w.Body.String())
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := w.Header().Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	// A query string does not change the answer.
	if w := get(t, h, "GET", "/?x=1", ""); w.Code != 200 || w.Body.String() != want {
		t.Fatalf("GET /?x=1: %d", w.Code)
	}

	w = get(t, h, "GET", ContainerPath, "")
	var c map[string]string
	if err := json.Unmarshal(w.Body.Bytes(), &c); err != nil || w.Code != 200 {
		t.Fatalf("container: %d %v %s", w.Code, err, w.Body.String())
	}
	if c["AccessKeyId"] != "ASIAEXAMPLE" || c["SecretAccessKey"] != "s3cr3t/+key" || c["Token"] != "sess+tok/=" || c["Expiration"] != "2026-01-02T04:04:05Z" || len(c) != 4 {
		t.Fatalf("container body: %v", c)
	}

	w = get(t, h, "GET", "/nope", "")
	if w.Code != 404 || w.Body.String() != `{"error": "Not found"}` {
		t.Fatalf("404: %d %s", w.Code, w.Body.String())
	}
	w = get(t, h, "POST", "/", "")
	if w.Code != 405 || w.Header().Get("Allow") != "GET, HEAD" {
		t.Fatalf("POST: %d", w.Code)
	}
	if w := get(t, h, "HEAD", "/", ""); w.Code != 200 {
		t.Fatalf("HEAD: %d", w.Code)
	}

	lines := strings.Split(strings.TrimSpace(logs.text()), "\n")
	if len(lines) != 6 {
		t.Fatalf("want one access-log line per request, got:\n%s", logs.text())
	}
	if !strings.HasPrefix(lines[0], "2026-01-02 ") || !strings.Contains(lines[0], `"GET / HTTP/1.1" 200 `) {
		t.Errorf("log line: %s", lines[0])
	}
	if !strings.Contains(lines[3], `"GET /nope HTTP/1.1" 404 22 `) {
		t.Errorf("log line: %s", lines[3])
	}
	if strings.Contains(logs.text(), "x=1") {
		t.Errorf("query string logged: %s", logs.text())
	}
}

func TestHandlerToken(t *testing.T) {
	clk := newClock()
	logs := &logSink{}
	h := &Handler{Cache: NewCache(fixedEntry(clk.now().Add(time.Hour)), clk.now, nil), Token: NewToken("t0ken-value"), AccessLog: logs.log}
	for _, tc := range []struct {
		auth string
		code int
	}{
		{"", 401},
		{"wrong", 401},
		{"t0ken-valu", 401},
		{"t0ken-value ", 401},
		{"Bearer wrong", 401},
		{"t0ken-value", 200},
		{"Bearer t0ken-value", 200},
		{"bearer t0ken-value", 200},
	} {
		for _, path := range []string{"/", ContainerPath} {
			w := get(t, h, "GET", path, tc.auth)
			if w.Code != tc.code {
				t.Errorf("%s with Authorization %q: %d, want %d", path, tc.auth, w.Code, tc.code)
			}
			if tc.code == 401 && strings.Contains(w.Body.String(), "ASIA") {
				t.Errorf("401 body leaks credentials: %s", w.Body.String())
			}
		}
	}
	// Unknown paths are not revealed to clients without the token either.
	if w := get(t, h, "GET", "/nope", ""); w.Code != 401 {
		t.Errorf("unknown path without token: %d", w.Code)
	}
	if strings.Contains(logs.text(), "t0ken") || strings.Contains(logs.text(), "s3cr3t") {
		t.Errorf("access log holds a secret:\n%s", logs.text())
	}
}

func TestTokenRules(t *testing.T) {
	if !(Token{}).Allows("") || (Token{}).Required() {
		t.Error("the zero Token must allow everything")
	}
	if NewToken("").Required() {
		t.Error("empty secret must not require a token")
	}
	a, err := GenerateToken()
	b, _ := GenerateToken()
	if err != nil || len(a) != 64 || a == b {
		t.Fatalf("GenerateToken: %q %q %v", a, b, err)
	}
	if !NewToken(a).Allows(a) || NewToken(a).Allows(b) {
		t.Error("generated token check")
	}
}

func TestHandlerSourceError(t *testing.T) {
	clk := newClock()
	c := NewCache(aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, io.ErrUnexpectedEOF
	}), clk.now, nil)
	c.ErrorText = func(err error) string { return "Formatted: " + err.Error() }
	h := &Handler{Cache: c}
	w := get(t, h, "GET", "/", "")
	if w.Code != 500 || w.Body.String() != `{"error": "Formatted: unexpected EOF"}` {
		t.Fatalf("%d %s", w.Code, w.Body.String())
	}
}

func TestISOFormat(t *testing.T) {
	for _, tc := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2025, 12, 16, 12, 0, 0, 0, time.UTC), "2025-12-16T12:00:00+00:00"},
		{time.Date(2025, 12, 16, 12, 0, 0, 558679123, time.UTC), "2025-12-16T12:00:00.558679+00:00"},
		{time.Date(2025, 12, 16, 13, 0, 0, 0, time.FixedZone("CET", 3600)), "2025-12-16T12:00:00+00:00"},
	} {
		if got := pyjson.PyISOFormat(tc.t); got != tc.want {
			t.Errorf("PyISOFormat(%v) = %s, want %s", tc.t, got, tc.want)
		}
	}
}

// 500 concurrent HTTP clients against a cold cache: one fetch, and every
// client gets the same credentials.
func TestServe500ConcurrentColdRequests(t *testing.T) {
	clk := newClock()
	src := &source{clock: clk, life: time.Hour, delay: 50 * time.Millisecond}
	h := &Handler{Cache: NewCache(src, clk.now, nil)}
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: 500}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	const n = 500
	var wg sync.WaitGroup
	var mu sync.Mutex
	keys := map[string]int{}
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := client.Get(srv.URL + ContainerPath)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			var c map[string]string
			if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != 200 {
				t.Errorf("%d %v", resp.StatusCode, err)
				return
			}
			mu.Lock()
			keys[c["AccessKeyId"]]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if got := src.calls.Load(); got != 1 {
		t.Fatalf("%d AssumeRole calls for %d concurrent requests, want 1", got, n)
	}
	if len(keys) != 1 || keys["ASIA0001"] != n {
		t.Fatalf("credentials served: %v", keys)
	}
}

func TestServeShutsDownOnCancel(t *testing.T) {
	clk := newClock()
	h := &Handler{Cache: NewCache(fixedEntry(clk.now().Add(time.Hour)), clk.now, nil)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if !IsLoopback(ln.Addr()) {
		t.Errorf("%s is loopback", ln.Addr())
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- Serve(ctx, ln, h) }()
	url := "http://" + ln.Addr().String() + "/"
	resp, err := http.Get(url)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET: %v", err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(ShutdownTimeout + time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	if _, err := net.DialTimeout("tcp", ln.Addr().String(), time.Second); err == nil {
		t.Fatal("still accepting connections after shutdown")
	}
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{"127.0.0.1:1": true, "[::1]:1": true, "0.0.0.0:1": false, "192.168.1.2:1": false} {
		a, _ := net.ResolveTCPAddr("tcp", addr)
		if got := IsLoopback(a); got != want {
			t.Errorf("IsLoopback(%s) = %v", addr, got)
		}
	}
}

// A loopback server refuses Host names other than its own (DNS rebinding).
func TestHandlerLocalHostsOnly(t *testing.T) {
	clk := newClock()
	h := &Handler{Cache: NewCache(fixedEntry(clk.now().Add(time.Hour)), clk.now, nil), LocalHostsOnly: true, AllowedHost: "my-box.internal"}
	for host, want := range map[string]int{
		"localhost:8094":       200,
		"LOCALHOST":            200,
		"127.0.0.1:8094":       200,
		"127.0.0.2":            200,
		"[::1]:8094":           200,
		"my-box.internal:8094": 200,
		"evil.example:8094":    403,
		"evil.example":         403,
		"10.0.0.1:8094":        403,
		"localhost.evil.com":   403,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = host
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Host %q: %d, want %d", host, w.Code, want)
		}
		if want == 403 && strings.Contains(w.Body.String(), "ASIA") {
			t.Errorf("Host %q: credentials in the refusal", host)
		}
	}
	h.LocalHostsOnly = false
	if w := get(t, h, "GET", "http://evil.example/", ""); w.Code != 200 {
		t.Errorf("without LocalHostsOnly: %d", w.Code)
	}
}
