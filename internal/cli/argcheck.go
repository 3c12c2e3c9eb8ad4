package cli

import (
	"errors"
	"slices"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/s3-credentials/s3-credentials/internal/credentials"
	"github.com/s3-credentials/s3-credentials/internal/names"
	"github.com/s3-credentials/s3-credentials/policy"
)

// Positional arguments are checked by their names, as each command's Use
// line writes them, before the command runs: every BUCKET of every command
// gets the same check, and no request is ever sent for a name AWS could not
// hold. An invalid value is a usage error, worded as click words it:
// "Invalid value for 'BUCKET': the bucket name is empty."

// argChecks maps an argument name, without brackets, dots or plural S
// (argBase), to the check each of its values must pass. nil leaves the
// value to the command (file paths are checked when opened). Every name
// used by a command must be here (TestEveryArgumentNameHasACheck).
var argChecks = map[string]func(string) error{
	"BUCKET":    names.CheckBucketName,
	"KEY":       names.CheckKey,
	"USERNAME":  names.CheckUserName,
	"ROLE_NAME": names.CheckRoleNameOrARN,
	"PATH":      nil,
	"OBJECT":    nil,
	"POLICY":    nil, // a file, - or the JSON itself; check-policy reports what is wrong with it
}

// argBase is an argument's name without brackets, dots or plural S:
// "[KEYS]..." checks as KEY.
func argBase(name string) string {
	return strings.TrimSuffix(strings.ToUpper(strings.Trim(name, "[].")), "S")
}

// argNames are the argument names in a command's Use line.
func argNames(c *cobra.Command) []string { return strings.Fields(c.Use)[1:] }

// argNameAt is the name of the i-th argument: its own, or that of the last
// one when that takes many ("BUCKETS...").
func argNameAt(names []string, i int) string {
	if i < len(names) {
		return names[i]
	}
	if n := len(names); n > 0 && strings.HasSuffix(names[n-1], "...") {
		return names[n-1]
	}
	return ""
}

// checkArgs wraps the argument validators of every command below root:
// first the command's own (how many), then the check of each argument's
// name.
func checkArgs(root *cobra.Command) {
	for _, c := range root.Commands() {
		if c.HasSubCommands() {
			checkArgs(c)
			continue
		}
		count, names := c.Args, argNames(c)
		c.Args = func(cmd *cobra.Command, args []string) error {
			if count != nil {
				if err := count(cmd, args); err != nil {
					return err
				}
			}
			for i, a := range args {
				name := argNameAt(names, i)
				if check := argChecks[argBase(name)]; check != nil {
					if err := check(a); err != nil {
						return invalidArg(cmd, name, err)
					}
				}
			}
			return checkStdinReaders(cmd, args)
		}
	}
}

// stdinAnnotation marks a flag whose value "-" reads standard input, or,
// on a command, the name of the argument for which "-" does.
const stdinAnnotation = "s3-credentials/reads-stdin"

// readsStdin marks flag as one whose value "-" reads standard input.
func readsStdin(cmd *cobra.Command, flag string) {
	_ = cmd.Flags().SetAnnotation(flag, stdinAnnotation, []string{"true"})
}

// checkStdinReaders refuses two options that both read standard input
// ("-a - --policy -"): the first would read it all, leaving the second
// nothing, or its text where the other's belongs.
func checkStdinReaders(cmd *cobra.Command, args []string) error {
	var readers []string
	cmd.Flags().Visit(func(fl *pflag.Flag) {
		if _, ok := fl.Annotations[stdinAnnotation]; ok && fl.Value.String() == "-" {
			readers = append(readers, "--"+fl.Name)
		}
	})
	if arg := cmd.Annotations[stdinAnnotation]; arg != "" {
		names := argNames(cmd)
		for i, a := range args {
			if a == "-" && argNameAt(names, i) == arg {
				readers = append(readers, arg)
			}
		}
	}
	switch {
	case len(readers) == 2:
		return usageErrorf(cmd, "%s and %s both read standard input, which can be read only once; give one of them a file", readers[0], readers[1])
	case len(readers) > 2:
		return usageErrorf(cmd, "%s all read standard input, which can be read only once; give all but one of them a file", strings.Join(readers, ", "))
	}
	return nil
}

// invalidArg is click's usage error for a bad argument value.
func invalidArg(cmd *cobra.Command, name string, err error) error {
	return usageErrorf(cmd, "Invalid value for '%s': %s.", name, err)
}

// requestUsage turns what the work refused before any change into usage
// errors (exit 2): a bucket name that cannot be a new bucket's, worded as
// the argument check words it, so that the dry run and the real run of
// create word it alike; a limit (--source-ip, --expires) that cannot be
// added to a statement.
func requestUsage(cmd *cobra.Command, err error) error {
	var bad *names.BucketNameError
	if errors.As(err, &bad) {
		return invalidArg(cmd, argNames(cmd)[0], bad)
	}
	var limit *policy.LimitError
	if errors.As(err, &limit) {
		return usageErrorf(cmd, "%s.", limit)
	}
	return err
}

// checkPrefixes refuses --prefix values that would not narrow anything
// (an empty prefix means the whole bucket) or that no key could match.
func checkPrefixes(cmd *cobra.Command, prefixes []string) error {
	for _, p := range prefixes {
		if err := names.CheckPrefix(p); err != nil {
			return badParam(cmd, "prefix", err.Error()+".")
		}
	}
	return nil
}

// parseTags reads the --tag values, refusing repeated keys.
func parseTags(cmd *cobra.Command, raw []string) ([]credentials.Tag, error) {
	tags, err := credentials.ParseTags(raw)
	if err != nil {
		return nil, badParam(cmd, "tag", err.Error()+".")
	}
	return tags, nil
}

// The shells cobra writes completion scripts for.
var completionShells = []string{"bash", "fish", "powershell", "zsh"}

// strictCompletion makes `completion SHELL` refuse a shell it has no script
// for: cobra's command printed its help and exited 0.
func strictCompletion(root *cobra.Command) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() != "completion" {
			continue
		}
		c.Args = func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && !slices.Contains(completionShells, args[0]) {
				return usageErrorf(cmd, "Invalid value for 'SHELL': %s is not one of '%s'.", names.Quote(args[0]), strings.Join(completionShells, "', '"))
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, args []string) error { return cmd.Help() }
	}
}
