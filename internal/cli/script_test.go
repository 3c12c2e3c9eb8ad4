package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/rogpeppe/go-internal/testscript"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// TestScript runs the scenarios under testdata/script, one .txtar each, in
// parallel (see CONTRIBUTING.md, "Scenario scripts"). -update rewrites the
// files that a failing `cmp stdout FILE` compares with inside the archive.
func TestScript(t *testing.T) {
	t.Parallel()
	testscript.Run(t, testscript.Params{
		Dir:           "testdata/script",
		UpdateScripts: testenv.Updating(),
		Setup: func(env *testscript.Env) error {
			// Run hands each script a value wrapping its *testing.T.
			env.Values[scriptKey{}] = &scriptState{t: reflect.ValueOf(env.T()).Field(0).Interface().(*testing.T)}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"s3c":       cmdS3C,
			"moto":      cmdMoto,
			"requests":  cmdRequests,
			"mkbucket":  cmdMkbucket,
			"put":       cmdPut,
			"upload":    cmdUpload,
			"bucket":    cmdBucket,
			"mkuser":    cmdMkuser,
			"user":      cmdUser,
			"islink":    cmdIsLink,
			"mode":      cmdMode,
			"notemp":    cmdNoTemp,
			"files":     cmdFiles,
			"normalize": cmdNormalize,
			"policies":  cmdPolicies,
			"binary":    cmdBinary,
			"write":     cmdWrite,
			"hasfile":   cmdHasFile,
			"objects":   cmdObjects,
			"bpolicy":   cmdBucketPolicy,
			"role":      cmdRole,
			"keys":      cmdKeys,
		},
	})
}

type scriptKey struct{}

// usage fails the script, showing a command's usage, when bad.
func usage(ts *testscript.TestScript, bad bool, text string) {
	if bad {
		ts.Fatalf("usage: %s", text)
	}
}

// scriptState is one script's: its moto (once `moto` ran) and the last run
// of the tool.
type scriptState struct {
	t        *testing.T
	e        *e2e            // nil until `moto`
	counts   *requests       // requests through the proxy in front of moto
	refusing *refusingServer // the endpoint before `moto`: refuses everything
	seen     int             // requests of refusing already checked
	binary   string          // the real binary, once `binary` ran
	code     int             // exit code of the last s3c
}

func scriptOf(ts *testscript.TestScript) *scriptState {
	return ts.Value(scriptKey{}).(*scriptState)
}

// needMoto fails the script unless `moto` ran.
func (st *scriptState) needMoto(ts *testscript.TestScript) *e2e {
	if st.e == nil {
		ts.Fatalf("no moto: run the moto command first")
	}
	return st.e
}

// moto: take a moto server of the script's own, wiped, for the rest of the
// script; later s3c runs go to it through a proxy counting their requests.
// Run again, it wipes the server.
func cmdMoto(ts *testscript.TestScript, neg bool, args []string) {
	st := scriptOf(ts)
	usage(ts, neg || len(args) != 0, "moto")
	if st.e != nil {
		st.e.moto.Reset(st.t)
		return
	}
	st.e = newE2E(st.t)
	st.counts = st.e.countRequests(nil)
}

// [! s3c exit=N] s3c [<FILE] ARGS...: run the tool in-process with ARGS (and
// FILE as standard input). It must exit 0; with !, it must exit N. Without
// moto, every request goes to a server that refuses it. The tool runs in
// the test's working directory, not the script's: give it paths under
// $WORK, or run `binary` first.
func cmdS3C(ts *testscript.TestScript, neg bool, args []string) {
	st := scriptOf(ts)
	want := 0
	if neg {
		n, ok := "", len(args) > 0
		if ok {
			n, ok = strings.CutPrefix(args[0], "exit=")
		}
		code, err := strconv.Atoi(n)
		usage(ts, !ok || err != nil || code == 0, "! s3c exit=N [<FILE] ARGS...")
		want, args = code, args[1:]
	}
	stdin := ""
	if len(args) > 0 && strings.HasPrefix(args[0], "<") {
		stdin = ts.ReadFile(args[0][1:])
		args = args[1:]
	}
	if st.binary != "" {
		st.code = 0
		if stdin != "" {
			ts.Fatalf("s3c <FILE: use stdin FILE with the binary")
		}
		var ee *exec.ExitError
		if err := ts.Exec(st.binary, args...); errors.As(err, &ee) {
			st.code = ee.ExitCode()
		} else {
			ts.Check(err)
		}
	} else {
		st.run(ts, stdin, args)
	}
	if st.code != want {
		ts.Fatalf("s3c exited %d, want %d", st.code, want)
	}
}

// run runs the tool in-process.
func (st *scriptState) run(ts *testscript.TestScript, stdin string, args []string) {
	streams := &IOStreams{In: strings.NewReader(stdin), Out: ts.Stdout(), ErrOut: ts.Stderr()}
	if st.e != nil {
		st.code = st.e.exec(context.Background(), streams, args...)
	} else {
		if st.refusing == nil {
			st.refusing = newRefusingServer(st.t)
		}
		f := NewFactory(streams)
		f.defaultEndpoint = st.refusing.URL
		st.code = execute(context.Background(), f, args)
	}
}

// requests [-reset | KIND=N...]: the tool's requests since the last check, by kind:
// the method, or LIST, HEAD_part, PUT_part, POST (see countRequests).
// Kinds not named were not made; no argument: no request at all. -reset
// checks nothing, and counts again from zero.
func cmdRequests(ts *testscript.TestScript, neg bool, args []string) {
	st := scriptOf(ts)
	usage(ts, neg, "requests [-reset | KIND=N...]")
	reset := len(args) == 1 && args[0] == "-reset"
	if reset {
		args = nil
	}
	want := map[string]int{}
	for _, a := range args {
		kind, n, ok := strings.Cut(a, "=")
		count, err := strconv.Atoi(n)
		if !ok || err != nil {
			ts.Fatalf("usage: requests [KIND=N...]")
		}
		want[strings.ReplaceAll(kind, "_", " ")] = count
	}
	got := map[string]int{}
	switch {
	case st.counts != nil:
		got = st.counts.take()
	case st.refusing != nil:
		all := st.refusing.got()
		for _, r := range all[st.seen:] {
			got[strings.Fields(r)[0]]++
		}
		st.seen = len(all)
	}
	if !reset && !maps.Equal(got, want) {
		ts.Fatalf("requests %v, want %v", got, want)
	}
}

// mkbucket [-versioned] NAME...: make buckets (-versioned: holding a, b
// and c as makeVersioned leaves them).
func cmdMkbucket(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	versioned := len(args) > 0 && args[0] == "-versioned"
	if versioned {
		args = args[1:]
	}
	usage(ts, neg || len(args) == 0, "mkbucket [-versioned] NAME...")
	for _, b := range args {
		if versioned {
			e.makeVersioned(b)
		} else {
			e.makeBucket(b)
		}
	}
}

// put BUCKET KEY[=BODY]...: store objects (body "x" unless given; =@FILE:
// the content of FILE); with
// -delete, delete them instead (leaving delete markers where versioned).
func cmdPut(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	del := len(args) > 0 && args[0] == "-delete"
	if del {
		args = args[1:]
	}
	usage(ts, neg || len(args) < 2, "put [-delete] BUCKET KEY[=BODY]...")
	for _, kv := range args[1:] {
		key, body, ok := strings.Cut(kv, "=")
		if !ok {
			body = "x"
		}
		if strings.HasPrefix(body, "@") {
			body = ts.ReadFile(body[1:])
		}
		if !del {
			e.putObj(args[0], key, body)
			continue
		}
		_, err := e.Clients.S3.DeleteObject(e.ctx(), &s3.DeleteObjectInput{Bucket: aws.String(args[0]), Key: aws.String(key)})
		ts.Check(err)
	}
}

// upload BUCKET KEY: leave an incomplete multipart upload of KEY.
func cmdUpload(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	usage(ts, neg || len(args) != 2, "upload BUCKET KEY")
	e.startUpload(args[0], args[1])
}

// bucket NAME [VERSIONS]: the bucket exists (with !, does not), holding
// VERSIONS versions and delete markers if given.
func cmdBucket(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	usage(ts, len(args) < 1 || len(args) > 2 || (neg && len(args) != 1), "[!] bucket NAME [VERSIONS]")
	if exists := e.bucketExists(args[0]); exists == neg {
		ts.Fatalf("bucket %s exists: %v", args[0], exists)
	}
	if len(args) == 2 {
		if n := e.versionCount(args[0]); strconv.Itoa(n) != args[1] {
			ts.Fatalf("bucket %s holds %d versions, want %s", args[0], n, args[1])
		}
	}
}

// mkuser NAME [KEYS]: make an IAM user with KEYS access keys (default 0).
func cmdMkuser(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	usage(ts, neg || len(args) < 1 || len(args) > 2, "mkuser NAME [KEYS]")
	n := 0
	if len(args) == 2 {
		n, _ = strconv.Atoi(args[1])
	}
	e.makeUser(args[0], n)
}

// user NAME [KEYS]: the IAM user exists (with !, does not), with KEYS
// access keys if given.
func cmdUser(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	usage(ts, len(args) < 1 || len(args) > 2 || (neg && len(args) != 1), "[!] user NAME [KEYS]")
	if exists := e.acctUserExists(args[0]); exists == neg {
		ts.Fatalf("user %s exists: %v", args[0], exists)
	}
	if len(args) == 2 {
		if n := len(e.accessKeys(args[0])); strconv.Itoa(n) != args[1] {
			ts.Fatalf("user %s has %d access keys, want %s", args[0], n, args[1])
		}
	}
}

// islink LINK TARGET: LINK is still a symlink to TARGET.
func cmdIsLink(ts *testscript.TestScript, neg bool, args []string) {
	usage(ts, neg || len(args) != 2, "islink LINK TARGET")
	if got, err := os.Readlink(ts.MkAbs(args[0])); err != nil || got != args[1] {
		ts.Fatalf("%s: link to %q (%v), want %q", args[0], got, err, args[1])
	}
}

// mode PATH PERM: PATH is a regular file with permission bits PERM (octal).
func cmdMode(ts *testscript.TestScript, neg bool, args []string) {
	usage(ts, neg || len(args) != 2, "mode PATH PERM")
	fi, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	if perm, _ := strconv.ParseUint(args[1], 8, 32); !fi.Mode().IsRegular() || fi.Mode().Perm() != fs.FileMode(perm) {
		ts.Fatalf("%s is %v, want a regular file %s", args[0], fi.Mode(), args[1])
	}
}

// notemp DIR...: no temporary file was left in DIR.
func cmdNoTemp(ts *testscript.TestScript, neg bool, args []string) {
	usage(ts, neg || len(args) == 0, "notemp DIR...")
	for _, dir := range args {
		entries, err := os.ReadDir(ts.MkAbs(dir))
		ts.Check(err)
		for _, en := range entries {
			if strings.HasSuffix(en.Name(), ".part") || strings.Contains(en.Name(), ".tmp-") {
				ts.Fatalf("left behind in %s: %s", dir, en.Name())
			}
		}
	}
}

// files DIR [NAME...]: the files under DIR (not directories, walked
// without following symlinks) are exactly NAMEs.
func cmdFiles(ts *testscript.TestScript, neg bool, args []string) {
	usage(ts, neg || len(args) == 0, "files DIR [NAME...]")
	if got := filesUnder(scriptOf(ts).t, ts.MkAbs(args[0])); !slices.Equal(got, args[1:]) {
		ts.Fatalf("files under %s: %q, want %q", args[0], got, args[1:])
	}
}

// normalize times|creds: the last command's standard output and error
// with what differs on every run replaced, for cmp: times, every timestamp
// (Python str(datetime) form) by <TIME>; creds, access keys, secrets,
// session tokens and times (see normalize).
func cmdNormalize(ts *testscript.TestScript, neg bool, args []string) {
	fn := map[string]func(string) string{"times": stableTimes, "creds": normalize}[strings.Join(args, " ")]
	usage(ts, neg || fn == nil, "normalize times|creds")
	stdout, stderr := ts.ReadFile("stdout"), ts.ReadFile("stderr")
	io.WriteString(ts.Stdout(), fn(stdout))
	io.WriteString(ts.Stderr(), fn(stderr))
}

// policies USER: print the user's inline policies, one "NAME DOCUMENT" line
// each (the document as compact JSON), for cmp.
func cmdPolicies(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	usage(ts, neg || len(args) != 1, "policies USER")
	docs, out := e.inlinePolicies(args[0]), ts.Stdout() // none: stdout empty
	for _, name := range slices.Sorted(maps.Keys(docs)) {
		fmt.Fprintf(out, "%s %s\n", name, docs[name])
	}
}

// binary: later s3c runs are of the real binary, in the script's directory
// and environment (stdin FILE gives standard input), against the script's
// moto through the counting proxy.
func cmdBinary(ts *testscript.TestScript, neg bool, args []string) {
	st := scriptOf(ts)
	e := st.needMoto(ts)
	usage(ts, neg || len(args) != 0, "binary")
	st.binary = testenv.Binary(st.t)
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "AWS_") {
			k, v, _ := strings.Cut(kv, "=")
			ts.Setenv(k, v)
		}
	}
	ts.Setenv("AWS_ENDPOINT_URL", e.endpoint)
}

// write NAME=TEXT...: write files (and their directories) holding exactly
// TEXT, no newline added.
func cmdWrite(ts *testscript.TestScript, neg bool, args []string) {
	usage(ts, neg || len(args) == 0, "write NAME=TEXT...")
	for _, a := range args {
		name, text, ok := strings.Cut(a, "=")
		if !ok {
			ts.Fatalf("usage: write NAME=TEXT...")
		}
		ts.Check(os.MkdirAll(filepath.Dir(ts.MkAbs(name)), 0o755))
		ts.Check(os.WriteFile(ts.MkAbs(name), []byte(text), 0o644))
	}
}

// hasfile NAME=TEXT...: each file holds exactly TEXT.
func cmdHasFile(ts *testscript.TestScript, neg bool, args []string) {
	usage(ts, neg || len(args) == 0, "hasfile NAME=TEXT...")
	for _, a := range args {
		name, text, _ := strings.Cut(a, "=")
		if got := ts.ReadFile(name); got != text {
			ts.Fatalf("%s holds %q, want %q", name, got, text)
		}
	}
}

// objects [-type TYPE] BUCKET KEY=TEXT...: each object holds exactly TEXT
// (=@FILE: the content of FILE), with content type TYPE if given.
func cmdObjects(ts *testscript.TestScript, neg bool, args []string) {
	e, ctype := scriptOf(ts).needMoto(ts), ""
	if len(args) > 1 && args[0] == "-type" {
		ctype, args = args[1], args[2:]
	}
	usage(ts, neg || len(args) < 2, "objects [-type TYPE] BUCKET KEY=TEXT|@FILE...")
	for _, a := range args[1:] {
		key, text, _ := strings.Cut(a, "=")
		if strings.HasPrefix(text, "@") {
			text = ts.ReadFile(text[1:])
		}
		if got, typ := e.objGet(args[0], key); got != text || ctype != "" && typ != ctype {
			ts.Fatalf("s3://%s/%s holds %q (%s), want %q (%s)", args[0], key, got, typ, text, ctype)
		}
	}
}

// keys BUCKET [KEY...]: the bucket holds exactly these keys.
func cmdKeys(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	usage(ts, neg || len(args) == 0, "keys BUCKET [KEY...]")
	if got, want := e.objKeys(args[0]), slices.Sorted(slices.Values(args[1:])); !slices.Equal(got, want) {
		ts.Fatalf("s3://%s holds %q, want %q", args[0], got, want)
	}
}

// bpolicy BUCKET: print the bucket's policy as compact JSON (nothing when
// it has none), for cmp.
func cmdBucketPolicy(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	usage(ts, neg || len(args) != 1, "bpolicy BUCKET")
	out := ts.Stdout() // called even when nothing is written: stdout is then empty
	if p := e.bucketPolicy(args[0]); p != "" {
		fmt.Fprintln(out, p)
	}
}

// bucketPolicy is the bucket's policy as compact JSON, or "" when it has none.
func (e *e2e) bucketPolicy(bucket string) string {
	e.t.Helper()
	out, err := e.Clients.S3.GetBucketPolicy(e.ctx(), &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	if awsclient.ErrorCode(err) == "NoSuchBucketPolicy" {
		return ""
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return compactText(e.t, aws.ToString(out.Policy))
}

// [!] role NAME [POLICY=DOC]: print the role as IAM holds it (ARN,
// MaxSessionDuration, description, trust policy, a line per tag, then
// "NAME DOCUMENT" per inline policy, as policies prints them), for cmp;
// with !, the role does not exist. POLICY=DOC first puts an inline policy.
func cmdRole(ts *testscript.TestScript, neg bool, args []string) {
	e := scriptOf(ts).needMoto(ts)
	usage(ts, len(args) < 1 || len(args) > 2 || neg && len(args) != 1, "[!] role NAME [POLICY=DOC]")
	if name, doc, ok := strings.Cut(strings.Join(args[1:], ""), "="); ok {
		e.putRolePolicy(args[0], name, doc)
	}
	v, out := e.role(args[0]), ts.Stdout()
	if (v == nil) != neg {
		ts.Fatalf("role %s exists: %v", args[0], v != nil)
	}
	if v == nil {
		return
	}
	fmt.Fprintf(out, "%s %d %q\ntrust %s\n", v.Arn, v.MaxDuration, v.Description, v.Trust)
	for _, k := range slices.Sorted(maps.Keys(v.Tags)) {
		fmt.Fprintf(out, "tag %s=%s\n", k, v.Tags[k])
	}
	for _, k := range slices.Sorted(maps.Keys(v.Inline)) {
		fmt.Fprintf(out, "%s %s\n", k, v.Inline[k])
	}
}
