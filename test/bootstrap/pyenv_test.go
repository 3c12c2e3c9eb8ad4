// Package bootstrap tests scripts/pyenv.sh, which gives scripts/test.sh the
// Python tools the suite needs (moto's server, boto3, the aws CLI) on a
// machine whose python3 lacks them.
//
// The tests run the script with a PATH holding only a python3 without those
// tools (a virtual environment of the python3 on the test's own PATH, made
// without pip or site packages) and the few commands the script uses. No
// package index is needed: the distributions pinned in
// scripts/test-requirements.txt are packed into wheels from the python3 on
// PATH (wheelhouse.py), and pip is pointed at them. That python3 must
// therefore have the pinned versions installed, as it does wherever
// scripts/test.sh runs; where it has not, the tests skip, or fail under CI.
package bootstrap

import (
	"bytes"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// tools are the commands pyenv.sh runs besides python3 and bash builtins.
// flock is optional: the script locks only where it exists.
var tools = []string{"dirname", "mkdir", "ls", "rm", "cp", "mv", "flock?"}

var (
	workDir string // removed after the tests

	baseOnce sync.Once
	base     string // a python3 without moto, boto3 or awscli: BASE/bin/python3
	baseErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "s3c-bootstrap")
	if err != nil {
		panic(err)
	}
	workDir = dir
	code := testenv.Run(m)
	os.RemoveAll(dir)
	os.Exit(code)
}

// sourcePython is the python3 on the test's PATH: the one the base
// environment and the wheels come from.
func sourcePython(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		testenv.Unavailable(t, "python3", "the bootstrap test makes its python3 without moto from the python3 on PATH")
	}
	return py
}

// baseBin returns a bin directory whose python3 has the venv module but
// none of the tools, made once per test binary.
func baseBin(t *testing.T) string {
	t.Helper()
	py := sourcePython(t)
	baseOnce.Do(func() {
		dir := filepath.Join(workDir, "base")
		out, err := exec.Command(py, "-m", "venv", "--without-pip", dir).CombinedOutput()
		if err != nil {
			baseErr = errors.New("python3 -m venv --without-pip: " + err.Error() + "\n" + string(out))
			return
		}
		base = filepath.Join(dir, "bin")
	})
	if baseErr != nil {
		t.Fatal(baseErr)
	}
	if out, err := exec.Command(filepath.Join(base, "python3"), "-c", "import boto3").CombinedOutput(); err == nil {
		t.Fatalf("the base python3 imports boto3; it was meant to have no packages (%s)", out)
	}
	return base
}

// toolsBin returns a directory of links to the commands pyenv.sh uses.
func toolsBin(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, name := range tools {
		name, optional := strings.CutSuffix(name, "?")
		p, err := exec.LookPath(name)
		if err != nil {
			if optional {
				continue
			}
			testenv.Unavailable(t, name, "pyenv.sh runs it")
		}
		if err := os.Symlink(p, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// repoCopy copies pyenv.sh and the requirements file into a new directory
// laid out like the repository, and returns that directory.
func repoCopy(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "scripts"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pyenv.sh", "test-requirements.txt"} {
		data, err := os.ReadFile(filepath.Join(testenv.ModuleRoot(), "scripts", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(root, "scripts", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

type result struct {
	stdout, stderr string
	err            error
	took           time.Duration
}

// run runs `bash ROOT/scripts/pyenv.sh ARGS...` in root, with PATH set to
// path and pip's settings (and anything naming a Python) taken from env only.
func run(t *testing.T, root, path string, env []string, args ...string) result {
	t.Helper()
	return runBash(t, root, path, env, append([]string{filepath.Join(root, "scripts", "pyenv.sh")}, args...)...)
}

// runBash runs bash with args as run does.
func runBash(t *testing.T, root, path string, env []string, args ...string) result {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		testenv.Unavailable(t, "bash", "pyenv.sh is a bash script")
	}
	cmd := exec.Command(bash, args...)
	cmd.Dir = root
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" || k == "VIRTUAL_ENV" || k == "S3C_VENV" || strings.HasPrefix(k, "PIP_") || strings.HasPrefix(k, "PYTHON") {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env, "PATH="+path, "PIP_CONFIG_FILE="+os.DevNull, "PIP_NO_CACHE_DIR=1", "PIP_DISABLE_PIP_VERSION_CHECK=1")
	cmd.Env = append(cmd.Env, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err = cmd.Run()
	return result{stdout.String(), stderr.String(), err, time.Since(start)}
}

func (r result) mustFail(t *testing.T, wants ...string) {
	t.Helper()
	var exit *exec.ExitError
	if !errors.As(r.err, &exit) || exit.ExitCode() != 1 {
		t.Fatalf("want exit status 1, got %v\nstderr:\n%s", r.err, r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

func (r result) mustPass(t *testing.T, wants ...string) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("pyenv.sh: %v\nstdout:\n%s\nstderr:\n%s", r.err, r.stdout, r.stderr)
	}
	for _, w := range wants {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr lacks %q:\n%s", w, r.stderr)
		}
	}
}

func mustNotExist(t *testing.T, path string) {
	t.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("%s exists (%v); nothing should have been made", path, err)
	}
}

func TestNoPython3(t *testing.T) {
	t.Parallel()
	root := repoCopy(t)
	r := run(t, root, toolsBin(t), nil, "true")
	r.mustFail(t, "there is no python3 on PATH", "apt-get install python3 python3-venv")
	mustNotExist(t, filepath.Join(root, ".venv"))
}

// noVenvBin returns a directory whose python3 is the base python3 without
// the ensurepip module, like Debian's python3 without python3-venv.
func noVenvBin(t *testing.T) string {
	t.Helper()
	bin := baseBin(t)
	fake := t.TempDir()
	if err := os.Mkdir(filepath.Join(fake, "ensurepip"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(fake, "ensurepip", "__init__.py"),
		[]byte("raise ModuleNotFoundError(\"No module named 'ensurepip'\")\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	wrap := t.TempDir()
	script := "#!/bin/sh\nPYTHONPATH='" + fake + "' exec '" + filepath.Join(bin, "python3") + "' \"$@\"\n"
	if err := os.WriteFile(filepath.Join(wrap, "python3"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return wrap
}

func TestPython3WithoutVenvModule(t *testing.T) {
	t.Parallel()
	wrap := noVenvBin(t)
	root := repoCopy(t)
	r := run(t, root, wrap+":"+toolsBin(t), nil, "true")
	r.mustFail(t,
		"python3 on PATH ("+filepath.Join(wrap, "python3")+") lacks moto flask flask-cors boto3, and there is no aws on PATH",
		"venv or ensurepip module is missing", "apt-get install python3-venv",
		"python3 -m pip install -r scripts/test-requirements.txt")
	mustNotExist(t, filepath.Join(root, ".venv"))
}

func TestRefusesToReplaceOtherDirectory(t *testing.T) {
	t.Parallel()
	path := baseBin(t) + ":" + toolsBin(t)
	root := repoCopy(t)
	other := t.TempDir()
	keep := filepath.Join(other, "keep")
	if err := os.WriteFile(keep, []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := run(t, root, path, []string{"S3C_VENV=" + other}, "true")
	r.mustFail(t, other+" exists and is not a virtual environment")
	if data, err := os.ReadFile(keep); err != nil || string(data) != "mine" {
		t.Errorf("the directory's file was touched: %q, %v", data, err)
	}
}

func TestRefusesPathWithBlank(t *testing.T) {
	t.Parallel()
	path := baseBin(t) + ":" + toolsBin(t)
	root := repoCopy(t)
	venv := filepath.Join(t.TempDir(), "a b")
	r := run(t, root, path, []string{"S3C_VENV=" + venv}, "true")
	r.mustFail(t, `path "`+venv+`" contains a blank`, "set S3C_VENV to a path without one")
	mustNotExist(t, venv)
}

// TestBootstrap makes the environment from wheels, reuses it, and does not
// reuse it once the requirements file changed.
func TestBootstrap(t *testing.T) {
	t.Parallel()
	if testing.Short() && !testenv.InCI() {
		t.Skip("installs about 70 packages; -short leaves it out")
	}
	py := sourcePython(t)
	path := baseBin(t) + ":" + toolsBin(t)
	root := repoCopy(t)
	req := filepath.Join(root, "scripts", "test-requirements.txt")

	wheels := filepath.Join(workDir, "wheels")
	start := time.Now()
	builder := filepath.Join(testenv.ModuleRoot(), "test", "bootstrap", "wheelhouse.py")
	out, err := exec.Command(py, builder, wheels, req).CombinedOutput()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 3 {
		testenv.Unavailable(t, "the pinned Python packages",
			strings.TrimSpace(string(out))+"; bash scripts/test.sh sets them up (or: python3 -m pip install -r scripts/test-requirements.txt)")
	}
	if err != nil {
		t.Fatalf("wheelhouse.py: %v\n%s", err, out)
	}
	t.Logf("packed %d wheels from %s in %v", strings.Count(string(out), ".whl"), py, time.Since(start).Round(time.Millisecond))
	offline := []string{"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + wheels}

	venv := filepath.Join(root, ".venv")
	lacks := "python3 on PATH (" + filepath.Join(baseBin(t), "python3") + ") lacks moto flask flask-cors boto3, and there is no aws on PATH"

	// First run: makes .venv and runs the command with it first on PATH.
	first := run(t, root, path, offline, "python3", "-c", "import moto.server, boto3, sys; print(sys.prefix)")
	first.mustPass(t, lacks+": making a virtual environment in "+venv,
		"pinned in scripts/test-requirements.txt", "pyenv.sh: made "+venv+" in ")
	if got := strings.TrimSpace(first.stdout); got != venv {
		t.Errorf("python3 ran from %q, want the new environment %s", got, venv)
	}
	t.Logf("first run (make .venv, install from wheels): %v", first.took.Round(time.Millisecond))
	cfg, err := os.Stat(filepath.Join(venv, "pyvenv.cfg"))
	if err != nil {
		t.Fatal(err)
	}

	// Second run: reuses it; pip, pointed at an empty directory, would fail.
	nowheels := []string{"PIP_NO_INDEX=1", "PIP_FIND_LINKS=" + t.TempDir()}
	second := run(t, root, path, nowheels, "aws", "--version")
	second.mustPass(t, lacks+": reusing the virtual environment "+venv, "delete it to rebuild it")
	if !strings.Contains(second.stdout+second.stderr, "aws-cli/1.45.11 ") {
		t.Errorf("aws --version does not report the pinned aws-cli 1.45.11:\n%s%s", second.stdout, second.stderr)
	}
	if strings.Contains(second.stderr, "making") || strings.Contains(second.stderr, "Installing") {
		t.Errorf("the second run installed again:\n%s", second.stderr)
	}
	if cfg2, err := os.Stat(filepath.Join(venv, "pyvenv.cfg")); err != nil || !cfg2.ModTime().Equal(cfg.ModTime()) {
		t.Errorf("the second run remade %s (%v)", venv, err)
	}
	t.Logf("second run (reuse): %v", second.took.Round(time.Millisecond))
	if second.took > first.took/3 {
		t.Errorf("reusing took %v, more than a third of making it (%v)", second.took, first.took)
	}

	// Sourced from a bash script, it changes that script's PATH and leaves no
	// functions behind.
	src := runBash(t, root, path, nowheels, "-c",
		`set -euo pipefail; source scripts/pyenv.sh; command -v python3 aws; echo "$VIRTUAL_ENV"; declare -F`)
	src.mustPass(t, lacks+": reusing the virtual environment "+venv)
	if want := venv + "/bin/python3\n" + venv + "/bin/aws\n" + venv + "\n"; src.stdout != want {
		t.Errorf("sourced: got\n%s\nwant\n%s", src.stdout, want)
	}

	// A changed requirements file is not reused but rebuilt. (The python3
	// here cannot make environments, so it stops there, before deleting.)
	f, err := os.OpenFile(req, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("# changed\n"); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	changed := run(t, root, noVenvBin(t)+":"+toolsBin(t), nowheels, "true")
	changed.mustFail(t, "rebuilding the virtual environment "+venv+": scripts/test-requirements.txt changed since it was made",
		"ensurepip module is missing")
	if _, err := os.Stat(filepath.Join(venv, "bin", "aws")); err != nil {
		t.Errorf("a rebuild that could not start deleted the old environment: %v", err)
	}
}

// TestRebuildUnfinished finds what an interrupted build left, deletes it and
// builds again; with the package index out of reach that fails, saying how to
// point pip elsewhere, and leaves no stamp, so the next run rebuilds again.
func TestRebuildUnfinished(t *testing.T) {
	t.Parallel()
	path := baseBin(t) + ":" + toolsBin(t)
	root := repoCopy(t)
	venv := filepath.Join(root, ".venv")
	if err := os.MkdirAll(filepath.Join(venv, "lib"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"pyvenv.cfg", "lib/half-installed"} {
		if err := os.WriteFile(filepath.Join(venv, name), []byte("x\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	unreachable := []string{"PIP_INDEX_URL=http://" + closedAddr(t) + "/simple/", "PIP_RETRIES=0", "PIP_TIMEOUT=5"}
	r := run(t, root, path, unreachable, "true")
	r.mustFail(t, "rebuilding the virtual environment "+venv+": an earlier build of it did not finish",
		"making a virtual environment in "+venv,
		"pip could not install the packages pinned in scripts/test-requirements.txt",
		"PIP_INDEX_URL=URL", "PIP_NO_INDEX=1 PIP_FIND_LINKS=DIR")
	mustNotExist(t, filepath.Join(venv, "lib", "half-installed"))
	mustNotExist(t, filepath.Join(venv, ".test-requirements.txt"))
	if _, err := os.Stat(filepath.Join(venv, "bin", "python3")); err != nil {
		t.Errorf("the rebuild made no new environment: %v", err)
	}
	t.Logf("rebuild failing at pip: %v", r.took.Round(time.Millisecond))

	// The next run knows; its python3 cannot make environments, so it stops
	// after saying so.
	again := run(t, root, noVenvBin(t)+":"+toolsBin(t), unreachable, "true")
	again.mustFail(t, "rebuilding the virtual environment "+venv+": an earlier build of it did not finish",
		"ensurepip module is missing")
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
