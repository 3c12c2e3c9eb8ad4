package awsclient

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
)

// The SDK's own words for a configuration it cannot use name neither the
// setting nor the file at fault ("error fetching config from profile,
// default, Error using profile: \n 2, partial credentials found for profile
// default"). These turn them into plain sentences that do.

// EndpointError is an endpoint URL that cannot be one: no scheme, a scheme
// other than http or https, no host, or not a URL at all. It is a usage
// error, found before any request is sent.
type EndpointError struct {
	Source string // "--endpoint-url", "AWS_ENDPOINT_URL", or the profile setting
	Value  string
	Reason string
}

func (e *EndpointError) Error() string {
	return fmt.Sprintf("Invalid value for %s: '%s' is not an endpoint URL: %s", e.Source, e.Value, e.Reason)
}

// checkEndpoint says what is wrong with an endpoint URL, or nil.
func checkEndpoint(source, value string) error {
	bad := func(why string) error { return &EndpointError{Source: source, Value: value, Reason: why} }
	if strings.TrimSpace(value) != value {
		return bad("it has spaces around it")
	}
	u, err := url.Parse(value)
	switch {
	case err == nil && u.Scheme == "" || err != nil && !strings.Contains(value, "://"):
		return bad("it needs a scheme, as in http://" + strings.TrimPrefix(value, "//") + " or https://" + strings.TrimPrefix(value, "//"))
	case err != nil:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return bad(err.Error())
	case u.Scheme != "http" && u.Scheme != "https":
		if u.Opaque != "" {
			// host:port without a scheme parses as scheme "host".
			return bad("it needs a scheme, as in http://" + value + " or https://" + value)
		}
		return bad("the scheme must be http or https, not " + u.Scheme)
	case u.Host == "":
		return bad("it names no host")
	}
	return nil
}

// endpointSource names where an endpoint the SDK found came from.
func endpointSource(value, profile string) string {
	if os.Getenv("AWS_ENDPOINT_URL") == value {
		return "AWS_ENDPOINT_URL"
	}
	return fmt.Sprintf("endpoint_url in profile %q (%s)", profile, shortPath(configFile()))
}

// checkCABundle reads the file AWS_CA_BUNDLE names before the SDK does: the
// SDK's error ("open /x: no such file or directory", "failed to load
// custom CA bundle PEM file") names neither the variable nor the file.
func checkCABundle() error {
	path := os.Getenv("AWS_CA_BUNDLE")
	if path == "" {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("AWS_CA_BUNDLE names %s, which cannot be read: %v", path, err)
	}
	if !strings.Contains(string(data), "-----BEGIN CERTIFICATE-----") {
		return fmt.Errorf("AWS_CA_BUNDLE names %s, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)", path)
	}
	return nil
}

func configFile() string { return envOr("AWS_CONFIG_FILE", config.DefaultSharedConfigFilename()) }
func credentialsFile() string {
	return envOr("AWS_SHARED_CREDENTIALS_FILE", config.DefaultSharedCredentialsFilename())
}

// profileInUse is the profile the SDK reads: --profile, else AWS_PROFILE,
// else default.
func profileInUse(o Options) string {
	for _, p := range []string{o.Profile, os.Getenv("AWS_PROFILE"), os.Getenv("AWS_DEFAULT_PROFILE")} {
		if p != "" {
			return p
		}
	}
	return "default"
}

// rePartial finds the SDK's "partial credentials found for profile NAME",
// where NAME is the file's section: "profile p" in the config file.
var rePartial = regexp.MustCompile(`partial credentials found for profile (?:profile )?(\S+)`)

// describeConfigError words an error of config.LoadDefaultConfig; errors
// it does not know are returned as they are.
func describeConfigError(err error, o Options) error {
	if m := rePartial.FindStringSubmatch(err.Error()); m != nil {
		return partialCredentials(m[1])
	}
	var assume config.SharedConfigAssumeRoleError
	if errors.As(err, &assume) {
		start := profileInUse(o)
		if chain, loop := sourceChain(start); loop {
			return fmt.Errorf("the source_profile settings of profile %q go round in a circle (%s) in %s: one profile of the chain must hold credentials itself",
				start, strings.Join(chain, " -> "), shortPath(configFile()))
		}
		var missing config.SharedConfigProfileNotExistError
		if errors.As(err, &missing) {
			return fmt.Errorf("profile %q names source_profile %q (to assume %s), which is in neither %s nor %s",
				start, assume.Profile, assume.RoleARN, shortPath(credentialsFile()), shortPath(configFile()))
		}
		return fmt.Errorf("profile %q is the source_profile for assuming %s, but gives no credentials: it needs aws_access_key_id and aws_secret_access_key, credential_process, credential_source or SSO settings (in %s or %s)",
			assume.Profile, assume.RoleARN, shortPath(credentialsFile()), shortPath(configFile()))
	}
	return err
}

// partialCredentials says which of the two keys profile lacks, and where.
func partialCredentials(profile string) error {
	for _, f := range []struct{ path, section string }{
		{credentialsFile(), profile},
		{configFile(), "profile " + profile},
		{configFile(), profile},
	} {
		values := sectionValues(f.path, f.section)
		_, id := values["aws_access_key_id"]
		_, secret := values["aws_secret_access_key"]
		switch {
		case id && !secret:
			return fmt.Errorf("profile %q in %s has aws_access_key_id but no aws_secret_access_key: give both, or neither", profile, shortPath(f.path))
		case secret && !id:
			return fmt.Errorf("profile %q in %s has aws_secret_access_key but no aws_access_key_id: give both, or neither", profile, shortPath(f.path))
		}
	}
	return fmt.Errorf("profile %q has only one of aws_access_key_id and aws_secret_access_key (in %s or %s): give both, or neither",
		profile, shortPath(credentialsFile()), shortPath(configFile()))
}

// sectionValues is the values of one [section] of an AWS config or
// credentials file (nil when the file or the section is missing).
func sectionValues(path, section string) map[string]string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	sections, err := parseINI(string(data))
	if err != nil {
		return nil
	}
	for _, s := range sections {
		if strings.TrimSpace(s.name) == section {
			return s.values
		}
	}
	return nil
}

// sourceChain follows source_profile from profile through the config and
// credentials files, and reports whether it comes back to a profile
// already on it.
func sourceChain(profile string) (chain []string, loop bool) {
	seen := map[string]bool{}
	for p := profile; p != ""; {
		chain = append(chain, p)
		if seen[p] {
			return chain, true
		}
		seen[p] = true
		next := ""
		for _, f := range []struct{ path, section string }{
			{configFile(), "profile " + p},
			{configFile(), p},
			{credentialsFile(), p},
		} {
			if v, ok := sectionValues(f.path, f.section)["source_profile"]; ok {
				next = v
				break
			}
		}
		p = next
	}
	return chain, false
}

// CredentialProcessError is a credential_process that failed.
type CredentialProcessError struct {
	Profile string
	Err     error
}

func (e *CredentialProcessError) Error() string {
	why := e.Err.Error()
	var pe *processcreds.ProviderError
	if errors.As(e.Err, &pe) {
		why = pe.Err.Error()
	}
	switch {
	case strings.HasPrefix(why, "error in credential_process: "):
		why = "it failed (" + strings.TrimPrefix(why, "error in credential_process: ") + "; its own message, if any, is above)"
	case strings.HasPrefix(why, "credential process timed out"):
		why = "it did not finish in time"
	case strings.HasPrefix(why, "parse failed of process output"):
		// The SDK's message repeats the output, which may hold a secret.
		why = "what it printed is not JSON"
	case strings.HasPrefix(why, "wrong version"):
		why = `what it printed does not have "Version": 1`
	case strings.HasPrefix(why, "missing "):
		why = "what it printed has no " + strings.TrimSuffix(strings.TrimPrefix(why, "missing "), " in process output")
	}
	return fmt.Sprintf("the credential_process of profile %q (%s) gave no credentials: %s", e.Profile, shortPath(configFile()), why)
}

func (e *CredentialProcessError) Unwrap() error { return e.Err }

// RetryableError keeps the SDK from running the process again.
func (e *CredentialProcessError) RetryableError() bool { return false }

// describedCredentials names the profile of a failing credential_process.
type describedCredentials struct {
	inner   aws.CredentialsProvider
	profile string
}

func (p *describedCredentials) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.inner.Retrieve(ctx)
	var pe *processcreds.ProviderError
	if err != nil && ctx.Err() == nil && errors.As(err, &pe) {
		return c, &CredentialProcessError{Profile: p.profile, Err: err}
	}
	return c, err
}
