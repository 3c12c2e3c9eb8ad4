package cli

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/s3-credentials/s3-credentials/internal/message"
)

// UsageError is a mistake in how the command was called: exit code 2 and a
// usage hint, as click does.
type UsageError struct {
	Cmd *cobra.Command
	Msg string
}

func (e *UsageError) Error() string { return e.Msg }

func usageErrorf(cmd *cobra.Command, format string, args ...any) error {
	return &UsageError{Cmd: cmd, Msg: fmt.Sprintf(format, args...)}
}

// badParam reports an invalid option value the way click words it.
func badParam(cmd *cobra.Command, flag, msg string) error {
	return usageErrorf(cmd, "Invalid value for %s: %s", flagLabel(cmd, flag), msg)
}

// flagLabel renders a flag as click names it: '-d' / '--duration'.
func flagLabel(cmd *cobra.Command, name string) string {
	fl := cmd.Flags().Lookup(name)
	if fl != nil && fl.Shorthand != "" {
		return fmt.Sprintf("'-%s' / '--%s'", fl.Shorthand, name)
	}
	return fmt.Sprintf("'--%s'", name)
}

var (
	reUnknownFlag      = regexp.MustCompile(`^unknown flag: (\S+)`)
	reUnknownShorthand = regexp.MustCompile(`^unknown shorthand flag: '(.)'`)
	reNeedsArg         = regexp.MustCompile(`^flag needs an argument: '?(.)'? in -|^flag needs an argument: (--\S+)`)
	reInvalidArg       = regexp.MustCompile(`^invalid argument "(.*)" for "(?:-(.), )?--([^"]+)" flag`)
)

// flagError turns pflag's messages into click's wording, as a usage error.
func flagError(cmd *cobra.Command, err error) error {
	msg := err.Error()
	switch {
	case reUnknownFlag.MatchString(msg):
		return usageErrorf(cmd, "No such option '%s'.", reUnknownFlag.FindStringSubmatch(msg)[1])
	case reUnknownShorthand.MatchString(msg):
		return usageErrorf(cmd, "No such option '-%s'.", reUnknownShorthand.FindStringSubmatch(msg)[1])
	case reNeedsArg.MatchString(msg):
		m := reNeedsArg.FindStringSubmatch(msg)
		name := m[2]
		if m[1] != "" {
			name = "-" + m[1]
		}
		return usageErrorf(cmd, "Option '%s' requires an argument.", name)
	case reInvalidArg.MatchString(msg):
		m := reInvalidArg.FindStringSubmatch(msg)
		kind := "value"
		if fl := cmd.Flags().Lookup(m[3]); fl != nil {
			switch fl.Value.Type() {
			case "int", "int64", "int32", "uint":
				kind = "integer"
			case "bool":
				kind = "boolean"
			case "seconds":
				// A length of time says itself what is wrong with it.
				if _, reason, ok := strings.Cut(msg, `" flag: `); ok {
					return badParam(cmd, m[3], reason+".")
				}
			}
		}
		return badParam(cmd, m[3], fmt.Sprintf("'%s' is not a valid %s.", m[1], kind))
	}
	return usageErrorf(cmd, "%s", strings.TrimSuffix(msg, "."))
}

// Argument validators with click's messages.

func requireArgs(name string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == 0 {
			return usageErrorf(cmd, "Missing argument '%s'.", name)
		}
		return nil
	}
}

func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return usageErrorf(cmd, "Missing argument '%s'.", names[len(args)])
		}
		if len(args) > len(names) {
			return usageErrorf(cmd, "Got unexpected extra argument%s (%s)", message.S(len(args)-len(names)), strings.Join(args[len(names):], " "))
		}
		return nil
	}
}

// minArgs requires the named leading arguments and allows more after them.
func minArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < len(names) {
			return usageErrorf(cmd, "Missing argument '%s'.", names[len(args)])
		}
		return nil
	}
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usageErrorf(cmd, "Got unexpected extra argument%s (%s)", message.S(len(args)), strings.Join(args, " "))
	}
	return nil
}
