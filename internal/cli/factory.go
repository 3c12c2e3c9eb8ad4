package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/message"
)

// IOStreams are where a command reads and writes. Tests swap them.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
	// StderrTTY says whether ErrOut is a terminal (progress bars animate only then).
	StderrTTY bool
}

// SystemIO are the process's own streams.
func SystemIO() *IOStreams {
	return &IOStreams{
		In:        os.Stdin,
		Out:       os.Stdout,
		ErrOut:    os.Stderr,
		StderrTTY: term.IsTerminal(int(os.Stderr.Fd())),
	}
}

// Factory hands commands their IO streams and AWS clients, built lazily from
// the common AWS flags so commands that need no AWS (policy, --dry-run) never
// load a configuration.
type Factory struct {
	IO *IOStreams
	// AWS holds the common AWS flags of the command being run.
	AWS awsclient.Options
	// defaultEndpoint is the endpoint used when --endpoint-url is not
	// given. Empty in the tool; tests set it for one run (see execute)
	// where they would otherwise set AWS_ENDPOINT_URL for the whole process.
	defaultEndpoint string

	// stderrLost tells whether standard error has stopped taking writes
	// (set by watchStreams): what a command would name there is then
	// unseen.
	stderrLost func() bool

	once    sync.Once
	clients *awsclient.Clients
	err     error
}

// NewFactory returns a factory over the given streams.
func NewFactory(streams *IOStreams) *Factory {
	return &Factory{IO: streams}
}

// Clients returns the IAM, STS and S3 clients, building them on first use.
func (f *Factory) Clients(ctx context.Context) (*awsclient.Clients, error) {
	f.once.Do(func() {
		o := f.AWS
		if o.EndpointURL == "" {
			o.EndpointURL = f.defaultEndpoint
		}
		var cfg aws.Config
		if cfg, f.err = awsclient.LoadConfig(ctx, o, f.IO.In); f.err == nil {
			f.clients = awsclient.New(cfg)
		}
		var afe *awsclient.AuthFileError
		var ee *awsclient.EndpointError
		switch {
		case errors.As(f.err, &afe):
			// As click.File said it, a usage error.
			f.err = &UsageError{Msg: "Invalid value for '-a' / '--auth': " + afe.Error()}
		case errors.As(f.err, &ee):
			// Found before any request: a usage error, not five attempts
			// at an address that cannot work.
			f.err = &UsageError{Msg: ee.Error()}
		}
	})
	return f.clients, f.err
}

// steps sends a command's step lines (unless silent) and warnings to
// standard error.
func (f *Factory) steps(silent bool) message.Steps {
	// One line at a time, whichever goroutine reports it.
	var mu sync.Mutex
	line := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Fprintln(f.IO.ErrOut, s)
	}
	steps := message.Steps{Log: line, Warn: line, Unheard: f.stderrLost}
	if silent {
		steps.Log = nil
	}
	return steps
}

// AddAWSFlags adds the common AWS options to cmd.
func (f *Factory) AddAWSFlags(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.AWS.AccessKey, "access-key", "", "AWS access key ID")
	fl.StringVar(&f.AWS.SecretKey, "secret-key", "", "AWS secret access key")
	fl.StringVar(&f.AWS.SessionToken, "session-token", "", "AWS session token")
	fl.StringVar(&f.AWS.EndpointURL, "endpoint-url", "", "Custom endpoint URL (S3, IAM and STS; S3 uses path-style addressing)")
	fl.StringVarP(&f.AWS.AuthFile, "auth", "a", "", "Path to JSON/INI file containing credentials, or - for standard input")
	fl.StringVar(&f.AWS.Profile, "profile", "", "Named profile from the AWS config and credentials files")
	fl.StringVar(&f.AWS.Region, "region", "", "AWS region (default: from the environment or profile, else us-east-1)")
	f.addTimeoutFlags(cmd)
	readsStdin(cmd, "auth")
	for _, name := range awsFlagNames {
		_ = fl.SetAnnotation(name, flagGroupAnnotation, []string{"aws"})
	}
}

var awsFlagNames = []string{"access-key", "secret-key", "session-token", "endpoint-url", "auth", "profile", "region", "connect-timeout", "read-timeout"}
