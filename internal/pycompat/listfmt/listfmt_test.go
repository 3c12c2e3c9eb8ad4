package listfmt

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

func listRows() []pyjson.Map {
	when := time.Date(2026, 11, 26, 20, 48, 18, 412574000, time.UTC)
	return []pyjson.Map{
		{
			{Key: "Key", Value: "plain"}, {Key: "Size", Value: int64(6)},
			{Key: "Tags", Value: []any{pyjson.Map{{Key: "Key", Value: "a"}, {Key: "Value", Value: "b"}}}},
			{Key: "Note", Value: `has "quotes", and comma`}, {Key: "When", Value: when}, {Key: "Flag", Value: true},
			{Key: "Empty", Value: nil}, {Key: "Multi", Value: "line1\nline2"}, {Key: " lead", Value: " space"},
		},
		{{Key: "Key", Value: "tab\there"}, {Key: "Size", Value: int64(0)}},
	}
}

var listHeaders = []string{"Key", "Size", "Tags", "Note", "When", "Flag", "Empty", "Multi", " lead"}

func TestListWriterFormats(t *testing.T) {
	for _, tc := range []struct {
		golden string
		format Format
		rows   []pyjson.Map
	}{
		{"list.json.golden", JSONArray, listRows()},
		{"list.empty.golden", JSONArray, nil},
		{"list.nl.golden", NL, listRows()},
		{"list.csv.golden", CSV, listRows()},
		{"list.tsv.golden", TSV, listRows()},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			lw := NewListWriter(&b, tc.format, listHeaders)
			for _, r := range tc.rows {
				if err := lw.Write(r); err != nil {
					t.Fatal(err)
				}
			}
			if err := lw.Close(); err != nil {
				t.Fatal(err)
			}
			recorded(t, tc.golden, b.String())
		})
	}
}

func TestListWriterStreamsAndIgnoresExtraFields(t *testing.T) {
	var b bytes.Buffer
	lw := NewListWriter(&b, JSONArray, nil)
	_ = lw.Write(pyjson.Map{{Key: "a", Value: 1}})
	if !strings.HasPrefix(b.String(), "[\n  {\n    \"a\": 1\n  }") {
		t.Fatalf("first item not written before Close: %q", b.String())
	}
	b.Reset()
	lw = NewListWriter(&b, CSV, []string{"Key"})
	if err := lw.Write(pyjson.Map{{Key: "Key", Value: "k"}, {Key: "ChecksumAlgorithm", Value: []any{"CRC32"}}}); err != nil {
		t.Fatal(err)
	}
	if b.String() != "Key\r\nk\r\n" {
		t.Errorf("got %q", b.String())
	}
}
