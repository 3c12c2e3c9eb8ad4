package listfmt

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// FuzzCSV: whatever the headers and values, each CSV/TSV row reads back,
// with encoding/csv, as the cells written.
func FuzzCSV(f *testing.F) {
	for _, s := range [][3]string{
		{"name", "value", "plain"}, {"a,b", `q"uote`, "line\nbreak"}, {"", "", ""}, {"tab\there", "\r", "\r\n"},
		{" lead", "trail ", `""`}, {"\xff", "é", "#"},
	} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, header, cell1, cell2 string) {
		for _, format := range []Format{CSV, TSV} {
			var b bytes.Buffer
			lw := NewListWriter(&b, format, []string{header})
			rows := [][]string{{header}}
			for _, c := range []string{cell1, cell2} {
				if err := lw.Write(pyjson.Map{{Key: header, Value: c}}); err != nil {
					t.Fatal(err)
				}
				rows = append(rows, []string{c})
			}
			// Two columns as well: the delimiter between cells.
			lw2 := NewListWriter(&b, format, []string{header, header + "2"})
			rows = append(rows, []string{header, header + "2"})
			if err := lw2.Write(pyjson.Map{{Key: header, Value: cell1}, {Key: header + "2", Value: cell2}}); err != nil {
				t.Fatal(err)
			}
			rows = append(rows, []string{cell1, cell2})
			if err := lw.Close(); err != nil {
				t.Fatal(err)
			}

			r := csv.NewReader(bytes.NewReader(b.Bytes()))
			r.FieldsPerRecord = -1
			if format == TSV {
				r.Comma = '\t'
			}
			got, err := r.ReadAll()
			if err != nil {
				t.Fatalf("format %d, cells %q %q %q: output %q does not parse: %v", format, header, cell1, cell2, b.String(), err)
			}
			// encoding/csv reads \r\n inside a quoted field as \n, and
			// drops a \r at the end of an unquoted one; compare with that.
			norm := func(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }
			if len(got) != len(rows) {
				t.Fatalf("format %d: %d rows read back from %q, want %d", format, len(got), b.String(), len(rows))
			}
			for i := range rows {
				for j := range rows[i] {
					if j >= len(got[i]) || got[i][j] != norm(rows[i][j]) {
						t.Fatalf("format %d, row %d: read %q from %q, wrote %q", format, i, got[i], b.String(), rows[i])
					}
				}
			}
		}
	})
}
