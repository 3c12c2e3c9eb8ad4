package cli

import (
	"bufio"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// peakRSS runs command against a fake IAM holding users users and returns
// the process's peak resident set size in KiB and the number of users it
// printed. The peak is the process's own high-water mark (VmHWM), read from
// /proc each time it asks for a page, so while it is surely alive: the
// rusage of wait4 would not do, as on Linux its maxrss starts from the RSS
// of the test process that forked it, which grows while other tests run.
func peakRSS(t *testing.T, command []string, users int) (kib int64, printed int) {
	t.Helper()
	var pid atomic.Int64
	var mu sync.Mutex
	fake := &acctFakeIAM{total: users, pageSize: 100, beforePage: func(int) {
		hwm, ok := vmHWM(int(pid.Load()))
		mu.Lock()
		if ok && hwm > kib {
			kib = hwm
		}
		mu.Unlock()
	}}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	cmd := exec.Command(command[0], append(command[1:], "list-users", "--nl", "--endpoint-url", srv.URL)...)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
	out := must(cmd.StdoutPipe()).ok(t)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	noErr(t, cmd.Start())
	pid.Store(int64(cmd.Process.Pid))
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		printed++
	}
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %v\n%s", command, err, stderr.String())
	}
	mu.Lock()
	defer mu.Unlock()
	if kib == 0 {
		t.Skip("no VmHWM in /proc/PID/status on this system")
	}
	return kib, printed
}

// vmHWM is the peak resident set size of process pid, in KiB.
func vmHWM(pid int) (int64, bool) {
	if pid == 0 {
		return 0, false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			n, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// TestListUsersMemory measures the binary's peak RSS listing 5,000 and
// 50,000 users from a fake IAM (100 per page, as IAM): memory must stay
// flat, since every page is printed and dropped before the next. Set
// S3C_REFERENCE to also measure the reference the same way.
func TestListUsersMemory(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("measures the real binary; skipped with -short")
	}
	bin := testenv.Binary(t)
	small, n := peakRSS(t, []string{bin}, 5000)
	if n != 5000 {
		t.Fatalf("printed %d users, want 5000", n)
	}
	large, n := peakRSS(t, []string{bin}, 50000)
	if n != 50000 {
		t.Fatalf("printed %d users, want 50000", n)
	}
	t.Logf("peak RSS: 5,000 users %.1f MiB, 50,000 users %.1f MiB", float64(small)/1024, float64(large)/1024)
	// Holding 45,000 more users would cost tens of MiB; allow GC noise.
	if large-small > 8*1024 {
		t.Errorf("peak RSS grows with the listing: %d KiB for 5,000 users, %d KiB for 50,000", small, large)
	}
	if ref := os.Getenv("S3C_REFERENCE"); ref != "" {
		rs, _ := peakRSS(t, strings.Fields(ref), 5000)
		rl, _ := peakRSS(t, strings.Fields(ref), 50000)
		t.Logf("reference peak RSS: 5,000 users %.1f MiB, 50,000 users %.1f MiB", float64(rs)/1024, float64(rl)/1024)
	}
}
