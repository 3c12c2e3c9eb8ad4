package pyjson

import (
	"bytes"
	"encoding/json"
	"math"
	"strconv"
	"testing"
)

// FuzzDecodeEncode: any text Decode accepts encodes (compact and indented)
// to JSON that decodes to the same value, and Decode agrees with
// encoding/json on what is JSON.
func FuzzDecodeEncode(f *testing.F) {
	for _, s := range []string{
		`{"b": 1, "a": [true, false, null, 1.5e300, -0, 1E2, "\u00e9\ud83d\ude00"]}`,
		`{"a": 1, "a": 2}`, `"\ud800"`, `[]`, `{}`, `1e999`, `-0.0`, `123456789012345678901234567890`,
		`{"x": "</script>\u2028"}`, `[1,]`, `{"a" 1}`, `NaN`, `Infinity`, "\"\xff\"", ` [ 1 , 2 ] `, `"\/"`,
		`{"a":{"b":{"c":[[[]]]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Decode(data)
		if (err == nil) != json.Valid(data) {
			t.Fatalf("Decode(%q) error %v, but json.Valid says %v", data, err, json.Valid(data))
		}
		if err != nil {
			if err.Error() == "" {
				t.Fatalf("Decode(%q): empty error message", data)
			}
			return
		}
		if nonFinite(v) {
			// Python's json.dumps writes numbers beyond float64 as Infinity,
			// which is not JSON; Encode matches it. Nothing to read back.
			if enc := Encode(v, -1); !bytes.Contains(enc, []byte("Infinity")) {
				t.Fatalf("Encode(Decode(%q)) = %q: where is Infinity?", data, enc)
			}
			return
		}
		for _, indent := range []int{-1, 0, 2, 4} {
			enc := Encode(v, indent)
			back, err := Decode(enc)
			if err != nil {
				t.Fatalf("Encode(Decode(%q), %d) = %q does not decode: %v", data, indent, enc, err)
			}
			if again := Encode(back, indent); !bytes.Equal(again, enc) {
				t.Fatalf("round trip of %q with indent %d: %q then %q", data, indent, enc, again)
			}
		}
		compact := EncodeCompact(v)
		if !json.Valid(compact) {
			t.Fatalf("EncodeCompact(Decode(%q)) = %q is not JSON", data, compact)
		}
	})
}

// nonFinite reports whether v holds a number too large for a float64.
func nonFinite(v any) bool {
	switch x := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		return err != nil || math.IsInf(f, 0)
	case Map:
		for _, fl := range x {
			if nonFinite(fl.Value) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if nonFinite(e) {
				return true
			}
		}
	}
	return false
}
