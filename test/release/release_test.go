// Package release tests the release build that .goreleaser.yaml describes:
// its archives and packages hold what they should, their checksums are
// right, and the linux/amd64 binary in them runs and says which version and
// commit it is.
//
// By default the tests build a snapshot of the linux/amd64 target alone (a
// full one takes too long for every test run) into a temporary directory,
// through scripts/release-snapshot.sh with a configuration derived from
// .goreleaser.yaml. With S3C_RELEASE_DIST=DIR they check a full snapshot
// already in DIR instead: scripts/release-snapshot.sh does that after
// building one.
package release

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"debug/elf"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/s3-credentials/s3-credentials/internal/cli"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

func TestMain(m *testing.M) {
	testenv.IsolateAWSEnv("")
	code := testenv.Run(m)
	for _, fn := range cleanups {
		fn()
	}
	os.Exit(code)
}

// targets are the os/arch pairs .goreleaser.yaml builds.
var targets = []string{"darwin/amd64", "darwin/arm64", "linux/amd64", "linux/arm64", "windows/amd64", "windows/arm64"}

// completions are the files every archive holds under completions/.
var completions = []string{"_s3-credentials", "s3-credentials.bash", "s3-credentials.fish", "s3-credentials.ps1"}

// dist is one snapshot release: its directory and what goreleaser says it made.
type dist struct {
	dir       string
	full      bool // all targets, or linux/amd64 alone
	version   string
	artifacts []artifact
}

type artifact struct {
	Name   string `json:"name"`
	Path   string `json:"path"`
	Goos   string `json:"goos"`
	Goarch string `json:"goarch"`
	Type   string `json:"type"`
}

var (
	distOnce sync.Once
	theDist  *dist
	distErr  error
	distHint string
)

// snapshot returns the release to check, building the linux/amd64 one on
// first use when S3C_RELEASE_DIST does not name one.
func snapshot(t *testing.T) *dist {
	t.Helper()
	distOnce.Do(func() {
		dir := os.Getenv("S3C_RELEASE_DIST")
		full := dir != ""
		if !full {
			dir, distHint, distErr = buildSingleTarget()
			if distErr != nil {
				return
			}
		}
		theDist, distErr = readDist(dir, full)
	})
	if distHint != "" {
		testenv.Unavailable(t, "goreleaser", distHint)
	}
	if distErr != nil {
		t.Fatal(distErr)
	}
	return theDist
}

// buildSingleTarget runs scripts/release-snapshot.sh with .goreleaser.yaml
// cut down to linux/amd64, into a temporary directory. A hint comes back
// when goreleaser is not there to run (outside CI it is not installed
// here: scripts/goreleaser.sh does that once).
func buildSingleTarget() (dir, hint string, err error) {
	root := testenv.ModuleRoot()
	args := []string{filepath.Join(root, "scripts", "goreleaser.sh")}
	if !testenv.InCI() {
		args = append(args, "--installed")
	}
	if out, err := exec.Command("bash", args...).CombinedOutput(); err != nil {
		return "", fmt.Sprintf("bash scripts/goreleaser.sh installs it: %s", strings.TrimSpace(string(out))), nil
	}

	tmp, err := os.MkdirTemp("", "s3-credentials-release")
	if err != nil {
		return "", "", err
	}
	cleanups = append(cleanups, func() { os.RemoveAll(tmp) })
	dir = filepath.Join(tmp, "dist")
	config, err := singleTargetConfig(filepath.Join(root, ".goreleaser.yaml"), dir)
	if err != nil {
		return "", "", err
	}
	configPath := filepath.Join(tmp, "goreleaser.yaml")
	if err := os.WriteFile(configPath, config, 0o644); err != nil {
		return "", "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(root, "scripts", "release-snapshot.sh"), "--config", configPath)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", "", fmt.Errorf("release-snapshot.sh --config (linux/amd64): %v\n%s", err, out)
	}
	return dir, "", nil
}

// cleanups run when the package's tests end: the temporary snapshot goes.
var cleanups []func()

// singleTargetConfig is the configuration with its one build limited to
// linux/amd64 and its output sent to dist. Everything else, archives and
// packages included, stays as it is.
func singleTargetConfig(path, dist string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var config map[string]any
	if err := yaml.Unmarshal(b, &config); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	builds, _ := config["builds"].([]any)
	if len(builds) != 1 {
		return nil, fmt.Errorf("%s: %d builds, the test knows how to cut down one", path, len(builds))
	}
	build, _ := builds[0].(map[string]any)
	if build == nil || build["targets"] != nil {
		return nil, fmt.Errorf("%s: the build should list goos and goarch (not targets)", path)
	}
	build["goos"] = []string{"linux"}
	build["goarch"] = []string{"amd64"}
	if _, set := config["dist"]; set {
		return nil, fmt.Errorf("%s: sets dist; the test needs its own", path)
	}
	config["dist"] = dist
	return yaml.Marshal(config)
}

func readDist(dir string, full bool) (*dist, error) {
	d := &dist{dir: dir, full: full}
	var meta struct {
		Version string `json:"version"`
	}
	if err := readJSON(filepath.Join(dir, "metadata.json"), &meta); err != nil {
		return nil, err
	}
	if err := readJSON(filepath.Join(dir, "artifacts.json"), &d.artifacts); err != nil {
		return nil, err
	}
	d.version = meta.Version
	return d, nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}

// wantTargets are the targets this snapshot should have.
func (d *dist) wantTargets() []string {
	if d.full {
		return targets
	}
	return []string{"linux/amd64"}
}

func (d *dist) byType(typ string) []artifact {
	var out []artifact
	for _, a := range d.artifacts {
		if a.Type == typ {
			out = append(out, a)
		}
	}
	return out
}

// file reads an artifact; goreleaser records paths relative to where it ran.
func (d *dist) file(t *testing.T, a artifact) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(d.dir, filepath.Base(a.Path)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func gitHead(t *testing.T) string {
	t.Helper()
	cmd := exec.Command("git", "rev-parse", "HEAD")
	cmd.Dir = testenv.ModuleRoot()
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git rev-parse HEAD: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// manPages are the committed man pages, by name.
func manPages(t *testing.T) map[string][]byte {
	t.Helper()
	paths, _ := filepath.Glob(filepath.Join(testenv.ModuleRoot(), "docs", "man", "*.1"))
	if len(paths) == 0 {
		t.Fatal("no man pages in docs/man")
	}
	pages := map[string][]byte{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		pages[filepath.Base(p)] = b
	}
	return pages
}

// readZip reads a zip archive like readTarGz.
func readZip(b []byte) (map[string]entry, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, err
	}
	files := map[string]entry{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %v", f.Name, err)
		}
		files[strings.TrimSuffix(f.Name, "/")] = entry{mode: int64(f.Mode().Perm()), dir: f.FileInfo().IsDir(), data: data}
	}
	return files, nil
}

// TestArchives: one archive per target, named for it (zip for windows,
// tar.gz elsewhere), each holding exactly the binary, README.md, LICENSE, the
// committed man pages and the four completion scripts.
func TestArchives(t *testing.T) {
	d := snapshot(t)
	pages := manPages(t)
	readme, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	archives := d.byType("Archive")
	var got []string
	for _, a := range archives {
		got = append(got, a.Goos+"/"+a.Goarch)
	}
	sort.Strings(got)
	if !slices.Equal(got, d.wantTargets()) {
		t.Fatalf("archives for %v, want %v", got, d.wantTargets())
	}
	for _, a := range archives {
		t.Run(a.Goos+"-"+a.Goarch, func(t *testing.T) {
			ext, bin, read := ".tar.gz", "s3-credentials", readTarGz
			if a.Goos == "windows" {
				ext, bin, read = ".zip", "s3-credentials.exe", readZip
			}
			if want := fmt.Sprintf("s3-credentials_%s_%s_%s%s", d.version, a.Goos, a.Goarch, ext); a.Name != want {
				t.Errorf("archive named %s, want %s", a.Name, want)
			}
			files, err := read(d.file(t, a))
			if err != nil {
				t.Fatalf("%s: %v", a.Name, err)
			}
			want := []string{bin, "README.md", "LICENSE"}
			for name := range pages {
				want = append(want, "man/"+name)
			}
			for _, c := range completions {
				want = append(want, "completions/"+c)
			}
			var names []string
			for name, e := range files {
				if !e.dir {
					names = append(names, name)
				}
			}
			sort.Strings(want)
			sort.Strings(names)
			if !slices.Equal(names, want) {
				t.Fatalf("%s holds %v\nwant %v", a.Name, names, want)
			}
			if a.Goos != "windows" && files[bin].mode&0o111 == 0 {
				t.Errorf("%s: binary mode %o is not executable", a.Name, files[bin].mode)
			}
			if !bytes.Equal(files["README.md"].data, readme) {
				t.Errorf("%s: README.md differs from the repository's", a.Name)
			}
			for name, page := range pages {
				if !bytes.Equal(files["man/"+name].data, page) {
					t.Errorf("%s: man/%s differs from docs/man", a.Name, name)
				}
			}
			for _, c := range completions {
				if !bytes.Contains(files["completions/"+c].data, []byte("s3-credentials")) {
					t.Errorf("%s: completions/%s does not complete s3-credentials", a.Name, c)
				}
			}
		})
	}
}

// linuxAMD64Binary unpacks the linux/amd64 archive's binary into a
// temporary directory.
func linuxAMD64Binary(t *testing.T, d *dist) string {
	t.Helper()
	for _, a := range d.byType("Archive") {
		if a.Goos != "linux" || a.Goarch != "amd64" {
			continue
		}
		files, err := readTarGz(d.file(t, a))
		if err != nil {
			t.Fatal(err)
		}
		bin := filepath.Join(t.TempDir(), "s3-credentials")
		if err := os.WriteFile(bin, files["s3-credentials"].data, 0o755); err != nil {
			t.Fatal(err)
		}
		return bin
	}
	t.Fatal("no linux/amd64 archive")
	return ""
}

func runBinary(t *testing.T, bin string, args ...string) string {
	t.Helper()
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		testenv.Unavailable(t, "a linux/amd64 machine", "to run the linux/amd64 binary")
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v: %v\nstderr: %s", args, err, stderr.String())
	}
	if stderr.Len() != 0 {
		t.Errorf("%v wrote to stderr: %s", args, stderr.String())
	}
	return stdout.String()
}

// TestArchiveBinaryRuns: the linux/amd64 binary from its archive reports the
// snapshot's version and the commit it was built from, and prints the same
// read-only policy as the code in this tree.
func TestArchiveBinaryRuns(t *testing.T) {
	d := snapshot(t)
	if !strings.Contains(d.version, "-SNAPSHOT-") {
		t.Errorf("snapshot version %q does not say SNAPSHOT", d.version)
	}
	bin := linuxAMD64Binary(t, d)

	got := runBinary(t, bin, "--version")
	want := fmt.Sprintf("s3-credentials, version %s (commit %s)\n", d.version, gitHead(t)[:12])
	if got != want {
		t.Errorf("--version printed %q, want %q", got, want)
	}

	got = runBinary(t, bin, "policy", "my-bucket", "--read-only")
	var stdout, stderr bytes.Buffer
	if code := cli.Run(context.Background(), []string{"policy", "my-bucket", "--read-only"}, &cli.IOStreams{In: strings.NewReader(""), Out: &stdout, ErrOut: &stderr}); code != 0 {
		t.Fatalf("in-process policy: exit %d: %s", code, stderr.String())
	}
	if got != stdout.String() {
		t.Errorf("the released binary's policy differs from this tree's:\n%s\nwant:\n%s", got, stdout.String())
	}
	var policy struct {
		Version   string
		Statement []struct {
			Effect   string
			Action   []string
			Resource []string
		}
	}
	if err := json.Unmarshal([]byte(got), &policy); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, got)
	}
	if policy.Version != "2012-10-17" || len(policy.Statement) != 2 {
		t.Fatalf("unexpected policy:\n%s", got)
	}
	list, read := policy.Statement[0], policy.Statement[1]
	if !slices.Equal(list.Resource, []string{"arn:aws:s3:::my-bucket"}) || !slices.Contains(list.Action, "s3:ListBucket") ||
		!slices.Equal(read.Resource, []string{"arn:aws:s3:::my-bucket/*"}) || !slices.Contains(read.Action, "s3:GetObject") {
		t.Errorf("policy does not grant listing and reading my-bucket:\n%s", got)
	}
	for _, s := range policy.Statement {
		for _, a := range s.Action {
			if strings.HasPrefix(a, "s3:Put") || strings.HasPrefix(a, "s3:Delete") {
				t.Errorf("read-only policy allows %s", a)
			}
		}
	}
}

// TestArchiveBinaryIsStripped: -s -w, -trimpath and CGO_ENABLED=0 took
// effect: no symbol table, no DWARF, no path of the machine that built it,
// no dynamic loader.
func TestArchiveBinaryIsStripped(t *testing.T) {
	d := snapshot(t)
	bin := linuxAMD64Binary(t, d)
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, s := range f.Sections {
		if s.Name == ".symtab" || strings.HasPrefix(s.Name, ".debug_") || strings.HasPrefix(s.Name, ".zdebug_") {
			t.Errorf("binary has section %s: not stripped", s.Name)
		}
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("binary asks for a dynamic loader: not built with CGO_ENABLED=0")
		}
	}
	b, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if root := testenv.ModuleRoot(); bytes.Contains(b, []byte(root)) {
		t.Errorf("binary contains the build directory %s: not built with -trimpath", root)
	}
}

// TestChecksums: checksums.txt has one right sha256 for every archive and
// package, and nothing else.
func TestChecksums(t *testing.T) {
	d := snapshot(t)
	sums := d.byType("Checksum")
	if len(sums) != 1 || sums[0].Name != "checksums.txt" {
		t.Fatalf("checksum files %v, want checksums.txt", sums)
	}
	listed := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(d.file(t, sums[0]))), "\n") {
		sum, name, ok := strings.Cut(line, "  ")
		if !ok || len(sum) != 64 {
			t.Fatalf("checksums.txt: bad line %q", line)
		}
		listed[name] = sum
	}
	var want []string
	for _, a := range append(d.byType("Archive"), d.byType("Linux Package")...) {
		want = append(want, a.Name)
		h := sha256.Sum256(d.file(t, a))
		if listed[a.Name] != hex.EncodeToString(h[:]) {
			t.Errorf("checksums.txt: %s has %q, want %x", a.Name, listed[a.Name], h)
		}
	}
	if len(listed) != len(want) {
		t.Errorf("checksums.txt lists %d files, want %d (%v)", len(listed), len(want), want)
	}
}

// TestPackages: a .deb and an .rpm for each linux target, well formed,
// installing the binary (the archive's, byte for byte) in /usr/bin, the
// gzipped man pages in /usr/share/man/man1 and the completions where bash,
// zsh and fish look for them.
func TestPackages(t *testing.T) {
	d := snapshot(t)
	pages := manPages(t)
	archiveBins := map[string][]byte{}
	for _, a := range d.byType("Archive") {
		if a.Goos == "linux" {
			files, err := readTarGz(d.file(t, a))
			if err != nil {
				t.Fatal(err)
			}
			archiveBins[a.Goarch] = files["s3-credentials"].data
		}
	}
	var got []string
	for _, p := range d.byType("Linux Package") {
		got = append(got, filepath.Ext(p.Name)+" "+p.Goos+"/"+p.Goarch)
	}
	var want []string
	for _, target := range d.wantTargets() {
		if strings.HasPrefix(target, "linux/") {
			want = append(want, ".deb "+target, ".rpm "+target)
		}
	}
	sort.Strings(got)
	sort.Strings(want)
	if !slices.Equal(got, want) {
		t.Fatalf("packages %v, want %v", got, want)
	}

	// A pre-release sorts before its release when its "-" becomes "~";
	// rpm allows no "-" in a version at all.
	debVersion := strings.Replace(d.version, "-", "~", 1)
	rpmVersion := strings.ReplaceAll(debVersion, "-", "_")
	for _, p := range d.byType("Linux Package") {
		t.Run(p.Name, func(t *testing.T) {
			b := d.file(t, p)
			var files map[string]entry
			var zshDir, arch string
			switch filepath.Ext(p.Name) {
			case ".deb":
				var control map[string]string
				var err error
				files, control, err = readDeb(b)
				if err != nil {
					t.Fatalf("%s: %v", p.Name, err)
				}
				zshDir, arch = "/usr/share/zsh/vendor-completions", p.Goarch
				if control["Package"] != "s3-credentials" || control["Architecture"] != arch || control["Version"] != debVersion {
					t.Errorf("control file: Package %q, Architecture %q, Version %q", control["Package"], control["Architecture"], control["Version"])
				}
				checkWithDpkg(t, d, p, files)
			case ".rpm":
				var h rpmHeader
				var err error
				files, h, err = readRPM(b)
				if err != nil {
					t.Fatalf("%s: %v", p.Name, err)
				}
				zshDir, arch = "/usr/share/zsh/site-functions", map[string]string{"amd64": "x86_64", "arm64": "aarch64"}[p.Goarch]
				if !slices.Equal(h.strs[tagName], []string{"s3-credentials"}) || !slices.Equal(h.strs[tagArch], []string{arch}) || !slices.Equal(h.strs[tagVersion], []string{rpmVersion}) {
					t.Errorf("header: name %v, arch %v, version %v", h.strs[tagName], h.strs[tagArch], h.strs[tagVersion])
				}
			}

			want := map[string]int64{"/usr/bin/s3-credentials": 0o755}
			for name := range pages {
				want["/usr/share/man/man1/"+name+".gz"] = 0o644
			}
			want["/usr/share/bash-completion/completions/s3-credentials"] = 0o644
			want[zshDir+"/_s3-credentials"] = 0o644
			want["/usr/share/fish/vendor_completions.d/s3-credentials.fish"] = 0o644
			want["/usr/share/doc/s3-credentials/copyright"] = 0o644
			for name, e := range files {
				if e.dir {
					continue
				}
				mode, ok := want[name]
				if !ok {
					t.Errorf("%s installs %s, which it should not", p.Name, name)
				} else if e.mode != mode {
					t.Errorf("%s: %s has mode %o, want %o", p.Name, name, e.mode, mode)
				}
			}
			for name := range want {
				if e, ok := files[name]; !ok || e.dir {
					t.Errorf("%s does not install %s", p.Name, name)
				}
			}
			if !bytes.Equal(files["/usr/bin/s3-credentials"].data, archiveBins[p.Goarch]) {
				t.Errorf("%s: /usr/bin/s3-credentials is not the binary of the %s archive", p.Name, p.Goarch)
			}
			for name, page := range pages {
				zr, err := gzip.NewReader(bytes.NewReader(files["/usr/share/man/man1/"+name+".gz"].data))
				if err != nil {
					t.Errorf("%s: man page %s: %v", p.Name, name, err)
					continue
				}
				got, err := io.ReadAll(zr)
				if err != nil || !bytes.Equal(got, page) {
					t.Errorf("%s: man page %s is not docs/man/%s (%v)", p.Name, name, name, err)
				}
			}
		})
	}
}

// checkWithDpkg has dpkg-deb, when the machine has it, read the package too:
// its listing must match ours.
func checkWithDpkg(t *testing.T, d *dist, p artifact, files map[string]entry) {
	t.Helper()
	if _, err := exec.LookPath("dpkg-deb"); err != nil {
		t.Logf("dpkg-deb not installed; %s read by the test alone", p.Name)
		return
	}
	path := filepath.Join(d.dir, filepath.Base(p.Path))
	if out, err := exec.Command("dpkg-deb", "--info", path).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --info %s: %v\n%s", p.Name, err, out)
	}
	out, err := exec.Command("dpkg-deb", "--contents", path).CombinedOutput()
	if err != nil {
		t.Fatalf("dpkg-deb --contents %s: %v\n%s", p.Name, err, out)
	}
	var listed []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 6 || strings.HasPrefix(fields[0], "d") {
			continue
		}
		listed = append(listed, filepath.Clean(strings.TrimPrefix(fields[5], ".")))
	}
	var ours []string
	for name, e := range files {
		if !e.dir {
			ours = append(ours, name)
		}
	}
	sort.Strings(listed)
	sort.Strings(ours)
	if !slices.Equal(listed, ours) {
		t.Errorf("dpkg-deb lists %v\nthe test read %v", listed, ours)
	}
}
