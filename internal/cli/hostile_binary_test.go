package cli

// The real binary where what matters is the process: what reaches its
// standard error (the SDK logs there directly, unseen by in-process runs)
// and how long it runs.

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// runBinary runs the built tool with the test process's environment plus env.
func runBinary(t *testing.T, env []string, stdin string, args ...string) (result, time.Duration) {
	t.Helper()
	cmd := exec.Command(testenv.Binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	return runCmd(t, cmd, strings.NewReader(stdin))
}

// onlyErrorLine fails unless stderr is the one line "Error: ..." matching want.
func onlyErrorLine(t *testing.T, what string, r result, want *regexp.Regexp) {
	t.Helper()
	if r.Code != 1 || strings.Count(r.Stderr, "\n") != 1 || !want.MatchString(strings.TrimSuffix(r.Stderr, "\n")) {
		t.Errorf("%s: exit %d, stderr:\n%s", what, r.Code, r.Stderr)
	}
}

// No line of the SDK's own reaches standard error: not the IMDSv1
// fallback warning when no credentials exist, not the warning about an
// answer cut short, not the checksum notes of downloads.
func TestBinaryNoSDKLogLines(t *testing.T) {
	t.Run("no credentials, metadata without a token or role", func(t *testing.T) {
		imds := answeringURL(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			w.WriteHeader(http.StatusNotFound)
		})
		empty := filepath.Join(t.TempDir(), "empty")
		os.WriteFile(empty, nil, 0o600)
		env := []string{"AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=", "AWS_EC2_METADATA_DISABLED=",
			"AWS_EC2_METADATA_SERVICE_ENDPOINT=" + imds, "AWS_SHARED_CREDENTIALS_FILE=" + empty, "AWS_CONFIG_FILE=" + empty}
		r, took := runBinary(t, env, "", "whoami")
		onlyErrorLine(t, "whoami", r, regexp.MustCompile(`^Error: no AWS credentials found\. .*\(no instance role\)`))
		if took > slack(time.Second) {
			t.Errorf("took %v", took)
		}
	})
	t.Run("an answer cut short", func(t *testing.T) {
		ep := cutShortURL(t)
		r, _ := runBinary(t, nil, "", "list-bucket", "bkt", "--endpoint-url", ep)
		onlyErrorLine(t, "list-bucket", r, regexp.MustCompile(`^Error: gave up after 5 attempts: the answer from `+regexp.QuoteMeta(ep)+` broke off half-way: unexpected EOF$`))
	})
	t.Run("a body after the answer to a HEAD", func(t *testing.T) {
		l := must(net.Listen("tcp", "127.0.0.1:0")).ok(t)
		defer l.Close()
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() {
					defer c.Close()
					br := bufio.NewReader(c)
					for {
						req, err := http.ReadRequest(br)
						if err != nil {
							return
						}
						io.Copy(io.Discard, req.Body)
						if req.Method == http.MethodHead {
							// Headers, then bytes no request asked for.
							io.WriteString(c, "HTTP/1.1 200 OK\r\nx-amz-request-id: 1\r\nContent-Length: 0\r\n\r\nstray bytes")
							continue
						}
						fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s", len(portalPage), portalPage)
					}
				}()
			}
		}()
		ep := "http://" + l.Addr().String()
		r, _ := runBinary(t, nil, "", "create", "bkt", "--endpoint-url", ep)
		onlyErrorLine(t, "create", r, regexp.MustCompile(`^Error: `+regexp.QuoteMeta(ep)+` did not answer like AWS S3: GetBucketEncryption got HTTP 200 with an HTML page`))
	})
	t.Run("objects through moto", func(t *testing.T) {
		e := newE2E(t)
		e.serialEnv()
		e.makeBucket("quiet")
		dir := t.TempDir()
		file := filepath.Join(dir, "f.txt")
		os.WriteFile(file, []byte("quiet\n"), 0o644)
		for _, args := range [][]string{
			{"put-object", "quiet", "f.txt", file},
			{"get-object", "quiet", "f.txt"},
			{"get-object", "quiet", "f.txt", "-o", filepath.Join(dir, "out")},
			{"get-objects", "quiet", "-o", filepath.Join(dir, "all")},
			{"list-bucket", "quiet"},
			{"delete-objects", "quiet", "f.txt"},
		} {
			r, _ := runBinary(t, nil, "", args...)
			if r.Code != 0 || strings.Contains(r.Stderr, "SDK ") {
				t.Errorf("%v: exit %d, stderr:\n%s", args, r.Code, r.Stderr)
			}
		}
	})
}

const cutShortBody = `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>bkt</Name><Contents><Key>a</Key>`

// cutShortURL answers with a listing's headers and the start of its body,
// then closes the connection.
func cutShortURL(t *testing.T) string {
	t.Helper()
	l := must(net.Listen("tcp", "127.0.0.1:0")).ok(t)
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				req, err := http.ReadRequest(bufio.NewReader(c))
				if err != nil {
					return
				}
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nx-amz-request-id: 1\r\nContent-Length: 5000\r\n\r\n")
				if req.Method != http.MethodHead {
					io.WriteString(c, cutShortBody)
				}
			}()
		}
	}()
	return "http://" + l.Addr().String()
}

// The process ends on its own against an endpoint that never answers, and
// against one that refuses, with one error line naming it.
func TestBinaryEndsAgainstDeadEndpoints(t *testing.T) {
	silent, refusing := silentURL(t), refusingURL(t)
	for _, tc := range []struct {
		ep   string
		want string
		max  time.Duration
	}{
		{silent, `^Error: no answer from ` + regexp.QuoteMeta(silent) + ` within 0\.5 seconds \(--read-timeout\), 2 attempts$`, slack(time.Second)},
		{refusing, `^Error: gave up after 5 attempts: could not connect to ` + regexp.QuoteMeta(refusing) + `: connection refused$`, slack(time.Second)},
	} {
		for _, args := range [][]string{{"whoami"}, {"list-bucket", "bkt"}, {"create", "bkt", "-c"}} {
			r, took := runBinary(t, nil, "", append(args, append([]string{"--endpoint-url", tc.ep}, fast...)...)...)
			onlyErrorLine(t, strings.Join(args, " "), r, regexp.MustCompile(tc.want))
			if took > tc.max {
				t.Errorf("%v took %v", args, took)
			}
		}
	}
}

// The defaults are the ones docs/timeouts.md gives, and --help shows them.
func TestTimeoutDefaultsAsDocumented(t *testing.T) {
	r := run(t, "", "whoami", "--help")
	for _, want := range []string{
		fmt.Sprintf("--connect-timeout seconds   How long to wait for a connection to AWS, in seconds or as 1m, 90s (0: no limit) (default %d)", int(awsclient.DefaultConnectTimeout.Seconds())),
		fmt.Sprintf("(0: no limit) (default %d)\n", int(awsclient.DefaultReadTimeout.Seconds())),
	} {
		if !strings.Contains(r.Stdout, want) {
			t.Errorf("--help lacks %q:\n%s", want, r.Stdout)
		}
	}
	doc := must(os.ReadFile(filepath.Join(testenv.ModuleRoot(), "docs", "timeouts.md"))).ok(t)
	for _, want := range []string{
		fmt.Sprintf("| `--connect-timeout` | %d seconds |", int(awsclient.DefaultConnectTimeout.Seconds())),
		fmt.Sprintf("| `--read-timeout` | %d seconds |", int(awsclient.DefaultReadTimeout.Seconds())),
		fmt.Sprintf("tried %s", map[int]string{2: "twice"}[awsclient.SilentAttempts]),
		fmt.Sprintf("%d attempts", awsclient.DefaultMaxAttempts),
	} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("docs/timeouts.md lacks %q", want)
		}
	}
}

// Timeout flags take lengths of time as every option does: seconds,
// fractions, units, 0 for none; anything else, or a length out of range,
// is a usage error that says what is wrong in words.
func TestTimeoutFlagValues(t *testing.T) {
	ep := silentURL(t)
	for _, v := range []string{"-1", "abc", "NaN", "Inf", "1e9", "", "1_000", "0x10"} {
		r := run(t, "", "whoami", "--read-timeout", v, "--endpoint-url", ep)
		want := "Error: Invalid value for '--read-timeout': '" + v + "' is not a length of time: use seconds (3600, 2.5), or a number with a unit s, m, h, d or w (90m, 1.5h, 1h30m, 30d, 2w).\n"
		if r.Code != 2 || !strings.HasSuffix(r.Stderr, want) {
			t.Errorf("--read-timeout %q: exit %d stderr %q", v, r.Code, r.Stderr)
		}
	}
	for v, words := range map[string]string{"0.0001": "0.0001 seconds", "25h": "1 day 1 hour", "9999999w": ""} {
		r := run(t, "", "whoami", "--connect-timeout", v, "--endpoint-url", ep)
		want := "Error: Invalid value for '--connect-timeout': must be 0 (no limit) or between 1 millisecond and 24 hours, not " + words + ".\n"
		if words == "" {
			want = "Error: Invalid value for '--connect-timeout': '" + v + "' is longer than 100 years.\n"
		}
		if r.Code != 2 || !strings.HasSuffix(r.Stderr, want) {
			t.Errorf("--connect-timeout %q: exit %d stderr %q", v, r.Code, r.Stderr)
		}
	}
	// 0 is no limit: the call is still waiting when the run is stopped
	// after two seconds, four times the silence of the tests above.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(2*time.Second, cancel)
	var out, errOut bytes.Buffer
	start := time.Now()
	code := Run(ctx, []string{"whoami", "--endpoint-url", ep, "--read-timeout", "0"},
		&IOStreams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if took := time.Since(start); code != 1 || took < 2*time.Second || errOut.String() != "Error: interrupted\n" {
		t.Errorf("--read-timeout 0: exit %d after %v: %q", code, took, errOut.String())
	}
}
