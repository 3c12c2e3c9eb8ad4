package cli

import (
	"bufio"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// peakRSS runs command against a fake IAM holding users users and returns
// the process's peak resident set size in KiB and the number of users it
// printed.
func peakRSS(t *testing.T, command []string, users int) (kib int64, printed int) {
	t.Helper()
	srv := httptest.NewServer(&acctFakeIAM{total: users, pageSize: 100})
	defer srv.Close()
	cmd := exec.Command(command[0], append(command[1:], "list-users", "--nl", "--endpoint-url", srv.URL)...)
	cmd.Env = append(os.Environ(), "AWS_DEFAULT_REGION=us-east-1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		printed++
	}
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("%v: %v\n%s", command, err, stderr.String())
	}
	ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		t.Skip("no rusage on this system")
	}
	return ru.Maxrss, printed // KiB on Linux
}

// TestListUsersMemory measures the binary's peak RSS listing 5,000 and
// 50,000 users from a fake IAM (100 per page, as IAM): memory must stay
// flat, since every page is printed and dropped before the next. Set
// S3C_REFERENCE to also measure the reference the same way.
func TestListUsersMemory(t *testing.T) {
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
