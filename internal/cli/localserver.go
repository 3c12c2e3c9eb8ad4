package cli

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/localserver"
	"github.com/s3-credentials/s3-credentials/internal/message"
)

// LocalserverOptions are the arguments and flags of `localserver`, and
// what running it needs.
type LocalserverOptions struct {
	IO      *IOStreams
	Clients func(context.Context) (*awsclient.Clients, error)
	Context context.Context
	// Request is the credentials the arguments and flags describe.
	Request       *credentials.Request
	Port          int
	Host          string
	ReadOnly      bool
	WriteOnly     bool
	Scope         scopeFlags
	Statements    []string
	Duration      string
	Token         string
	GenerateToken bool
}

// NewCmdLocalserver serves temporary credentials over HTTP. runF, when
// given, runs instead of runLocalserver: tests read the options the flags
// made.
func NewCmdLocalserver(f *Factory, runF func(*LocalserverOptions) error) *cobra.Command {
	opts := &LocalserverOptions{IO: f.IO, Clients: f.Clients}
	cmd := &cobra.Command{
		Use:               "localserver BUCKETS...",
		GroupID:           groupCredentials,
		ValidArgsFunction: completeBuckets(f, true),
		Short:             "Start a local HTTP server that hands out temporary credentials for buckets",
		Long: `Serve temporary credentials for the buckets named over HTTP, until stopped
with Ctrl+C.

GET / answers in the credential_process format (use it from an AWS profile
with: credential_process = curl -s http://localhost:8094/). GET
/container-credentials answers in the format AWS SDKs and the aws CLI read
when AWS_CONTAINER_CREDENTIALS_FULL_URI points at it.

Every client gets the same cached credentials. They are renewed in the
background well before they expire, and never handed out in the last fifth
of their lifetime.

With --token or --generate-token, requests must send the token in the
Authorization header (AWS_CONTAINER_AUTHORIZATION_TOKEN for SDKs).`,
		Example: `  # Read-only credentials for a bucket, each set lasting an hour
  s3-credentials localserver my-bucket --read-only --duration 1h

  # On another port, for two buckets, with a required token
  s3-credentials localserver bucket-1 bucket-2 -d 15m -p 9000 --generate-token`,
		Args: requireArgs("BUCKETS..."),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("duration") {
				return usageErrorf(cmd, "Missing option %s.", flagLabel(cmd, "duration"))
			}
			req := &credentials.Request{Buckets: args}
			var err error
			if req.Scope, err = opts.Scope.scope(cmd, args, time.Now()); err != nil {
				return err
			}
			if req.DurationSeconds, err = parseDuration(cmd, opts.Duration); err != nil {
				return err
			}
			if req.Statements, err = parseStatements(cmd, opts.Statements); err != nil {
				return err
			}
			if opts.Port < 0 || opts.Port > 65535 {
				return badParam(cmd, "port", fmt.Sprintf("%d is not a valid port number.", opts.Port))
			}
			if opts.GenerateToken && cmd.Flags().Changed("token") {
				return usageErrorf(cmd, "Cannot use --token and --generate-token at the same time")
			}
			if cmd.Flags().Changed("token") && opts.Token == "" {
				return badParam(cmd, "token", "the token must not be empty.")
			}
			if req.Permission, err = permission(opts.ReadOnly, opts.WriteOnly); err != nil {
				return err
			}
			opts.Request, opts.Context = req, cmd.Context()
			if runF != nil {
				return runF(opts)
			}
			return requestUsage(cmd, runLocalserver(opts))
		},
	}
	fl := cmd.Flags()
	fl.IntVarP(&opts.Port, "port", "p", 8094, "Port to listen on (0 picks a free one)")
	fl.StringVar(&opts.Host, "host", "localhost", "Host or address to listen on")
	fl.BoolVar(&opts.ReadOnly, "read-only", false, "Only allow reading from the bucket")
	fl.BoolVar(&opts.WriteOnly, "write-only", false, "Only allow writing to the bucket")
	opts.Scope.add(cmd, false)
	fl.StringArrayVar(&opts.Statements, "statement", nil, "JSON statement to add to the policy (repeatable)")
	fl.StringVarP(&opts.Duration, "duration", "d", "", "How long each set of credentials lasts, e.g. 15m, 1h, 12h (required)")
	fl.StringVar(&opts.Token, "token", "", "Require this token in the Authorization header")
	fl.BoolVar(&opts.GenerateToken, "generate-token", false, "Require a random token, printed once on standard error")
	f.AddAWSFlags(cmd)
	return cmd
}

// sessionSource is a credentials provider making one AssumeRole per
// Retrieve.
type sessionSource struct {
	creator *credentials.Creator
	req     *credentials.Request
}

// sessionSourceName is the Source the credentials carry.
const sessionSourceName = "s3-credentials localserver AssumeRole"

func (s *sessionSource) Retrieve(ctx context.Context) (aws.Credentials, error) {
	sess, err := s.creator.AssumeSession(ctx, s.req)
	if err != nil {
		return aws.Credentials{}, err
	}
	return aws.Credentials{
		AccessKeyID:     sess.AccessKeyID,
		SecretAccessKey: sess.SecretAccessKey,
		SessionToken:    sess.SessionToken,
		Source:          sessionSourceName,
		CanExpire:       true,
		Expires:         sess.Expiration,
	}, nil
}

func runLocalserver(opts *LocalserverOptions) error {
	ctx, req := opts.Context, opts.Request
	if err := req.Validate(); err != nil {
		return err
	}
	c, err := opts.Clients(ctx)
	if err != nil {
		return err
	}
	stderr := localserver.LineWriter(opts.IO.ErrOut)
	creator := &credentials.Creator{
		IAM: c.IAM, STS: c.STS, S3: c.S3,
		Region: c.Config.Region,
		Steps:  message.Steps{Warn: stderr},
	}
	if err := creator.CheckBuckets(ctx, req.Buckets); err != nil {
		return err
	}

	token := opts.Token
	if opts.GenerateToken {
		if token, err = localserver.GenerateToken(); err != nil {
			return err
		}
	}

	// The first fetch's failure is the command's error, not a log line.
	var listening atomic.Bool
	cacheLog := func(s string) {
		if listening.Load() {
			stderr(s)
		}
	}
	cache := localserver.NewCache(&sessionSource{creator: creator, req: req}, nil, cacheLog)
	cache.ErrorText = awsclient.ErrorMessage
	stderr("Generating initial credentials...")
	if err := cache.Refresh(ctx); err != nil {
		return fmt.Errorf("Failed to start server: %s", awsclient.ErrorMessage(err))
	}

	ln, err := net.Listen("tcp", net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port)))
	if err != nil {
		return fmt.Errorf("Failed to start server: %v", err)
	}
	defer ln.Close()
	listening.Store(true)
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	base := "http://" + net.JoinHostPort(opts.Host, port)
	// SDKs accept only loopback hosts in AWS_CONTAINER_CREDENTIALS_FULL_URI.
	sdkBase := base
	if ip := net.ParseIP(opts.Host); opts.Host == "" || (ip != nil && ip.IsUnspecified()) {
		sdkBase = "http://" + net.JoinHostPort("127.0.0.1", port)
	}

	what := fmt.Sprintf("bucket '%s'", req.Buckets[0])
	if len(req.Buckets) > 1 {
		what = "buckets '" + strings.Join(req.Buckets, "', '") + "'"
	}
	stderr(fmt.Sprintf("Serving %s credentials for %s at %s/", req.Permission, what, base))
	stderr(fmt.Sprintf("Duration: %d seconds", req.DurationSeconds))
	stderr(fmt.Sprintf("For AWS SDKs and the aws CLI: AWS_CONTAINER_CREDENTIALS_FULL_URI=%s%s", sdkBase, localserver.ContainerPath))
	switch {
	case opts.GenerateToken:
		stderr("Clients must send this token in the Authorization header (AWS_CONTAINER_AUTHORIZATION_TOKEN): " + token)
	case token != "":
		stderr("Clients must send the --token value in the Authorization header (AWS_CONTAINER_AUTHORIZATION_TOKEN)")
	case !localserver.IsLoopback(ln.Addr()):
		stderr(fmt.Sprintf("Warning: listening on %s, which other machines may reach, with no token: anyone who can connect gets the credentials. Use --generate-token or --token.", net.JoinHostPort(opts.Host, port)))
	}
	stderr("Press Ctrl+C to stop")

	h := &localserver.Handler{
		Cache: cache, Token: localserver.NewToken(token), AccessLog: stderr,
		LocalHostsOnly: localserver.IsLoopback(ln.Addr()), AllowedHost: opts.Host,
	}
	err = localserver.Serve(ctx, ln, h)
	if ctx.Err() != nil {
		prefix := ""
		if opts.IO.StderrTTY {
			prefix = "\n" // after the ^C the terminal echoed
		}
		stderr(prefix + "Shutting down server...")
	}
	if err != nil {
		return fmt.Errorf("Server failed: %v", err)
	}
	return nil
}
