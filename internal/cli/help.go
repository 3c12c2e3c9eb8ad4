package cli

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// flagGroupAnnotation marks the common AWS flags so help lists them apart
// from the options of the command itself.
const flagGroupAnnotation = "s3-credentials/group"

func init() {
	cobra.AddTemplateFunc("commandFlagUsages", func(c *cobra.Command) string {
		return flagUsages(c, false)
	})
	cobra.AddTemplateFunc("awsFlagUsages", func(c *cobra.Command) string {
		return flagUsages(c, true)
	})
}

func flagUsages(c *cobra.Command, aws bool) string {
	set := pflag.NewFlagSet(c.Name(), pflag.ContinueOnError)
	c.LocalFlags().VisitAll(func(f *pflag.Flag) {
		if _, isAWS := f.Annotations[flagGroupAnnotation]; isAWS == aws {
			set.AddFlag(f)
		}
	})
	return set.FlagUsages()
}

// usageTemplate is cobra's default with the commands in their groups and
// the common AWS options in a section of their own.
const usageTemplate = `Usage:{{if .Runnable}}
  {{.UseLine}}{{end}}{{if .HasAvailableSubCommands}}
  {{.CommandPath}} [command]{{end}}{{if gt (len .Aliases) 0}}

Aliases:
  {{.NameAndAliases}}{{end}}{{if .HasExample}}

Examples:
{{.Example}}{{end}}{{if .HasAvailableSubCommands}}

{{$cmds := .Commands}}{{range $i, $group := .Groups}}{{if $i}}

{{end}}{{.Title}}{{range $cmds}}{{if (and (eq .GroupID $group.ID) .IsAvailableCommand)}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{if not .AllChildCommandsHaveGroup}}

Other commands:{{range $cmds}}{{if (and (eq .GroupID "") (or .IsAvailableCommand (eq .Name "help")))}}
  {{rpad .Name .NamePadding }} {{.Short}}{{end}}{{end}}{{end}}{{end}}{{if .HasAvailableLocalFlags}}

Options:
{{commandFlagUsages . | trimTrailingWhitespaces}}{{$aws := awsFlagUsages .}}{{if $aws}}

AWS options:
{{$aws | trimTrailingWhitespaces}}{{end}}{{end}}{{if .HasAvailableSubCommands}}

Use "{{.CommandPath}} [command] --help" for more information about a command.{{end}}
`
