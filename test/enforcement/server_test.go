//go:build enforcement

package enforcement

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// server is the SeaweedFS instance the suite runs against.
type server struct {
	Endpoint  string
	AdminJSON string // the admin key, in the format of --auth
}

// TestMain stops the server the suite started, after the tests.
func TestMain(m *testing.M) {
	testenv.IsolateAWSEnv("")
	code := testenv.Run(m)
	if stopServer != nil {
		stopServer()
	}
	os.Exit(code)
}

var (
	stopServer func()
	srvOnce    sync.Once
	srv        *server
	srvErr     error
	// srvMissing is set when weed itself is missing (skip, or fail under CI),
	// as opposed to weed failing to start (always a failure).
	srvMissing bool
)

// seaweed returns the running server, starting it with
// scripts/seaweedfs/start.sh on first use. SEAWEED_ENDPOINT and
// SEAWEED_ADMIN_JSON point the suite at a server that is already running.
func seaweed(t *testing.T) *server {
	t.Helper()
	srvOnce.Do(func() { srv, srvErr = startServer() })
	if srvErr != nil {
		if srvMissing {
			testenv.Unavailable(t, "SeaweedFS (weed)", srvErr.Error())
		}
		t.Fatal(srvErr)
	}
	return srv
}

func startServer() (*server, error) {
	if ep := os.Getenv("SEAWEED_ENDPOINT"); ep != "" {
		admin := os.Getenv("SEAWEED_ADMIN_JSON")
		if admin == "" {
			return nil, errors.New("SEAWEED_ENDPOINT is set but SEAWEED_ADMIN_JSON (the admin key file) is not")
		}
		return &server{Endpoint: ep, AdminJSON: admin}, nil
	}
	weed := findWeed()
	if weed == "" {
		srvMissing = true
		return nil, errors.New("no weed binary found (WEED, PATH, or the build cache); build it with scripts/seaweedfs/build.sh, or run scripts/enforcement.sh")
	}
	if _, err := exec.LookPath("python3"); err != nil {
		srvMissing = true
		return nil, errors.New("scripts/seaweedfs/start.sh needs python3 with boto3")
	}
	dir, err := os.MkdirTemp("", "enforcement-seaweedfs")
	if err != nil {
		return nil, err
	}
	scripts := filepath.Join(testenv.ModuleRoot(), "scripts", "seaweedfs")
	state := filepath.Join(dir, "state")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, filepath.Join(scripts, "start.sh"), state)
	cmd.Env = append(os.Environ(), "WEED="+weed)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	// Stop it whatever happened: start.sh may have launched weed before failing.
	stop := func() {
		_ = exec.Command(filepath.Join(scripts, "stop.sh"), state).Run()
		os.RemoveAll(dir)
	}
	stopServer = stop
	if err != nil {
		return nil, fmt.Errorf("scripts/seaweedfs/start.sh: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return &server{Endpoint: lines[len(lines)-1], AdminJSON: filepath.Join(state, "admin.json")}, nil
}

// findWeed looks for the weed binary where scripts/seaweedfs/build.sh puts it.
func findWeed() string {
	if w := os.Getenv("WEED"); w != "" {
		return w
	}
	if w, err := exec.LookPath("weed"); err == nil {
		return w
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	w := filepath.Join(cache, "seaweedfs-4.53", "weed")
	if fi, err := os.Stat(w); err == nil && fi.Mode()&0o111 != 0 {
		return w
	}
	return ""
}
