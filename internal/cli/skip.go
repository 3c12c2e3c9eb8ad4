package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/objects"
)

// skipFlags are put-objects' and get-objects' --skip and --skip-hash.
type skipFlags struct{ size, hash bool }

// add registers the flags; where names the destination ("object in the
// bucket", "local file").
func (s *skipFlags) add(cmd *cobra.Command, what, where string) {
	cmd.Flags().BoolVar(&s.size, "skip", false, fmt.Sprintf("Leave out %s whose %s has the same size", what, where))
	cmd.Flags().BoolVar(&s.hash, "skip-hash", false, fmt.Sprintf("Leave out %s whose %s has the same MD5", what, where))
}

func (s *skipFlags) mode(cmd *cobra.Command) (objects.SkipMode, error) {
	switch {
	case s.size && s.hash:
		return 0, usageErrorf(cmd, "Use only one of --skip and --skip-hash")
	case s.size:
		return objects.SkipSize, nil
	case s.hash:
		return objects.SkipHash, nil
	}
	return objects.SkipNone, nil
}

// skipTally counts what was left out and says why some were compared by
// size alone.
type skipTally struct {
	mode     objects.SkipMode
	bucket   string
	skipped  int
	sizeOnly []string // lines for stderr
}

func (t *skipTally) add(key string, v objects.Verdict) {
	if !v.Skip {
		return
	}
	t.skipped++
	if v.SizeOnly != "" {
		t.sizeOnly = append(t.sizeOnly, fmt.Sprintf("Compared by size only: s3://%s/%s (%s)", t.bucket, key, v.SizeOnly))
	}
}

// why is how a left-out transfer matched, for dry-run lines.
func (t *skipTally) why(v objects.Verdict) string {
	if t.mode == objects.SkipHash && v.SizeOnly == "" {
		return "same MD5"
	}
	return "same size"
}

// report writes the size-only lines and, unless silent, the summary
// ("Skipped 3 files that are already there (same size)").
func (t *skipTally) report(w io.Writer, silent, dryRun bool) {
	if t.mode == objects.SkipNone {
		return
	}
	for _, line := range t.sizeOnly {
		fmt.Fprintln(w, line)
	}
	if silent {
		return
	}
	verb, that := "Skipped", "files that are"
	if dryRun {
		verb = "Would skip"
	}
	if t.skipped == 1 {
		that = "file that is"
	}
	how := "same size"
	if t.mode == objects.SkipHash {
		how = "same MD5"
		if n := len(t.sizeOnly); n > 0 {
			how += fmt.Sprintf("; %d compared by size only", n)
		}
	}
	fmt.Fprintf(w, "%s %d %s already there (%s)\n", verb, t.skipped, that, how)
}
