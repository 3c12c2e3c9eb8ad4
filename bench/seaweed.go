package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// seaweed is a SeaweedFS server: one this program started with the
// project's scripts (and stops at the end), or one already running.
type seaweed struct {
	endpoint string
	keyID    string
	secret   string
	pid      int    // 0 when unknown: no server CPU figures
	stateDir string // set when we started it
	noVacuum bool   // the master could not be reached
}

// startSeaweed starts `weed mini` on loopback with scripts/seaweedfs/start.sh
// in a new state directory under work.
func startSeaweed(work string) *seaweed {
	dir := filepath.Join(work, "seaweedfs")
	cmd := exec.Command("bash", "scripts/seaweedfs/start.sh", dir)
	// BOOTSTRAP_ROLE=0: the transfers need no IAM role.
	cmd.Env = append(os.Environ(), "BOOTSTRAP_ROLE=0")
	if os.Getenv("WEED") == "" {
		build := exec.Command("bash", "scripts/seaweedfs/build.sh")
		build.Stderr = os.Stderr
		out, err := build.Output()
		if err != nil {
			log.Fatalf("scripts/seaweedfs/build.sh: %v", err)
		}
		cmd.Env = append(cmd.Env, "WEED="+strings.TrimSpace(string(out)))
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		log.Fatalf("scripts/seaweedfs/start.sh: %v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	s := &seaweed{endpoint: lines[len(lines)-1], stateDir: dir}
	s.readAuth(filepath.Join(dir, "admin.json"))
	if data, err := os.ReadFile(filepath.Join(dir, "weed.pid")); err == nil {
		s.pid, _ = strconv.Atoi(strings.TrimSpace(string(data)))
	}
	return s
}

// runningSeaweed describes a server started elsewhere: its endpoint, the
// admin key file start.sh wrote, and optionally its process id (for the
// server's CPU time).
func runningSeaweed(endpoint, authFile string, pid int) *seaweed {
	s := &seaweed{endpoint: endpoint, pid: pid}
	s.readAuth(authFile)
	return s
}

func (s *seaweed) readAuth(path string) {
	data, err := os.ReadFile(path)
	check(err)
	var a struct{ AccessKeyId, SecretAccessKey string }
	check(json.Unmarshal(data, &a))
	if a.AccessKeyId == "" || a.SecretAccessKey == "" {
		log.Fatalf("%s: no AccessKeyId/SecretAccessKey", path)
	}
	s.keyID, s.secret = a.AccessKeyId, a.SecretAccessKey
}

func (s *seaweed) stop() {
	if s.stateDir == "" {
		return
	}
	cmd := exec.Command("bash", "scripts/seaweedfs/stop.sh", s.stateDir)
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		log.Printf("scripts/seaweedfs/stop.sh: %v", err)
	}
}

// vacuum has the master reclaim the space of deleted objects at once
// (otherwise each large upload after a delete makes the server grow new
// volumes, a cost that falls on whichever tool comes next). The master
// listens on the port after the S3 endpoint's, as start.sh sets it up; a
// server laid out otherwise is left alone.
func (s *seaweed) vacuum() {
	u, err := url.Parse(s.endpoint)
	if err != nil {
		return
	}
	port, err := strconv.Atoi(u.Port())
	if err != nil {
		return
	}
	resp, err := http.Get(fmt.Sprintf("http://%s:%d/vol/vacuum?garbageThreshold=0.0001", u.Hostname(), port+1))
	if err != nil {
		if !s.noVacuum {
			log.Printf("vacuum: %v (runs may pay for earlier deletes)", err)
		}
		s.noVacuum = true
		return
	}
	_, _ = io.Copy(io.Discard, resp.Body) // drained only to reuse the connection
	resp.Body.Close()
}

// cpu is the server's CPU time so far (user + system), or 0 when unknown.
func (s *seaweed) cpu() time.Duration {
	if s.pid == 0 {
		return 0
	}
	return procCPU(s.pid)
}

// version asks the binary behind pid for its version line.
func (s *seaweed) version() string {
	if s.pid == 0 {
		return "unknown"
	}
	exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", s.pid))
	if err != nil {
		return "unknown"
	}
	out, err := exec.Command(exe, "version").Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(strings.Split(string(out), "\n")[0])
}

// procCPU reads utime + stime of a process from /proc (Linux).
func procCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// The command name (field 2) may hold spaces; count from after it.
	rest := string(data)
	if i := strings.LastIndexByte(rest, ')'); i >= 0 {
		rest = rest[i+1:]
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	// After the name: state is f[0], utime f[11], stime f[12] (fields 14, 15).
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	const ticks = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / ticks
}
