package objects

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// Keys that cannot all be files beside each other: each is said in words.
func TestPlanPaths(t *testing.T) {
	keys := []string{"x", "x/y", "x/z", ".", "a/b", "a/./b", "m", "m/", "../up", "/", "./", "d/", "d/e", "fine"}
	rels, status := planPaths(keys)
	var got []string
	for i, k := range keys {
		var cl *clash
		switch err := status[i]; {
		case err == nil:
			got = append(got, fmt.Sprintf("%s=>%s", k, rels[i]))
		case errors.Is(err, ErrUnsafeKey):
			got = append(got, k+": refused")
		case errors.As(err, &cl):
			got = append(got, k+": "+cl.reason)
			if rels[i] != "" {
				t.Errorf("%s skipped but planned to %s", k, rels[i])
			}
		default:
			t.Errorf("%s: %v", k, err)
		}
	}
	want := []string{
		"x: key x/y needs x to be a directory, but key x is a file",
		"x/y=>x/y",
		"x/z=>x/z",
		".: the key names the output directory itself, not a file",
		"a/b=>a/b",
		"a/./b: the same file as key a/b",
		"m: key m/ needs m to be a directory, but key m is a file",
		"m/=>m",
		"../up: refused",
		"/: refused",
		"./=>.",
		"d/=>d",
		"d/e=>d/e",
		"fine=>fine",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
