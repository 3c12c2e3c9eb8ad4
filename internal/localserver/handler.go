package localserver

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// Paths served.
const (
	// ProcessPath answers in the credential_process format (Version 1,
	// SessionToken), as the reference's server does.
	ProcessPath = "/"
	// ContainerPath answers in the format AWS SDKs and the aws CLI read
	// from AWS_CONTAINER_CREDENTIALS_FULL_URI (Token instead of
	// SessionToken, no Version).
	ContainerPath = "/container-credentials"
)

// Handler serves the cache's credentials.
type Handler struct {
	Cache *Cache
	// Token, when set, must be sent in the Authorization header.
	Token Token
	// AccessLog receives one line per request (nil: none). Lines hold no
	// secret: no credentials, no Authorization header, no query string.
	AccessLog func(string)
	// Now is the clock for the access log (nil: time.Now).
	Now func() time.Time
	// LocalHostsOnly refuses requests whose Host header names anything
	// but localhost, a loopback address or AllowedHost. A server on
	// loopback sets it: a web page that rebinds its own DNS name to
	// 127.0.0.1 could otherwise read the credentials from a browser.
	LocalHostsOnly bool
	AllowedHost    string
}

var (
	notFoundBody      = pyjson.Encode(pyjson.Map{{Key: "error", Value: "Not found"}}, -1)
	unauthorizedBody  = pyjson.Encode(pyjson.Map{{Key: "error", Value: "Unauthorized: send the token in the Authorization header"}}, -1)
	methodBody        = pyjson.Encode(pyjson.Map{{Key: "error", Value: "Method not allowed"}}, -1)
	forbiddenHostBody = pyjson.Encode(pyjson.Map{{Key: "error", Value: "Forbidden: the Host header must name this machine (localhost or a loopback address)"}}, -1)
)

func (h *Handler) localHost(hostport string) bool {
	if hostport == "" {
		return true // HTTP/1.0 without Host: not a browser
	}
	host, _, err := net.SplitHostPort(hostport)
	if err != nil {
		host = strings.Trim(hostport, "[]")
	}
	if strings.EqualFold(host, "localhost") || (h.AllowedHost != "" && strings.EqualFold(host, h.AllowedHost)) {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	now := time.Now
	if h.Now != nil {
		now = h.Now
	}
	start := now()
	status, n := h.serve(w, r)
	if h.AccessLog != nil {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err != nil {
			host = r.RemoteAddr
		}
		h.AccessLog(fmt.Sprintf("%s - %s \"%s %s %s\" %d %d %.3fms",
			start.Format("2006-01-02 15:04:05"), host, r.Method, r.URL.EscapedPath(),
			r.Proto, status, n, float64(now().Sub(start))/float64(time.Millisecond)))
	}
}

func (h *Handler) serve(w http.ResponseWriter, r *http.Request) (int, int) {
	if h.LocalHostsOnly && !h.localHost(r.Host) {
		return reply(w, http.StatusForbidden, forbiddenHostBody)
	}
	if !h.Token.Allows(r.Header.Get("Authorization")) {
		w.Header().Set("WWW-Authenticate", `Bearer realm="s3-credentials"`)
		return reply(w, http.StatusUnauthorized, unauthorizedBody)
	}
	path := r.URL.Path
	if path != ProcessPath && path != ContainerPath {
		return reply(w, http.StatusNotFound, notFoundBody)
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		return reply(w, http.StatusMethodNotAllowed, methodBody)
	}
	e, err := h.Cache.Get(r.Context())
	if err != nil {
		if r.Context().Err() != nil {
			return 499, 0 // the client went away; nobody to answer
		}
		return reply(w, http.StatusInternalServerError, pyjson.Encode(pyjson.Map{{Key: "error", Value: h.Cache.errorText(err)}}, -1))
	}
	e.bodyOnce.Do(e.encode)
	if path == ContainerPath {
		return reply(w, http.StatusOK, e.containerBody)
	}
	return reply(w, http.StatusOK, e.processBody)
}

func reply(w http.ResponseWriter, status int, body []byte) (int, int) {
	hd := w.Header()
	hd["Content-Type"] = jsonType
	hd["Cache-Control"] = noStore
	hd["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	n, _ := w.Write(body)
	return status, n
}

var (
	jsonType = []string{"application/json"}
	noStore  = []string{"no-store"}
)

// encode renders the entry once in both formats.
func (e *Entry) encode() {
	e.processBody = pyjson.Encode(pyjson.Map{
		{Key: "Version", Value: 1},
		{Key: "AccessKeyId", Value: e.AccessKeyID},
		{Key: "SecretAccessKey", Value: e.SecretAccessKey},
		{Key: "SessionToken", Value: e.SessionToken},
		{Key: "Expiration", Value: pyjson.PyISOFormat(e.Expires)},
	}, 2)
	e.containerBody = pyjson.Encode(pyjson.Map{
		{Key: "AccessKeyId", Value: e.AccessKeyID},
		{Key: "SecretAccessKey", Value: e.SecretAccessKey},
		{Key: "Token", Value: e.SessionToken},
		{Key: "Expiration", Value: e.Expires.UTC().Format(time.RFC3339)},
	}, -1)
}

// LineWriter returns a function writing each line to w, one at a time.
func LineWriter(w io.Writer) func(string) {
	var mu sync.Mutex
	return func(s string) {
		mu.Lock()
		defer mu.Unlock()
		_, _ = io.WriteString(w, s+"\n")
	}
}
