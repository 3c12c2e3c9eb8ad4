package cli

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// The real binary stops cleanly on SIGINT and SIGTERM: exit 0, the
// shutdown line, the port closed.
func TestLocalserverBinarySignals(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-signal")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			port, err := testenv.FreePort()
			if err != nil {
				t.Fatal(err)
			}
			cmd := e.binaryCmd("localserver", "ls-signal", "-d", "15m", "-p", fmt.Sprint(port), "--host", "127.0.0.1")
			stderr, _ := cmd.StderrPipe()
			var stdout strings.Builder
			cmd.Stdout = &stdout
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer func() { _ = cmd.Process.Kill() }()
			lines := make(chan string, 100)
			go func() {
				sc := bufio.NewScanner(stderr)
				for sc.Scan() {
					lines <- sc.Text()
				}
				close(lines)
			}()
			var got []string
			deadline := time.After(60 * time.Second)
			for len(got) == 0 || got[len(got)-1] != "Press Ctrl+C to stop" {
				select {
				case l, ok := <-lines:
					if !ok {
						t.Fatalf("exited before listening: %v", got)
					}
					got = append(got, l)
				case <-deadline:
					t.Fatalf("did not start: %v", got)
				}
			}
			url := fmt.Sprintf("http://127.0.0.1:%d/", port)
			resp, err := http.Get(url)
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("GET: %v", err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			http.DefaultClient.CloseIdleConnections()

			_ = cmd.Process.Signal(sig)
			var rest []string
			for l := range lines {
				rest = append(rest, l)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("exit after %s: %v\n%v", sig, err, rest)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("still running after %s", sig)
			}
			if len(rest) == 0 || rest[len(rest)-1] != "Shutting down server..." {
				t.Fatalf("last lines: %v", rest)
			}
			if stdout.String() != "" {
				t.Fatalf("stdout: %q", stdout.String())
			}
			if _, err := http.Get(url); err == nil {
				t.Fatal("still answering after shutdown")
			}
		})
	}
}
