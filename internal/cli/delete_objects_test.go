package cli

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
)

// More than one batch of 1,000, through several requests at once.
func TestDeleteObjectsBatches(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("many")
	var keys []string
	for i := 0; i < 1001; i++ {
		keys = append(keys, fmt.Sprintf("p/%04d", i))
	}
	e.putMany("many", keys)
	e.putObj("many", "keep", "")
	r := e.ok("delete-objects", "many", "--prefix", "p/")
	if r.Stderr != "Deleting 1001 objects from many\n" {
		t.Errorf("stderr %q", r.Stderr)
	}
	sameKeys(t, e.objKeys("many"), "keep")
}

// Keys S3 refuses are reported and make the exit code 1. moto never
// refuses a key, so a proxy in front of it rewrites one DeleteObjects
// answer to say AccessDenied for one key (as S3 does under a policy
// that denies it).
func TestDeleteObjectsPartialFailure(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.populate()
	target, _ := url.Parse(e.moto.URL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(resp *http.Response) error {
		if resp.Request.Method != http.MethodPost || !resp.Request.URL.Query().Has("delete") {
			return nil
		}
		body := `<?xml version="1.0" encoding="UTF-8"?>
<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Error><Key>one.txt</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error></DeleteResult>`
		resp.Body.Close()
		resp.Body = nopCloser{strings.NewReader(body)}
		resp.ContentLength = int64(len(body))
		resp.Header.Set("Content-Length", fmt.Sprint(len(body)))
		return nil
	}
	srv := httptest.NewServer(proxy)
	defer srv.Close()
	e.endpoint = srv.URL
	r := e.run("delete-objects", "my-bucket", "one.txt", "directory/two.txt", "-s")
	want := "Could not delete one.txt: AccessDenied: Access Denied\nError: 1 object could not be deleted\n"
	if r.Code != 1 || r.Stderr != want {
		t.Errorf("got %d %q", r.Code, r.Stderr)
	}
}

type nopCloser struct{ *strings.Reader }

func (nopCloser) Close() error { return nil }
