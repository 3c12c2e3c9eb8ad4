package awsclient

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseAuth(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		want     StaticCredentials
		err      string
	}{
		{"json", `{"AccessKeyId": "AK", "SecretAccessKey": "SK", "SessionToken": "ST"}`, StaticCredentials{"AK", "SK", "ST"}, ""},
		{"json as create prints it", "\n  {\n    \"UserName\": \"u\", \"AccessKeyId\": \"AK\", \"Status\": \"Active\", \"SecretAccessKey\": \"SK\"}\n", StaticCredentials{"AK", "SK", ""}, ""},
		{"json invalid", `{"AccessKeyId": `, StaticCredentials{}, "--auth file contained invalid JSON"},
		{"json wrong type", `{"AccessKeyId": 1}`, StaticCredentials{}, "AccessKeyId must be a string"},
		{"ini first section with key wins", "[a]\nregion=x\n[b]\naws_access_key_id = AK\naws_secret_access_key: SK\n[c]\naws_access_key_id=other\n", StaticCredentials{"AK", "SK", ""}, ""},
		{"ini as create --format ini prints it", "[default]\naws_access_key_id=AK\naws_secret_access_key=SK\naws_session_token=ST\n", StaticCredentials{"AK", "SK", "ST"}, ""},
		{"ini comments and case", "# c\n; c\n[default]\nAWS_ACCESS_KEY_ID = AK\naws_secret_access_key=SK\n", StaticCredentials{"AK", "SK", ""}, ""},
		{"ini DEFAULT inherited", "[DEFAULT]\naws_secret_access_key=SK\n[p]\naws_access_key_id=AK\n", StaticCredentials{"AK", "SK", ""}, ""},
		{"ini without keys", "[p]\nregion=us-east-1\n", StaticCredentials{}, "holds no credentials"},
		{"json without keys", `{"UserName": "u"}`, StaticCredentials{}, "holds no credentials"},
		{"json null keys", `{"AccessKeyId": null, "SecretAccessKey": null}`, StaticCredentials{}, "holds no credentials"},
		{"empty object", `{}`, StaticCredentials{}, "holds no credentials"},
		{"empty array", `[]`, StaticCredentials{}, "holds no credentials"},
		{"empty", "", StaticCredentials{}, "holds no credentials"},
		{"blank", " \n\t\n", StaticCredentials{}, "holds no credentials"},
		{"neither", "just text", StaticCredentials{}, "neither JSON nor INI"},
		{"ini bad line", "[p]\nnot a pair\n", StaticCredentials{}, "line 2 is not key = value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseAuth([]byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v want %+v", got, tc.want)
			}
		})
	}
}

func isolate(t *testing.T) {
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") {
			t.Setenv(kv[:strings.IndexByte(kv, '=')], "")
			os.Unsetenv(kv[:strings.IndexByte(kv, '=')])
		}
	}
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
}

func TestLoadConfigRegionAndEndpoint(t *testing.T) {
	isolate(t)
	ctx := context.Background()
	cfg, err := LoadConfig(ctx, Options{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "us-east-1" {
		t.Errorf("default region %q", cfg.Region)
	}
	if c := New(cfg); c.S3.Options().UsePathStyle {
		t.Error("path-style without a custom endpoint")
	}
	cfg, err = LoadConfig(ctx, Options{Region: "eu-west-2", EndpointURL: "http://127.0.0.1:9"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-2" || *cfg.BaseEndpoint != "http://127.0.0.1:9" {
		t.Errorf("region %q endpoint %v", cfg.Region, cfg.BaseEndpoint)
	}
	c := New(cfg)
	if !c.S3.Options().UsePathStyle {
		t.Error("custom endpoint should use path-style S3")
	}
	for name, ep := range map[string]*string{"iam": c.IAM.Options().BaseEndpoint, "sts": c.STS.Options().BaseEndpoint, "s3": c.S3.Options().BaseEndpoint} {
		if ep == nil || *ep != "http://127.0.0.1:9" {
			t.Errorf("%s endpoint %v", name, ep)
		}
	}
}

func TestLoadConfigProfileAndCredentials(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	os.WriteFile(creds, []byte("[work]\naws_access_key_id = AKWORK\naws_secret_access_key = SKWORK\n"), 0o600)
	conf := filepath.Join(dir, "config")
	os.WriteFile(conf, []byte("[profile work]\nregion = ap-south-1\n"), 0o600)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", creds)
	t.Setenv("AWS_CONFIG_FILE", conf)
	ctx := context.Background()

	cfg, err := LoadConfig(ctx, Options{Profile: "work"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := cfg.Credentials.Retrieve(ctx)
	if err != nil || v.AccessKeyID != "AKWORK" || cfg.Region != "ap-south-1" {
		t.Errorf("profile: key %q region %q err %v", v.AccessKeyID, cfg.Region, err)
	}

	// Explicit keys win over the profile; --region over the profile's region.
	cfg, _ = LoadConfig(ctx, Options{Profile: "work", AccessKey: "AKFLAG", SecretKey: "SK", Region: "us-west-2"}, nil)
	v, _ = cfg.Credentials.Retrieve(ctx)
	if v.AccessKeyID != "AKFLAG" || cfg.Region != "us-west-2" {
		t.Errorf("flags: key %q region %q", v.AccessKeyID, cfg.Region)
	}

	// --auth - reads stdin.
	cfg, err = LoadConfig(ctx, Options{AuthFile: "-"}, strings.NewReader(`{"AccessKeyId":"AKSTDIN","SecretAccessKey":"S"}`))
	if err != nil {
		t.Fatal(err)
	}
	v, _ = cfg.Credentials.Retrieve(ctx)
	if v.AccessKeyID != "AKSTDIN" {
		t.Errorf("stdin key %q", v.AccessKeyID)
	}

	if _, err := LoadConfig(ctx, Options{Profile: "missing"}, nil); err == nil {
		t.Error("a missing profile was accepted")
	}
	if _, err := LoadConfig(ctx, Options{AuthFile: "x", SessionToken: "t"}, nil); err != ErrAuthConflict {
		t.Errorf("conflict: %v", err)
	}
}
