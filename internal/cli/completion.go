package cli

import (
	"context"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/listing"
)

// Shell completion of bucket and user names, asked of AWS only where that
// is one cheap call: ListBuckets, or the first page of ListUsers.

// completionTimeout bounds the AWS call behind a <TAB>: a slow network must
// not hang the shell.
const completionTimeout = 3 * time.Second

// completeBuckets completes bucket names for the first argument, or every
// argument when repeat.
func completeBuckets(f *Factory, repeat bool) cobra.CompletionFunc {
	return completeFrom(f, bucketNames, repeat)
}

// completeBucketsAfterName completes bucket names for every argument but
// the first, a name of the user's choosing (create-role NAME BUCKETS...).
func completeBucketsAfterName(f *Factory) cobra.CompletionFunc {
	buckets := completeFrom(f, bucketNames, true)
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return buckets(cmd, args[1:], toComplete)
	}
}

// completeUsers completes IAM user names likewise.
func completeUsers(f *Factory, repeat bool) cobra.CompletionFunc {
	return completeFrom(f, userNames, repeat)
}

func completeFrom(f *Factory, list func(context.Context, *Factory) ([]string, error), repeat bool) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		if len(args) > 0 && !repeat {
			return nil, cobra.ShellCompDirectiveDefault
		}
		ctx, cancel := context.WithTimeout(cmd.Context(), completionTimeout)
		defer cancel()
		names, err := list(ctx, f)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		seen := map[string]bool{}
		for _, a := range args {
			seen[a] = true
		}
		var out []string
		for _, n := range names {
			if strings.HasPrefix(n, toComplete) && !seen[n] {
				out = append(out, n)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

func bucketNames(ctx context.Context, f *Factory) ([]string, error) {
	c, err := f.Clients(ctx)
	if err != nil {
		return nil, err
	}
	return listing.BucketNames(ctx, c.S3)
}

func userNames(ctx context.Context, f *Factory) ([]string, error) {
	c, err := f.Clients(ctx)
	if err != nil {
		return nil, err
	}
	return listing.UserNames(ctx, c.IAM)
}
