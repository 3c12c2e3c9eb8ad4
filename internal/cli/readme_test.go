package cli

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
	"github.com/spf13/pflag"
)

// Checks that the README and docs say what the project does.

// The Go version the README asks for is the one go.mod needs.
func TestREADMEGoVersionIsGoMods(t *testing.T) {
	root := moduleRoot(t)
	mod := must(os.ReadFile(filepath.Join(root, "go.mod"))).ok(t)
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(mod)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	readme := readDoc(t, filepath.Join(root, "README.md"))
	said := regexp.MustCompile(`Go (\d+\.\d+(?:\.\d+)?) or newer`).FindAllStringSubmatch(readme, -1)
	if len(said) == 0 {
		t.Fatal("README names no Go version")
	}
	for _, s := range said {
		if s[1] != string(m[1]) {
			t.Errorf("README says Go %s, go.mod needs %s", s[1], m[1])
		}
	}
}

// The README shows what credentials look like, with the members create
// prints, in its order, and values that are obviously not real.
func TestREADMEShowsCredentials(t *testing.T) {
	readme := readDoc(t, filepath.Join(moduleRoot(t), "README.md"))
	examples := jsonBlocks(readme)
	// The goldens are files of create's output scenario script.
	ar := must(txtar.ParseFile(filepath.Join(pkgDir, "testdata", "script", "create_output.txtar"))).ok(t)
	for _, golden := range []string{"create-new-bucket.out", "create-duration.out"} {
		i := slices.IndexFunc(ar.Files, func(f txtar.File) bool { return f.Name == golden })
		if i < 0 {
			t.Fatalf("create_output.txtar has no %s", golden)
		}
		want := jsonKeys(t, string(ar.Files[i].Data))
		found := false
		for _, ex := range examples {
			if slices.Equal(jsonKeys(t, ex), want) {
				found = true
				for _, v := range regexp.MustCompile(`"(AKIA|ASIA)[^"]*"`).FindAllString(ex, -1) {
					if !strings.Contains(v, "EXAMPLE") {
						t.Errorf("the example key %s does not say it is an example", v)
					}
				}
			}
		}
		if !found {
			t.Errorf("README has no example of credentials with the members of %s: %v", golden, want)
		}
	}
}

// A table is one block of rows: a blank line inside it ends it, and the
// rows after it are shown as text.
func TestMarkdownTablesAreWhole(t *testing.T) {
	root := moduleRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append(files, filepath.Join(root, "README.md"), filepath.Join(root, "CONTRIBUTING.md"))
	for _, f := range files {
		lines := strings.Split(readDoc(t, f), "\n")
		for i, line := range lines {
			startsTable := strings.HasPrefix(line, "|") && (i == 0 || !strings.HasPrefix(lines[i-1], "|"))
			if !startsTable {
				continue
			}
			if i+1 >= len(lines) || !regexp.MustCompile(`^\|[ :|-]+\|$`).MatchString(lines[i+1]) {
				rel, _ := filepath.Rel(root, f)
				t.Errorf("%s:%d: a table without a header row (a blank line splits a table?): %q", rel, i+1, line)
			}
		}
	}
}

func readDoc(t *testing.T, path string) string {
	t.Helper()
	b := must(os.ReadFile(path)).ok(t)
	return string(b)
}

// jsonBlocks are the JSON objects in indented code blocks.
func jsonBlocks(doc string) []string {
	var out []string
	var cur *strings.Builder
	sc := bufio.NewScanner(strings.NewReader(doc))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "    {":
			cur = &strings.Builder{}
			cur.WriteString("{\n")
		case cur != nil && line == "    }":
			cur.WriteString("}\n")
			out = append(out, cur.String())
			cur = nil
		case cur != nil:
			cur.WriteString(strings.TrimPrefix(line, "    ") + "\n")
		}
	}
	return out
}

// jsonKeys are the members of a JSON object, in order.
func jsonKeys(t *testing.T, text string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(text))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %.80s", text)
	}
	var keys []string
	for dec.More() {
		k := must(dec.Token()).ok(t)
		keys = append(keys, k.(string))
		var v json.RawMessage
		noErr(t, dec.Decode(&v))
	}
	return keys
}

// What delete-user removes is named in full in its help; prune's help and
// docs/lifecycle.md name the same kinds, as what makes prune leave a user
// alone: users made by other tools hold more than keys and policies.
func TestDeleteUserDocsNameEverythingItRemoves(t *testing.T) {
	kinds := []string{"inline policies", "access keys", "attached", "group memberships", "login profile", "MFA devices", "SSH public keys", "signing certificates"}
	root := NewRootCmd(NewFactory(&IOStreams{}))
	texts := map[string]string{"docs/lifecycle.md": readDoc(t, filepath.Join(moduleRoot(t), "docs", "lifecycle.md"))}
	for _, name := range []string{"prune", "delete-user"} {
		c, _, err := root.Find([]string{name})
		if err != nil {
			t.Fatal(err)
		}
		texts[name+" --help"] = strings.Join(strings.Fields(c.Long), " ")
	}
	texts["docs/lifecycle.md"] = strings.Join(strings.Fields(texts["docs/lifecycle.md"]), " ")
	for where, text := range texts {
		for _, k := range kinds {
			if !strings.Contains(text, k) {
				t.Errorf("%s does not name %s", where, k)
			}
		}
	}
}

// The synopsis at the top of docs/rotate-key.md names every option of
// rotate-key but the common AWS ones, and every --format.
func TestRotateKeySynopsisNamesEveryOption(t *testing.T) {
	doc := readDoc(t, filepath.Join(moduleRoot(t), "docs", "rotate-key.md"))
	var synopsis []string
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "    s3-credentials rotate-key") || len(synopsis) > 0 && strings.HasPrefix(l, "        ") {
			synopsis = append(synopsis, l)
		} else if len(synopsis) > 0 {
			break
		}
	}
	text := strings.Join(synopsis, " ")
	root := NewRootCmd(NewFactory(&IOStreams{}))
	c, _, err := root.Find([]string{"rotate-key"})
	if err != nil {
		t.Fatal(err)
	}
	c.Flags().VisitAll(func(fl *pflag.Flag) {
		if _, aws := fl.Annotations[flagGroupAnnotation]; aws || fl.Name == "help" {
			return
		}
		if !strings.Contains(text, "--"+fl.Name) && (fl.Shorthand == "" || !strings.Contains(text, "-"+fl.Shorthand+" ")) {
			t.Errorf("the synopsis lacks --%s: %s", fl.Name, text)
		}
	})
	if !strings.Contains(text, strings.Join(credentialFormats, "|")) {
		t.Errorf("the synopsis lacks the formats %v: %s", credentialFormats, text)
	}
}

// The README's layout map names every package of the module (a folder
// holding non-test Go files), so a newcomer finds each one there.
func TestREADMELayoutNamesEveryPackage(t *testing.T) {
	root := moduleRoot(t)
	readme := readDoc(t, filepath.Join(root, "README.md"))
	start := strings.Index(readme, "## Layout")
	if start < 0 {
		t.Fatal("README.md has no Layout section")
	}
	layout := readme[start:]
	if end := strings.Index(layout[3:], "\n## "); end >= 0 {
		layout = layout[:end+3]
	}
	// The map indents a package below its parent: "internal/pycompat/"
	// then "  pyjson/".
	var named []string
	parent := ""
	for _, line := range strings.Split(layout, "\n") {
		if !strings.HasPrefix(line, "    ") {
			continue
		}
		f := strings.Fields(line)
		if len(f) == 0 || !strings.HasSuffix(f[0], "/") {
			continue
		}
		if strings.HasPrefix(line, "      ") && parent != "" {
			named = append(named, parent+strings.TrimSuffix(f[0], "/"))
			continue
		}
		parent = f[0]
		named = append(named, strings.TrimSuffix(f[0], "/"))
	}
	covers := func(dir string) bool {
		for _, n := range named {
			// A package's line covers it; bench/ and test/ lines cover
			// what is below them (tools, suites).
			if dir == n || (!strings.HasPrefix(n, "internal") && strings.HasPrefix(dir, n+"/")) {
				return true
			}
		}
		return false
	}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		dir := filepath.ToSlash(rel)
		// A tool under a package's own internal/ (a generator) is part
		// of that package.
		if i := strings.Index(dir, "/internal/"); i >= 0 {
			dir = dir[:i]
		}
		if !covers(dir) {
			t.Errorf("README.md's layout map does not name %s/", dir)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
