package main

// The far-region profile: toxiproxy (github.com/Shopify/toxiproxy/v2, run
// as its own process, never a dependency of the tool) in front of
// SeaweedFS, adding latency each way and capping every connection's
// bandwidth each way, so that one connection cannot fill the pipe, as
// between a client and a far region. The binary is built once with `go
// install` into the user's cache directory (or given with -toxiproxy).

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

var (
	farLatency = flag.Duration("far-latency", 20*time.Millisecond, "far profile: latency added each way")
	farRate    = flag.Float64("far-rate-mib", 8, "far profile: bandwidth cap of each connection, each way (MiB/s)")
	toxiBin    = flag.String("toxiproxy", "", "toxiproxy server binary (default: go install github.com/Shopify/toxiproxy/v2/cmd/server@"+toxiVersion+" into the cache directory)")
)

const toxiVersion = "v2.5.0"

// farProxy is a running toxiproxy with one proxy in front of upstream.
type farProxy struct {
	cmd      *exec.Cmd
	api      string
	endpoint string // http://127.0.0.1:PORT, what the tools talk to
	pid      int
}

// toxiproxyBinary finds or builds the toxiproxy server.
func toxiproxyBinary() string {
	if *toxiBin != "" {
		return *toxiBin
	}
	cache, err := os.UserCacheDir()
	check(err)
	dir := filepath.Join(cache, "s3-credentials-bench", "toxiproxy-"+toxiVersion)
	bin := filepath.Join(dir, "server")
	if _, err := os.Stat(bin); err == nil {
		return bin
	}
	log.Printf("building toxiproxy %s into %s", toxiVersion, dir)
	cmd := exec.Command("go", "install", "github.com/Shopify/toxiproxy/v2/cmd/server@"+toxiVersion)
	// Outside this module: `go install pkg@version` builds it on its own.
	cmd.Dir = os.TempDir()
	cmd.Env = append(os.Environ(), "GOBIN="+dir, "GOFLAGS=-mod=mod")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	check(cmd.Run())
	return bin
}

func freePort() string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	defer ln.Close()
	return fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

// startFarProxy starts toxiproxy in front of upstream (a URL) with the
// far profile's toxics.
func startFarProxy(work, upstream string) *farProxy {
	port := freePort()
	logf, err := os.Create(filepath.Join(work, "toxiproxy.log"))
	check(err)
	cmd := exec.Command(toxiproxyBinary(), "-host", "127.0.0.1", "-port", port)
	cmd.Stdout, cmd.Stderr = logf, logf
	check(cmd.Start())
	p := &farProxy{cmd: cmd, api: "http://127.0.0.1:" + port, pid: cmd.Process.Pid}
	for i := 0; ; i++ {
		if resp, err := http.Get(p.api + "/version"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			log.Fatalf("toxiproxy did not start (see %s)", logf.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
	var created struct{ Listen string }
	p.post("/proxies", map[string]any{"name": "s3", "listen": "127.0.0.1:0",
		"upstream": strings.TrimPrefix(upstream, "http://"), "enabled": true}, &created)
	p.endpoint = "http://" + created.Listen
	// Per direction, the bandwidth cap first and the latency after it:
	// the latency toxic buffers 1,024 chunks, which in front of the cap
	// would let a sender write tens of MiB before it is held back.
	rate := int64(*farRate * (1 << 20) / 1000) // toxiproxy's KB/s: bytes per millisecond
	for _, stream := range []string{"upstream", "downstream"} {
		p.post("/proxies/s3/toxics", map[string]any{"name": "bw_" + stream, "type": "bandwidth", "stream": stream,
			"toxicity": 1.0, "attributes": map[string]any{"rate": rate}}, nil)
		p.post("/proxies/s3/toxics", map[string]any{"name": "lat_" + stream, "type": "latency", "stream": stream,
			"toxicity": 1.0, "attributes": map[string]any{"latency": farLatency.Milliseconds(), "jitter": 0}}, nil)
	}
	log.Printf("toxiproxy %s at %s -> %s: %v each way, %.0f MiB/s per connection each way", toxiVersion, p.endpoint, upstream, *farLatency, *farRate)
	return p
}

func (p *farProxy) post(path string, body any, out any) {
	data, err := json.Marshal(body)
	check(err)
	resp, err := http.Post(p.api+path, "application/json", bytes.NewReader(data))
	check(err)
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		log.Fatalf("toxiproxy %s: %s: %s", path, resp.Status, got)
	}
	if out != nil {
		check(json.Unmarshal(got, out))
	}
}

func (p *farProxy) cpu() time.Duration { return procCPU(p.pid) }

func (p *farProxy) stop() {
	if p == nil {
		return
	}
	_ = p.cmd.Process.Kill()
	_ = p.cmd.Wait() // killed: its exit status says nothing
}
