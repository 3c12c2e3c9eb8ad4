package cli

import (
	"strings"
	"testing"
)

// Tags that create --tag sets are shown by list-users --tags and
// list-buckets --tags (ListUsers and ListBuckets leave them out).
func TestListTags(t *testing.T) {
	t.Parallel()
	e := newE2E(t)
	e.ok("create", "tag-list-bucket", "-c", "--tag", "team=data")
	e.ok("create", "plain-bucket", "-c")

	r := e.ok("list-users", "--tags", "--nl")
	lines := strings.Split(strings.TrimSpace(r.Stdout), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 users, got %q", r.Stdout)
	}
	for _, l := range lines {
		switch {
		case strings.Contains(l, `"UserName": "s3.read-write.tag-list-bucket"`):
			// --tag's, then the tool's own: the user and its key are its.
			if !strings.Contains(l, `"Tags": [{"Key": "team", "Value": "data"}, {"Key": "s3-credentials:created", "Value": "`) ||
				!strings.Contains(l, `{"Key": "s3-credentials:key:AKIA`) {
				t.Errorf("tagged user: %s", l)
			}
		case strings.Contains(l, `"UserName": "s3.read-write.plain-bucket"`):
			if !strings.Contains(l, `"Tags": [{"Key": "s3-credentials:created", "Value": "`) || strings.Contains(l, "team") {
				t.Errorf("untagged user: %s", l)
			}
		default:
			t.Errorf("unexpected user %s", l)
		}
	}
	// Without --tags the output is the reference's: no Tags member.
	if r := e.ok("list-users", "--nl"); strings.Contains(r.Stdout, "Tags") {
		t.Errorf("Tags without --tags: %s", r.Stdout)
	}

	r = e.ok("list-buckets", "--tags", "--csv")
	want := "Name,CreationDate,tags\r\n"
	if !strings.HasPrefix(r.Stdout, want) || !strings.Contains(r.Stdout, "plain-bucket,") ||
		!strings.Contains(r.Stdout, "tag-list-bucket,") || !strings.Contains(r.Stdout, `""Key"": ""team""`) {
		t.Errorf("list-buckets --tags --csv:\n%q", r.Stdout)
	}
}
