package cli

import (
	"bytes"
	"context"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/policy"
)

// closedPipe is a stream whose reader goes away: it takes the first
// `after` bytes, then every write fails as a write to a closed pipe does.
type closedPipe struct {
	mu    sync.Mutex
	after int
	got   bytes.Buffer
}

func (p *closedPipe) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.got.Len()+len(b) > p.after {
		return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}
	}
	return p.got.Write(b)
}

func (p *closedPipe) String() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.got.String()
}

// runStreams runs the tool against e with the given output streams.
func (e *e2e) runStreams(out, errOut interface{ Write([]byte) (int, error) }, args ...string) int {
	e.t.Helper()
	return e.exec(context.Background(), &IOStreams{In: strings.NewReader(""), Out: out, ErrOut: errOut}, args...)
}

const brokenPipeError = "Error: could not write to standard output: the program reading it has exited (broken pipe)\n"

// `create ... | jqq` (the next command mistyped): the key cannot be
// handed over, so everything the run made is undone and named, and the
// error says why.
func TestCreateClosedStdout(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("pipe-bucket")
	var errOut bytes.Buffer
	code := e.runStreams(&closedPipe{}, &errOut, "create", "pipe-bucket", "--username", "piped")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	if s := e.iamState("piped"); s != nil {
		t.Errorf("user left behind: %+v", s)
	}
	stderr := errOut.String()
	for _, want := range []string{"Undone: deleted access key AKIA", "Undone: deleted user piped\n"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	if !strings.HasSuffix(stderr, brokenPipeError) || strings.Contains(stderr, "Interrupted") {
		t.Errorf("stderr:\n%s", stderr)
	}
}

// rotate-key --delete-old | (a reader that has exited): the new key is
// deleted again and the old keys stay as they were, so the user is not
// left at IAM's two-key limit with a key nobody saw.
func TestRotateKeyClosedStdout(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	old := e.makeUser("rot-piped", 1)
	var errOut bytes.Buffer
	code := e.runStreams(&closedPipe{}, &errOut, "rotate-key", "rot-piped", "--delete-old")
	if code != 1 {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	if got := e.keyStatus("rot-piped"); !sameStatus(got, map[string]string{old[0]: "Active"}) {
		t.Errorf("keys %v, want only the old one", got)
	}
	if !strings.Contains(errOut.String(), "since it could not be handed over; the old keys are unchanged\n") || !strings.HasSuffix(errOut.String(), brokenPipeError) {
		t.Errorf("stderr:\n%s", errOut.String())
	}
}

// A closed standard error stops a command that changes things, as an
// interrupt does; with nobody to tell, a bucket it created is not left
// unnamed either: it is deleted (it is still empty).
func TestCreateClosedStderr(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	for _, after := range []int{0, len("Created bucket: pipe-new\n")} {
		var out bytes.Buffer
		code := e.runStreams(&out, &closedPipe{after: after}, "create", "pipe-new", "-c", "--username", "unheard")
		if code != 1 || out.Len() != 0 {
			t.Errorf("stderr closed after %d bytes: exit %d, stdout %q", after, code, out.String())
		}
		if s := e.iamState("unheard"); s != nil {
			t.Errorf("stderr closed after %d bytes: user left behind: %+v", after, s)
		}
		if e.bucketExists("pipe-new") {
			t.Errorf("stderr closed after %d bytes: the new bucket was left, unnamed", after)
		}
	}
}

// A listing whose reader stops early (`| head`) ends quietly with the
// status of a process killed by SIGPIPE; so does any reading command.
func TestListingClosedStdout(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	for i := range 3 {
		e.makeUser("lister-"+string(rune('a'+i)), 0)
	}
	for _, args := range [][]string{
		{"list-users"},
		{"list-users", "--csv"},
		{"whoami"},
		{"policy", "some-bucket"},
		{"--help"},
	} {
		var errOut bytes.Buffer
		code := e.runStreams(&closedPipe{after: 10}, &errOut, args...)
		if code != exitOutputClosed || errOut.Len() != 0 {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut.String())
		}
	}
	// A failing standard error does not stop a reading command.
	var out bytes.Buffer
	if code := e.runStreams(&out, &closedPipe{}, "list-users", "--nl"); code != 0 || strings.Count(out.String(), "\n") != 3 {
		t.Errorf("stderr closed: exit %d, stdout %q", code, out.String())
	}
}

// prune, whose standard output names the users deleted, stops when that
// output is closed, says so, and leaves the rest for the next run.
func TestPruneClosedStdout(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.makeBucket("prune-pipe")
	for _, u := range []string{"gone-1", "gone-2"} {
		e.expiredUser("prune-pipe", u)
	}
	var errOut bytes.Buffer
	code := e.runStreams(&closedPipe{}, &errOut, "prune")
	if code != 1 || !strings.HasSuffix(errOut.String(), brokenPipeError) {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	if e.userExists("gone-1") {
		t.Errorf("the first expired user was not deleted")
	}
	if !e.userExists("gone-2") {
		t.Errorf("prune went on after its output was closed")
	}
}

// expiredUser makes a user as `create --expires` does, then moves its
// expiry an hour into the past, so that prune deletes it.
func (e *e2e) expiredUser(bucket, name string) {
	e.t.Helper()
	e.ok("create", bucket, "--username", name, "--expires", "1h")
	past := time.Now().Add(-time.Hour).UTC().Format(policy.TimeFormat)
	must(e.Clients.IAM.TagUser(e.ctx(), &iam.TagUserInput{UserName: aws.String(name),
		Tags: []iamtypes.Tag{{Key: aws.String(credentials.ExpiresTag), Value: aws.String(past)}}})).ok(e.t)
}
