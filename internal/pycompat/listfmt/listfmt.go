// Package listfmt writes the listing commands' output as the reference did:
// a JSON array streamed item by item, newline-delimited JSON (--nl), or CSV
// and TSV in Python's csv dialects (--csv, --tsv).
package listfmt

import (
	"bytes"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/pyjson"
)

// Format is how a listing command prints its items.
type Format int

const (
	// JSONArray is the default: a JSON array streamed item by item.
	JSONArray Format = iota
	// NL is one compact JSON object per line (--nl).
	NL
	// CSV is Python's csv "excel" dialect (--csv).
	CSV
	// TSV is Python's csv "excel-tab" dialect (--tsv).
	TSV
)

// FormatFromFlags picks the listing format from the --nl/--csv/--tsv flags,
// in the reference's order of precedence.
func FormatFromFlags(nl, csv, tsv bool) Format {
	switch {
	case nl:
		return NL
	case csv:
		return CSV
	case tsv:
		return TSV
	}
	return JSONArray
}

// ListWriter streams a listing: each Write prints its item at once, so the
// first item is out before the last page is fetched.
type ListWriter struct {
	w       io.Writer
	format  Format
	headers []string
	count   int
	err     error
}

// NewListWriter starts a listing in the given format. headers are the
// CSV/TSV columns; members outside them are left out of CSV/TSV rows.
func NewListWriter(w io.Writer, format Format, headers []string) *ListWriter {
	lw := &ListWriter{w: w, format: format, headers: headers}
	if format == CSV || format == TSV {
		cells := make([]string, len(headers))
		copy(cells, headers)
		lw.write(csvRow(cells, lw.delim()))
	}
	return lw
}

func (lw *ListWriter) delim() byte {
	if lw.format == TSV {
		return '\t'
	}
	return ','
}

func (lw *ListWriter) write(b []byte) {
	if lw.err == nil {
		_, lw.err = lw.w.Write(b)
	}
}

// Write prints one item.
func (lw *ListWriter) Write(item pyjson.Map) error {
	var b bytes.Buffer
	switch lw.format {
	case NL:
		b.Write(pyjson.Encode(item, -1))
		b.WriteByte('\n')
	case CSV, TSV:
		cells := make([]string, len(lw.headers))
		for i, h := range lw.headers {
			if v, ok := item.Get(h); ok {
				cells[i] = CSVCell(v)
			}
		}
		b.Write(csvRow(cells, lw.delim()))
	default:
		if lw.count == 0 {
			b.WriteString("[\n")
		} else {
			b.WriteString(",\n")
		}
		// json.dumps(item, indent=2) shifted right by two spaces.
		text := pyjson.Encode(item, 2)
		b.WriteString("  ")
		b.Write(bytes.ReplaceAll(text, []byte("\n"), []byte("\n  ")))
	}
	lw.count++
	lw.write(b.Bytes())
	return lw.err
}

// Close ends the listing ("]" or "[]" for the JSON array).
func (lw *ListWriter) Close() error {
	if lw.format == JSONArray {
		if lw.count == 0 {
			lw.write([]byte("[]\n"))
		} else {
			lw.write([]byte("\n]\n"))
		}
	}
	return lw.err
}

// CSVCell renders a value as Python's csv module would after the
// reference's fix_json: lists and objects JSON-encoded with indent 2,
// None empty, booleans True/False, timestamps as str(datetime).
func CSVCell(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case *string:
		if x == nil {
			return ""
		}
		return *x
	case bool:
		if x {
			return "True"
		}
		return "False"
	case time.Time:
		return pyjson.PyTime(x)
	case *time.Time:
		if x == nil {
			return ""
		}
		return pyjson.PyTime(*x)
	case int:
		return strconv.Itoa(x)
	case int64:
		return strconv.FormatInt(x, 10)
	case int32:
		return strconv.FormatInt(int64(x), 10)
	case *int64:
		if x == nil {
			return ""
		}
		return strconv.FormatInt(*x, 10)
	case *int32:
		if x == nil {
			return ""
		}
		return strconv.FormatInt(int64(*x), 10)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return rv.String() // named string types such as SDK enums
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	}
	// Maps, lists and anything else: JSON with indent 2.
	return string(pyjson.Encode(v, 2))
}

// csvRow renders one row as Python's csv writer with QUOTE_MINIMAL: a field
// is quoted when it holds the delimiter, a quote, \r or \n; quotes double.
func csvRow(cells []string, delim byte) []byte {
	var b bytes.Buffer
	if len(cells) == 1 && cells[0] == "" {
		// Python quotes a lone empty field, so the row is not a blank line.
		b.WriteString("\"\"\r\n")
		return b.Bytes()
	}
	for i, c := range cells {
		if i > 0 {
			b.WriteByte(delim)
		}
		if strings.IndexByte(c, delim) >= 0 || strings.ContainsAny(c, "\"\r\n") {
			b.WriteByte('"')
			b.WriteString(strings.ReplaceAll(c, `"`, `""`))
			b.WriteByte('"')
		} else {
			b.WriteString(c)
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}
