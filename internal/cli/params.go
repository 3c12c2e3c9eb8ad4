package cli

import (
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/flagvalue"
	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
	"github.com/s3-credentials/s3-credentials/internal/timespec"
	"github.com/s3-credentials/s3-credentials/policy"
)

// Helpers that turn raw flag values into checked ones, with click's
// "Invalid value for ..." usage errors.

func parseStatements(cmd *cobra.Command, raw []string) ([]policy.Statement, error) {
	var out []policy.Statement
	for _, s := range raw {
		m, err := flagvalue.ParseStatement(s)
		if err != nil {
			return nil, badParam(cmd, "statement", err.Error())
		}
		// Kept as given, member order included.
		out = append(out, policy.RawStatement(pyjson.EncodeCompact(m)))
	}
	return out, nil
}

// AssumeRole's bounds on --duration, as the tool allows them.
const (
	minSessionLength = 15 * time.Minute
	maxSessionLength = 12 * time.Hour
)

// parseDuration reads --duration into seconds, with the reference's words
// for a value that is no length of time or out of its bounds.
func parseDuration(cmd *cobra.Command, raw string) (int, error) {
	n, err := timespec.Seconds(raw, minSessionLength, maxSessionLength)
	var syntax *timespec.SyntaxError
	var bounds *timespec.RangeError
	switch {
	case errors.As(err, &syntax):
		return 0, badParam(cmd, "duration", "Duration must be of form 3600s or 15m or 2h")
	case errors.As(err, &bounds):
		return 0, badParam(cmd, "duration", "Duration must be between 15 minutes and 12 hours")
	case err != nil:
		return 0, badParam(cmd, "duration", err.Error())
	}
	return n, nil
}

// permission resolves --read-only/--write-only.
func permission(readOnly, writeOnly bool) (policy.Permission, error) {
	switch {
	case readOnly && writeOnly:
		return "", errReadWriteConflict
	case readOnly:
		return policy.ReadOnly, nil
	case writeOnly:
		return policy.WriteOnly, nil
	}
	return policy.ReadWrite, nil
}

type stringError string

func (e stringError) Error() string { return string(e) }

const errReadWriteConflict = stringError("Cannot use --read-only and --write-only at the same time")

// maxKeyBytes is the longest object key S3 accepts.
const maxKeyBytes = 1024

// parseKeys checks --key values: exact object keys, so neither empty nor
// longer than S3 allows, and UTF-8 (a policy could not name them otherwise).
func parseKeys(cmd *cobra.Command, raw []string) ([]string, error) {
	for _, k := range raw {
		switch {
		case k == "":
			return nil, badParam(cmd, "key", "the key must not be empty (use --prefix for a whole bucket or a prefix).")
		case !utf8.ValidString(k):
			return nil, badParam(cmd, "key", fmt.Sprintf("%q is not valid UTF-8, which S3 keys must be.", k))
		case len(k) > maxKeyBytes:
			return nil, badParam(cmd, "key", fmt.Sprintf("the key is %d bytes long; S3 keys are at most %d.", len(k), maxKeyBytes))
		}
	}
	return raw, nil
}

// keyFlagHelp is the help of --key wherever it grants access.
const keyFlagHelp = "Restrict to exactly this object key; *, ? and $ in it are matched literally (repeatable; may be combined with --prefix)"
