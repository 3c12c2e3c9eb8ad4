package pyjson

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestEncodeMatchesPythonJSONDumps(t *testing.T) {
	in, err := os.ReadFile(filepath.Join("testdata", "input.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		golden string
		indent int
	}{{"encode_indent4.golden", 4}, {"encode_indent2.golden", 2}, {"encode_compact.golden", -1}} {
		t.Run(tc.golden, func(t *testing.T) {
			recorded(t, tc.golden, string(Encode(v, tc.indent)))
		})
	}
}

func TestEncodeRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    any
		want string
	}{
		{"no html escaping", "<a href='x'>&</a>", `"<a href='x'>&</a>"`},
		{"non-ascii escaped lowercase", "é☃", `"\u00e9\u2603"`},
		{"astral plane as surrogate pair", "😀", `"\ud83d\ude00"`},
		{"DEL escaped", "\x7f", `"\u007f"`},
		{"empty map", Map{}, `{}`},
		{"empty list", []any{}, `[]`},
		{"nil slice is an empty list", []string(nil), `[]`},
		{"member order kept", Map{{"z", 1}, {"a", 2}}, "{\n    \"z\": 1,\n    \"a\": 2\n}"},
		{"time as str(datetime)", time.Date(2021, 11, 3, 1, 38, 24, 0, time.UTC), `"2021-11-03 01:38:24+00:00"`},
		{"float integral", 3.0, `3.0`},
		{"float large", 1e22, `1e+22`},
		{"float small", 0.00001, `1e-05`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := string(Encode(tc.v, 4)); got != tc.want {
				t.Errorf("got %s want %s", got, tc.want)
			}
		})
	}
}

func TestEncodeCompactHasNoSpaces(t *testing.T) {
	got := string(EncodeCompact(Map{{"a", []any{1, "b c"}}, {"d", Map{{"e", nil}}}}))
	if want := `{"a":[1,"b c"],"d":{"e":null}}`; got != want {
		t.Errorf("got %s want %s", got, want)
	}
}

func TestPyTime(t *testing.T) {
	times := []time.Time{
		time.Date(2021, 11, 3, 1, 38, 24, 0, time.UTC),
		time.Date(2026, 11, 26, 20, 48, 18, 412574000, time.UTC),
		time.Date(2026, 1, 2, 3, 4, 5, 1000, time.UTC),
	}
	var lines []string
	for _, tm := range times {
		lines = append(lines, PyTime(tm))
	}
	recorded(t, "pytime.golden", strings.Join(lines, "\n")+"\n")
	// Other zones are shown in UTC, as botocore parses AWS timestamps.
	est := time.FixedZone("EST", -5*3600)
	if got := PyTime(time.Date(2021, 11, 2, 20, 38, 24, 0, est)); got != "2021-11-03 01:38:24+00:00" {
		t.Errorf("got %s", got)
	}
}

func TestDecodeKeepsOrderAndLastDuplicate(t *testing.T) {
	v, err := Decode([]byte(`{"b": 1, "a": 2, "b": 3}`))
	if err != nil {
		t.Fatal(err)
	}
	m := v.(Map)
	if strings.Join(m.Keys(), ",") != "b,a" {
		t.Errorf("keys %v", m.Keys())
	}
	if b, _ := m.Get("b"); string(Encode(b, -1)) != "3" {
		t.Errorf("b = %v", b)
	}
}

func TestDecodeRejects(t *testing.T) {
	for _, in := range []string{``, `{`, `{"a":1} x`, `{"a":}`, `[1,]`, `{1: 2}`} {
		if _, err := Decode([]byte(in)); err == nil {
			t.Errorf("Decode(%q) accepted", in)
		}
	}
}

// Values that marshal themselves (structs, json.Marshaler) are written in
// Python's format with encoding/json's member order.
func TestEncodeStructsThroughEncodingJSON(t *testing.T) {
	type inner struct {
		B string `json:"b"`
		A []int  `json:"a,omitempty"`
	}
	v := struct {
		Z     string          `json:"z"`
		In    inner           `json:"in"`
		Raw   json.RawMessage `json:"raw"`
		Empty []string        `json:"empty,omitempty"`
	}{"é<", inner{B: "x", A: []int{1}}, json.RawMessage(`{"y": 1.0, "x": 2}`), nil}
	want := `{"z": "\u00e9<", "in": {"b": "x", "a": [1]}, "raw": {"y": 1.0, "x": 2}}`
	if got := string(Encode(v, -1)); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
