// Package awsclient builds the IAM, STS and S3 clients every command uses from
// the common options: explicit keys, an --auth file, a profile, a region and
// a custom endpoint. Whatever credentials are chosen apply to all three.
package awsclient

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3-credentials/s3-credentials/internal/flagvalue"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// DefaultRegion is used when neither a flag, the environment nor a profile names one.
const DefaultRegion = "us-east-1"

// Options are the common AWS flags.
type Options struct {
	AccessKey    string
	SecretKey    string
	SessionToken string
	EndpointURL  string
	AuthFile     string // path, or "-" for stdin
	Profile      string
	Region       string
	// MaxBackoff caps the wait between retries; zero means
	// DefaultMaxBackoff. No flag sets it: tests that inject failures
	// shorten it for their own runs.
	MaxBackoff time.Duration
	// ConnectTimeout and ReadTimeout bound every call (see network.go):
	// zero means the default, NoTimeout none.
	ConnectTimeout time.Duration
	ReadTimeout    time.Duration
}

// Clients are the three services the tool talks to, sharing one configuration.
type Clients struct {
	Config aws.Config
	IAM    *iam.Client
	STS    *sts.Client
	S3     *s3.Client
}

// StaticCredentials is what an --auth file or the key flags hold.
type StaticCredentials struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
}

// ErrAuthConflict is the reference's message for --auth given with key flags.
var ErrAuthConflict = errors.New("--auth cannot be used with --access-key, --secret-key or --session-token")

// LoadConfig resolves the options into an aws.Config, with the tool's retry
// policy unless the user chose one. stdin is read when the auth file is "-".
func LoadConfig(ctx context.Context, o Options, stdin io.Reader) (aws.Config, error) {
	creds := StaticCredentials{o.AccessKey, o.SecretKey, o.SessionToken}
	if o.AuthFile != "" {
		if o.AccessKey != "" || o.SecretKey != "" || o.SessionToken != "" {
			return aws.Config{}, ErrAuthConflict
		}
		data, err := flagvalue.ReadFile(o.AuthFile, stdin)
		if err != nil {
			return aws.Config{}, &AuthFileError{Path: o.AuthFile, Err: err}
		}
		creds, err = ParseAuth(data)
		if creds == (StaticCredentials{}) && (err == nil || errors.Is(err, ErrNoKeysInAuth)) {
			name := "'" + o.AuthFile + "'"
			if o.AuthFile == "-" {
				name = "on standard input"
			}
			return aws.Config{}, errors.New("--auth file " + name + " holds no credentials: " + noKeysWhy)
		}
		if err != nil {
			return aws.Config{}, err
		}
	}

	if o.EndpointURL != "" {
		if err := checkEndpoint("'--endpoint-url'", o.EndpointURL); err != nil {
			return aws.Config{}, err
		}
	}
	if err := checkCABundle(); err != nil {
		return aws.Config{}, err
	}

	t := resolveTimeouts(o)
	loadOpts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(loadHTTPClient(t)),
		// Nothing of the SDK's own reaches standard error: what goes wrong
		// comes back as an error, and is said once.
		config.WithLogger(logging.Nop{}),
		config.WithClientLogMode(0),
		config.WithAPIOptions([]func(*middleware.Stack) error{addNetworkMiddleware}),
	}
	if o.Profile != "" {
		loadOpts = append(loadOpts, config.WithSharedConfigProfile(o.Profile))
	}
	if o.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(o.Region))
	}
	explicit := creds.AccessKeyID != "" || creds.SecretAccessKey != "" || creds.SessionToken != ""
	if explicit {
		if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
			return aws.Config{}, errors.New("both an access key and a secret key are needed (--access-key and --secret-key, or both in the --auth file)")
		}
		loadOpts = append(loadOpts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(creds.AccessKeyID, creds.SecretAccessKey, creds.SessionToken)))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		err = describeConfigError(err, o)
	}
	var noProfile config.SharedConfigProfileNotExistError
	if errors.As(err, &noProfile) {
		return aws.Config{}, fmt.Errorf("profile %q not found in %s or %s", noProfile.Profile,
			shortPath(envOr("AWS_SHARED_CREDENTIALS_FILE", config.DefaultSharedCredentialsFilename())),
			shortPath(envOr("AWS_CONFIG_FILE", config.DefaultSharedConfigFilename())))
	}
	if err != nil {
		return aws.Config{}, err
	}
	if o.EndpointURL == "" && cfg.BaseEndpoint != nil {
		// From AWS_ENDPOINT_URL or the profile's endpoint_url.
		if err := checkEndpoint(endpointSource(*cfg.BaseEndpoint, profileInUse(o)), *cfg.BaseEndpoint); err != nil {
			return aws.Config{}, err
		}
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if !explicit {
		cfg = withNoCredentialsCheck(cfg, o)
		cfg.Credentials = aws.NewCredentialsCache(&describedCredentials{inner: cfg.Credentials, profile: profileInUse(o)})
	}
	if b, ok := cfg.HTTPClient.(*awshttp.BuildableClient); ok {
		cfg.HTTPClient = newHTTPClient(b, t, 0)
	}
	if o.EndpointURL != "" {
		cfg.BaseEndpoint = aws.String(o.EndpointURL)
	}
	return withRetries(cfg, o.MaxBackoff), nil
}

// New builds the clients from a config. A custom endpoint switches S3 to
// path-style addressing so servers on localhost work.
func New(cfg aws.Config) *Clients {
	pathStyle := cfg.BaseEndpoint != nil
	return &Clients{
		Config: cfg,
		IAM:    iam.NewFromConfig(cfg),
		STS:    sts.NewFromConfig(cfg),
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = pathStyle
		}),
	}
}

// AuthFileError is an --auth file that cannot be read: missing,
// unreadable, a directory, or too large to be one.
type AuthFileError struct {
	Path string
	Err  error
}

func (e *AuthFileError) Error() string { return "'" + e.Path + "': " + e.Reason() }
func (e *AuthFileError) Unwrap() error { return e.Err }

// Reason words the failure as Python's strerror does ("No such file or
// directory"), which is how the reference's click.File said it.
func (e *AuthFileError) Reason() string {
	var errno syscall.Errno
	if errors.As(e.Err, &errno) {
		s := errno.Error()
		return strings.ToUpper(s[:1]) + s[1:]
	}
	var pe *os.PathError
	if errors.As(e.Err, &pe) {
		return pe.Err.Error()
	}
	return e.Err.Error()
}

// ErrNoKeysInAuth is an --auth file that is readable but holds no keys:
// falling back to other credentials would act as someone else.
var ErrNoKeysInAuth = errors.New("--auth file holds no credentials: " + noKeysWhy)

const noKeysWhy = "it needs JSON with AccessKeyId and SecretAccessKey, or an INI section with aws_access_key_id and aws_secret_access_key"

// ParseAuth reads credentials from an --auth file: JSON with AccessKeyId,
// SecretAccessKey and SessionToken, or INI where the first section holding
// aws_access_key_id wins.
func ParseAuth(data []byte) (StaticCredentials, error) {
	text := strings.TrimSpace(string(data))
	if strings.HasPrefix(text, "{") {
		v, err := pyjson.Decode([]byte(text))
		if err != nil {
			return StaticCredentials{}, errors.New("--auth file contained invalid JSON")
		}
		m, _ := v.(pyjson.Map)
		get := func(k string) (string, error) {
			x, ok := m.Get(k)
			if !ok || x == nil {
				return "", nil
			}
			s, ok := x.(string)
			if !ok {
				return "", fmt.Errorf("--auth file: %s must be a string", k)
			}
			return s, nil
		}
		var c StaticCredentials
		var err1, err2, err3 error
		c.AccessKeyID, err1 = get("AccessKeyId")
		c.SecretAccessKey, err2 = get("SecretAccessKey")
		c.SessionToken, err3 = get("SessionToken")
		if err := errors.Join(err1, err2, err3); err != nil {
			return c, err
		}
		if c == (StaticCredentials{}) {
			return c, ErrNoKeysInAuth
		}
		return c, nil
	}
	sections, err := parseINI(text)
	if err != nil {
		return StaticCredentials{}, err
	}
	for _, s := range sections {
		if id, ok := s.values["aws_access_key_id"]; ok {
			return StaticCredentials{
				AccessKeyID:     id,
				SecretAccessKey: s.values["aws_secret_access_key"],
				SessionToken:    s.values["aws_session_token"],
			}, nil
		}
	}
	return StaticCredentials{}, ErrNoKeysInAuth
}

type iniSection struct {
	name   string
	values map[string]string
}

// parseINI is the part of Python's configparser the auth files need:
// [sections], "key = value" or "key: value", # and ; comment lines, keys
// case-insensitive, values trimmed. [DEFAULT] values are inherited.
func parseINI(text string) ([]iniSection, error) {
	var sections []iniSection
	defaults := map[string]string{}
	var cur map[string]string
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		s := strings.TrimSpace(raw)
		if s == "" || strings.HasPrefix(s, "#") || strings.HasPrefix(s, ";") {
			continue
		}
		if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
			name := s[1 : len(s)-1]
			if name == "DEFAULT" {
				cur = defaults
				continue
			}
			cur = map[string]string{}
			sections = append(sections, iniSection{name: name, values: cur})
			continue
		}
		if cur == nil {
			return nil, fmt.Errorf("--auth file is neither JSON nor INI: line %d is outside a [section]", line)
		}
		i := strings.IndexAny(s, "=:")
		if i < 0 {
			return nil, fmt.Errorf("--auth file: line %d is not key = value", line)
		}
		cur[strings.ToLower(strings.TrimSpace(s[:i]))] = strings.TrimSpace(s[i+1:])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--auth file: %w", err)
	}
	for _, sec := range sections {
		for k, v := range defaults {
			if _, ok := sec.values[k]; !ok {
				sec.values[k] = v
			}
		}
	}
	return sections, nil
}
