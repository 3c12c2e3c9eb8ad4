package credentials

import (
	"context"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/fakeaws"
)

// A bucket answered with a bare 403: when STS refuses the caller's key the
// error says the key is invalid; when STS knows the caller, the bucket is
// someone else's. Nothing is changed either way.
func TestForbiddenBucketAsksWhoTheCallerIs(t *testing.T) {
	for _, tc := range []struct {
		name    string
		stsCode string
		want    string
	}{
		{"unknown key", "InvalidClientTokenId", "the access key is invalid: AWS does not know it (STS GetCallerIdentity: InvalidClientTokenId: The security token included in the request is invalid.)"},
		{"wrong secret", "SignatureDoesNotMatch", "the access key is invalid: the secret key does not match it (STS GetCallerIdentity: SignatureDoesNotMatch: The security token included in the request is invalid.)"},
		{"expired session", "ExpiredToken", "the credentials have expired (STS GetCallerIdentity: ExpiredToken: The security token included in the request is invalid.)"},
		{"valid key", "", "Bucket bk2 exists but these credentials may not access it (403 Forbidden)"},
		{"STS refuses the call, not the key", "AccessDenied", "Bucket bk2 exists but these credentials may not access it (403 Forbidden)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := fakeaws.New()
			r := twoBuckets(f)
			f.Hook = func(_ context.Context, op string, n int) error {
				switch {
				case op == "HeadBucket" && n == 1:
					return httpErr(403)
				case op == "GetCallerIdentity" && tc.stsCode != "":
					return fakeaws.APIError(tc.stsCode, "The security token included in the request is invalid.")
				}
				return nil
			}
			h := newHarness(t, f)
			_, err := h.create(context.Background(), r)
			if got := awsclient.ErrorMessage(err); got != tc.want {
				t.Errorf("error %q, want %q", got, tc.want)
			}
			eq(t, "mutations", f.Mutations(), []string(nil))
		})
	}
}
