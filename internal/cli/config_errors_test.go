package cli

// Configuration the SDK cannot use, said in plain words that name the
// setting, the file or the variable at fault, at once, without the SDK's
// chain of wrapped errors. Serial: they set the process's AWS_* variables.

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestConfigErrorsNameWhatIsAtFault runs whoami against each broken
// configuration; the messages are in testdata/errors/config.txt.
func TestConfigErrorsNameWhatIsAtFault(t *testing.T) {
	noCredentials(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	dir := t.TempDir()
	ep, calls := countingURL(t)
	config, creds := filepath.Join(dir, "config"), filepath.Join(dir, "credentials")
	t.Setenv("AWS_CONFIG_FILE", config)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	notPEM := filepath.Join(dir, "not-a-bundle.pem")
	os.WriteFile(notPEM, []byte("hello\n"), 0o600)
	const role = "role_arn = arn:aws:iam::123456789012:role/r\n"
	var out strings.Builder
	for _, tc := range []struct {
		name          string
		config, creds string
		env           []string // NAME=VALUE
		args          []string
	}{
		{name: "a key without its secret", creds: "[default]\naws_access_key_id = AKIAEXAMPLE\n"},
		{name: "a secret without its key, in the config file", config: "[profile p]\naws_secret_access_key = s\n", args: []string{"--profile", "p"}},
		{name: "source_profile loop", config: "[profile x]\nsource_profile = y\n" + role + "[profile y]\nsource_profile = x\n" + role, args: []string{"--profile", "x"}},
		{name: "source_profile missing", config: "[profile x]\nsource_profile = nowhere\n" + role, args: []string{"--profile", "x"}},
		{name: "source_profile without credentials", config: "[profile x]\nsource_profile = y\n" + role + "[profile y]\nregion = us-east-1\n", args: []string{"--profile", "x"}},
		{name: "credential_process fails", config: "[default]\ncredential_process = sh -c 'exit 3'\n"},
		{name: "credential_process prints no JSON", config: "[default]\ncredential_process = sh -c 'echo {\"AccessKeyId\": \"AKIAEXAMPLE\", \"SecretAccessKey\": \"do-not-print\"'\n"},
		{name: "credential_process prints no secret", config: "[default]\ncredential_process = sh -c 'echo {\\\"Version\\\": 1, \\\"AccessKeyId\\\": \\\"AKIAEXAMPLE\\\"}'\n"},
		{name: "AWS_CA_BUNDLE missing", creds: "[default]\naws_access_key_id = a\naws_secret_access_key = b\n", env: []string{"AWS_CA_BUNDLE=" + filepath.Join(dir, "nonexistent.pem")}},
		{name: "AWS_CA_BUNDLE a directory", creds: "[default]\naws_access_key_id = a\naws_secret_access_key = b\n", env: []string{"AWS_CA_BUNDLE=" + dir}},
		{name: "AWS_CA_BUNDLE not PEM", creds: "[default]\naws_access_key_id = a\naws_secret_access_key = b\n", env: []string{"AWS_CA_BUNDLE=" + notPEM}},
	} {
		os.WriteFile(config, []byte(tc.config), 0o600)
		os.WriteFile(creds, []byte(tc.creds), 0o600)
		for _, kv := range tc.env {
			k, v, _ := strings.Cut(kv, "=")
			t.Setenv(k, v)
		}
		start := time.Now()
		r := run(t, "", append([]string{"whoami", "--endpoint-url", ep}, tc.args...)...)
		took := time.Since(start)
		for _, kv := range tc.env {
			k, _, _ := strings.Cut(kv, "=")
			t.Setenv(k, "")
		}
		if r.Code != 1 || r.Stdout != "" || strings.Count(r.Stderr, "\n") != 1 || !strings.HasPrefix(r.Stderr, "Error: ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", tc.name, r.Code, r.Stdout, r.Stderr)
		}
		for _, bad := range []string{"operation error", "<nil>", "Error using profile", "failed to", "do-not-print"} {
			if strings.Contains(r.Stderr, bad) {
				t.Errorf("%s: stderr holds %q: %s", tc.name, bad, r.Stderr)
			}
		}
		if took > slack(2*time.Second) {
			t.Errorf("%s took %v", tc.name, took)
		}
		fmt.Fprintf(&out, "# %s\n%s", tc.name, strings.ReplaceAll(r.Stderr, dir, "<dir>"))
	}
	golden(t, "errors/config.txt", out.String())
	if n := calls.Load(); n != 0 {
		t.Errorf("%d requests were made", n)
	}
}

// A malformed endpoint is a usage error, exit 2, before any request is
// sent: no scheme, a scheme other than http(s), no host, not a URL. The
// variable or profile setting it came from is named.
func TestMalformedEndpointIsAUsageError(t *testing.T) {
	noCredentials(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "testing")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "testing")
	config := filepath.Join(t.TempDir(), "config")
	t.Setenv("AWS_CONFIG_FILE", config)
	usage := "Usage: s3-credentials whoami [OPTIONS]\nTry 's3-credentials whoami --help' for help.\n\n"
	var out strings.Builder
	for _, tc := range []struct {
		flag, env, profile string
	}{
		{flag: "127.0.0.1:5055"},
		{flag: "localhost"},
		{flag: "ftp://127.0.0.1:5055"},
		{flag: "https://"},
		{flag: "http://[::1"},
		{flag: " http://127.0.0.1:5055"},
		{env: "localhost:9000"},
		{profile: "ftp://127.0.0.1:21"},
	} {
		os.WriteFile(config, []byte("[default]\nendpoint_url = "+tc.profile+"\n"), 0o600)
		if tc.profile == "" {
			os.WriteFile(config, nil, 0o600)
		}
		t.Setenv("AWS_ENDPOINT_URL", tc.env)
		args := []string{"whoami"}
		if tc.flag != "" {
			args = append(args, "--endpoint-url", tc.flag)
		}
		start := time.Now()
		r := run(t, "", args...)
		if r.Code != 2 || r.Stdout != "" || !strings.HasPrefix(r.Stderr, usage) {
			t.Errorf("%+v: exit %d, stderr %q", tc, r.Code, r.Stderr)
		}
		if took := time.Since(start); took > slack(time.Second) {
			t.Errorf("%+v took %v: retried?", tc, took)
		}
		fmt.Fprint(&out, strings.ReplaceAll(strings.TrimPrefix(r.Stderr, usage), config, "<config>"))
	}
	golden(t, "errors/endpoint.txt", out.String())
}
