package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/spf13/cobra"

	"github.com/spf13/cobra/doc"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// docs/commands/ holds one page per command and docs/man/ one man page per
// command, both generated from the commands themselves so they cannot drift:
// this test fails when a page is stale, and
// `go test ./internal/cli -run TestCommandDocs -update` rewrites them.
func TestCommandDocs(t *testing.T) {
	t.Parallel()
	root := NewRootCmd(NewFactory(&IOStreams{}))
	pages := map[string]string{}
	var index bytes.Buffer
	index.WriteString("# Commands\n\nGenerated from the commands' own help; do not edit by hand.\n\n| command | what it does |\n|---|---|\n")
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			continue
		}
		pages[c.Name()+".md"] = commandPage(t, c)
		fmt.Fprintf(&index, "| [%s](%s.md) | %s |\n", c.Name(), c.Name(), c.Short)
	}
	pages["README.md"] = index.String()
	keepPages(t, "docs/commands", "*.md", pages)
	keepPages(t, "docs/man", "*.1", manPages(t))
}

// keepPages compares the files matching glob in dir (relative to the module
// root) with pages, or rewrites them with -update.
func keepPages(t *testing.T, dir, glob string, pages map[string]string) {
	t.Helper()
	abs := filepath.Join(moduleRoot(t), filepath.FromSlash(dir))
	if testenv.Updating() {
		noErr(t, os.MkdirAll(abs, 0o755))
		old, _ := filepath.Glob(filepath.Join(abs, glob))
		for _, p := range old {
			os.Remove(p)
		}
		for name, text := range pages {
			noErr(t, os.WriteFile(filepath.Join(abs, name), []byte(text), 0o644))
		}
		return
	}
	for name, want := range pages {
		got, err := os.ReadFile(filepath.Join(abs, name))
		if err != nil || string(got) != want {
			t.Errorf("%s/%s is missing or stale: go test ./internal/cli -run TestCommandDocs -update", dir, name)
		}
	}
	existing, _ := filepath.Glob(filepath.Join(abs, glob))
	for _, p := range existing {
		if _, ok := pages[filepath.Base(p)]; !ok {
			t.Errorf("%s/%s documents no command: go test ./internal/cli -run TestCommandDocs -update", dir, filepath.Base(p))
		}
	}
}

func commandPage(t *testing.T, c *cobra.Command) string {
	r := run(t, "", c.Name(), "--help")
	if r.Code != 0 {
		t.Fatalf("%s --help: exit %d", c.Name(), r.Code)
	}
	return fmt.Sprintf("# s3-credentials %s\n\n%s\n\n```\n%s```\n", c.Name(), c.Short, r.Stdout)
}

// thDate is the date field of a man page's .TH line.
var thDate = regexp.MustCompile(`(?m)^(\.TH "[^"]*" "[^"]*" )"[^"]*"`)

// manPages renders one man page per command (completion and its shells
// included, as the binary has them) with cobra's generator. The pages carry
// no date and no version, so they change only when a command does: the
// generator's "Auto generated" history line is off, and the date it always
// writes into the .TH line is blanked.
func manPages(t *testing.T) map[string]string {
	t.Helper()
	root := NewRootCmd(NewFactory(&IOStreams{}))
	root.InitDefaultVersionFlag()
	root.InitDefaultCompletionCmd()
	var noAutoGen func(*cobra.Command)
	noAutoGen = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		for _, sub := range c.Commands() {
			noAutoGen(sub)
		}
	}
	noAutoGen(root)

	dir := t.TempDir()
	header := &doc.GenManHeader{Section: "1", Source: "s3-credentials", Manual: "s3-credentials manual"}
	noErr(t, doc.GenManTree(root, header, dir))
	files, _ := filepath.Glob(filepath.Join(dir, "*.1"))
	pages := map[string]string{}
	for _, p := range files {
		b := must(os.ReadFile(p)).ok(t)
		if !thDate.Match(b) {
			t.Fatalf("%s: no .TH line to take the date out of:\n%s", filepath.Base(p), b)
		}
		pages[filepath.Base(p)] = string(thDate.ReplaceAll(b, []byte(`$1""`)))
	}
	if len(pages) < len(root.Commands()) {
		t.Fatalf("%d man pages for %d commands", len(pages), len(root.Commands()))
	}
	return pages
}

func moduleRoot(t *testing.T) string {
	dir, _ := os.Getwd()
	for !fileExists(filepath.Join(dir, "go.mod")) {
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found")
		}
		dir = parent
	}
	return dir
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
