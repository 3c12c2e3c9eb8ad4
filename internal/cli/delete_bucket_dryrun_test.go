package cli

import (
	"strings"
	"testing"
)

// `delete-bucket B --dry-run` on a bucket that is not empty stopped with
// "use --force"; it shows what --force would delete, and exits 0.
func TestDeleteBucketDryRunWithoutForce(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(e *e2e)
	}{
		{"plain", func(e *e2e) { e.makeBucket("doomed"); e.putObjects("doomed", "one.txt", "two.txt") }},
		{"versioned", func(e *e2e) { e.makeVersioned("doomed") }},
		{"uploads", func(e *e2e) { e.makeBucket("doomed"); e.startUpload("doomed", "big.bin") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newE2E(t)
			tc.setup(e)
			before := e.versionCount("doomed")
			r := e.ok("delete-bucket", "doomed", "--dry-run")
			golden(t, "delete-bucket/dry-run-no-force-"+tc.name+".stdout", r.Stdout)
			if r.Stderr != "" {
				t.Errorf("stderr %q", r.Stderr)
			}
			// The lines after the first are those of --force --dry-run.
			force := e.ok("delete-bucket", "doomed", "--dry-run", "--force")
			if _, rest, _ := strings.Cut(r.Stdout, "\n"); rest != force.Stdout {
				t.Errorf("without --force:\n%s\nwith --force:\n%s", r.Stdout, force.Stdout)
			}
			if !e.bucketExists("doomed") || e.versionCount("doomed") != before {
				t.Error("dry run changed the bucket")
			}
		})
	}
}
