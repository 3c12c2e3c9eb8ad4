package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
	"github.com/spf13/cobra"
)

// docs/commands/ holds one page per command, generated from the commands
// themselves so it cannot drift: this test fails when a page is stale, and
// `go test ./internal/cli -run TestCommandDocs -update` rewrites them.
func TestCommandDocs(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(moduleRoot(t), "docs", "commands")
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

	if testenv.Updating() {
		os.MkdirAll(dir, 0o755)
		old, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		for _, p := range old {
			os.Remove(p)
		}
		for name, text := range pages {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return
	}
	for name, want := range pages {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil || string(got) != want {
			t.Errorf("docs/commands/%s is missing or stale: go test ./internal/cli -run TestCommandDocs -update", name)
		}
	}
	existing, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, p := range existing {
		if _, ok := pages[filepath.Base(p)]; !ok {
			t.Errorf("%s documents no command: go test ./internal/cli -run TestCommandDocs -update", p)
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
