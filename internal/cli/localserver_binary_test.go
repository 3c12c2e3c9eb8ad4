package cli

import (
	"bufio"
	"io"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The real binary stops cleanly on SIGINT and SIGTERM: exit 0, the
// shutdown line, the port closed.
func TestLocalserverBinarySignals(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("ls-signal")
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			// Port 0: the system picks a free one, and the Serving line names it.
			cmd := e.binaryCmd("localserver", "ls-signal", "-d", "15m", "-p", "0", "--host", "127.0.0.1")
			stderr, _ := cmd.StderrPipe()
			var stdout strings.Builder
			cmd.Stdout = &stdout
			noErr(t, cmd.Start())
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
			var url string
			for _, l := range got {
				if strings.HasPrefix(l, "Serving ") {
					url = l[strings.LastIndex(l, " at ")+len(" at "):]
				}
			}
			if !strings.HasPrefix(url, "http://127.0.0.1:") {
				t.Fatalf("no Serving line with the address: %v", got)
			}
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
			if resp, err := http.Get(url); err == nil {
				resp.Body.Close()
				t.Fatal("still answering after shutdown")
			}
		})
	}
}
