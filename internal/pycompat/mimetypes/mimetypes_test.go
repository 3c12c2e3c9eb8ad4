package mimetypes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// guessScript answers, for each name, what Python's guess_type gives with
// the tables it is handed (ours), so any difference is in the lookup.
const guessScript = `
import json, mimetypes, platform, sys
req = json.load(sys.stdin)
m = mimetypes.MimeTypes(filenames=())
m.suffix_map = req["suffixes"]
m.encodings_map = {k: "x" for k in req["encodings"]}
m.types_map = ({}, req["types"])
json.dump({"version": platform.python_version(),
           "types": [m.guess_type(n)[0] for n in req["names"]]}, sys.stdout)
`

// mimeNames are names whose lookup takes each path of guess_type, with
// random ones built from the pieces that matter.
func mimeNames() []string {
	names := []string{
		"", ".", "..", "/", "a.", "a/", "a.b/c", "a.json/", ".json", "..json", "a..json", "/.json",
		"a/.json", "a/..json", "a/b.json", ".json.gz", "a.JSON.gz", "a.json.GZ", "a.json.Z", "a.json.z",
		"a.tar.gz", "a.TGZ", "a.tGz", "a.svgz", "a.SvGz.gz", "a.tgz.gz", "a.gz.gz", "a.gz", "a.br",
		"a.json.br", "a.json.bz2", "a.json.xz", "a.tbz2", "a.txz", "a.taz", "a.tz",
		"x:.json", "x:a.json", ":a.json", "a:b:c.json", "a/b:c.json", "ab:/c.json", "a.b:c", "x.tar:y.gz",
		"data:", "data:x.json", "data:,x.json", "DATA:text/html,x", "Data:text/html;charset=utf-8,x",
		"data:image/png;base64,AAA", "data:foo=bar/x,y", "data:nope,x", "data:;base64,x", "data:a/b;c,d;e/f",
		"data:/x.json", "dat:a.json", "datum:a.json",
		"a.\u0130co", "a.\u212Ash", "a.\u212A", "\u0130.json", "a.jsOn", "a.\u00e9", "caf\u00e9.html",
		"a.JSON\u0000", "a b.txt", "a.txt ", "a.t xt", "a\n.json", "data:a/b\n,c",
	}
	var exts []string
	for ext := range pyTypes {
		exts = append(exts, ext)
	}
	for ext := range pySuffixAliases {
		exts = append(exts, ext)
	}
	for ext := range pyEncodings {
		exts = append(exts, ext)
	}
	for _, ext := range exts {
		names = append(names, "f"+ext, "d/f"+strings.ToUpper(ext), "f"+ext+".gz", "f"+ext+".Z")
	}
	pieces := []string{".", ".", ".", "/", ":", "a", "J", "son", "json", "gz", "GZ", "Z", "z", "tgz", "tar",
		"svg", "SVGZ", "data", "DATA", ",", ";", "=", "x/y", "\u0130", "\u212A", "sh", "html", "TXT", "br",
		"bz2", "xz", "..", " ", "\u00e9"}
	r := rand.New(rand.NewPCG(11, 23))
	for range 3000 {
		var b strings.Builder
		for range 1 + r.IntN(8) {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		names = append(names, b.String())
	}
	return names
}

// GuessType gives what Python's guess_type gives for the same
// tables, for thousands of names. Python runs the lookup of its own
// version; when that is not the one the tables came from and results
// differ, the failure says so.
func TestGuessTypeMatchesPython(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		testenv.Unavailable(t, "python3", "GuessType is checked against python3's mimetypes.guess_type")
	}
	names := mimeNames()
	req, err := json.Marshal(map[string]any{
		"suffixes": pySuffixAliases, "encodings": pyEncodings, "types": pyTypes, "names": names,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "-I", "-c", guessScript)
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", python, err, stderr.String())
	}
	var res struct {
		Version string
		Types   []*string
	}
	if err := json.Unmarshal(out, &res); err != nil || len(res.Types) != len(names) {
		t.Fatalf("python answered %d types for %d names (%v): %.500s", len(res.Types), len(names), err, out)
	}
	var bad []string
	for i, name := range names {
		want := ""
		if res.Types[i] != nil {
			want = *res.Types[i]
		}
		if got := GuessType(name); got != want {
			bad = append(bad, fmt.Sprintf("%q: %q, Python %q", name, got, want))
		}
	}
	if len(bad) == 0 {
		return
	}
	if len(bad) > 30 {
		bad = append(bad[:30], fmt.Sprintf("... and %d more", len(bad)-30))
	}
	note := ""
	if res.Version != pyMimetypesVersion {
		note = fmt.Sprintf("\nPYTHON VERSION MISMATCH: python3 is Python %s, the lookup follows Python %s's guess_type (the version table.go names); run the tests with that version as python3.",
			res.Version, pyMimetypesVersion)
	}
	t.Fatalf("GuessType differs from Python %s's mimetypes.guess_type for %d of %d names:\n%s%s",
		res.Version, len(bad), len(names), strings.Join(bad, "\n"), note)
}

// Expected values from Python 3.11: mimetypes.MimeTypes(filenames=()).guess_type(name)[0].
func TestGuessType(t *testing.T) {
	for name, want := range map[string]string{
		"a.html":         "text/html",
		"x.JSON":         "application/json",
		"photo.jpg":      "image/jpeg",
		"dir/p.JPEG":     "image/jpeg",
		"a.tar.gz":       "application/x-tar",
		"a.tgz":          "application/x-tar",
		"a.json.gz":      "application/json",
		"a.GZ":           "",
		"a.svgz":         "image/svg+xml",
		"a.txt.Z":        "text/plain",
		".bashrc":        "",
		"..json":         "",
		"a..json":        "application/json",
		"dir.d/file":     "",
		"noext":          "",
		"x.webp":         "",
		"a.mjs":          "application/javascript",
		"a.css":          "text/css",
		"a.png":          "image/png",
		"a.pdf":          "application/pdf",
		"a.svg":          "image/svg+xml",
		"a.js":           "application/javascript",
		"site/index.htm": "text/html",
		// The name is read as a URL: a scheme is dropped, a data URL
		// names its type.
		"x:.json":                   "",
		"x:a.json":                  "application/json",
		"dir/x:.json":               "application/json",
		"data:image/png;base64,AAA": "image/png",
		"DATA:nope,x":               "text/plain",
		"data:x.json":               "",
		// Python lower-cases U+0130 to "i" and a combining dot.
		"a.\u0130co": "",
		"a.ICO":      "image/vnd.microsoft.icon",
	} {
		if got := GuessType(name); got != want {
			t.Errorf("GuessType(%q) = %q, want %q", name, got, want)
		}
	}
}
