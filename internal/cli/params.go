package cli

import (
	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/input"
	"github.com/s3-credentials/s3-credentials/internal/pyjson"
	"github.com/s3-credentials/s3-credentials/policy"
)

// Helpers that turn raw flag values into checked ones, with click's
// "Invalid value for ..." usage errors.

func parseStatements(cmd *cobra.Command, raw []string) ([]policy.Statement, error) {
	var out []policy.Statement
	for _, s := range raw {
		m, err := input.ParseStatement(s)
		if err != nil {
			return nil, badParam(cmd, "statement", err.Error())
		}
		// Kept as given, member order included.
		out = append(out, policy.RawStatement(pyjson.EncodeCompact(m)))
	}
	return out, nil
}

func parseDuration(cmd *cobra.Command, raw string) (int, error) {
	n, err := input.ParseDuration(raw)
	if err != nil {
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
