package localserver

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) WriteHeader(int)             {}
func (d *discardWriter) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkHandler measures the handler alone (no network): a cached hit
// with and without the access log.
func BenchmarkHandler(b *testing.B) {
	exp := time.Now().Add(time.Hour)
	for _, tc := range []struct {
		name string
		log  func(string)
	}{{"no-log", nil}, {"access-log", LineWriter(io.Discard)}} {
		b.Run(tc.name, func(b *testing.B) {
			c := NewCache(fixedEntry(exp), nil, nil)
			if _, err := c.Get(context.Background()); err != nil {
				b.Fatal(err)
			}
			h := &Handler{Cache: c, AccessLog: tc.log, Token: NewToken("tok"), LocalHostsOnly: true}
			r := httptest.NewRequest("GET", "/", nil)
			r.Host = "127.0.0.1:8094"
			r.Header.Set("Authorization", "tok")
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(w, r)
			}
		})
	}
}
