// Package pyjson reads and writes JSON as Python's json module does, which
// is how the reference printed everything: Encode is json.dumps (indent,
// separators, \uXXXX escapes), Decode is json.loads keeping member order
// (Map, like a Python dict), and PyTime is str(datetime).
//
// Values are plain Go values: nil, bool, string, integers, float64,
// json.Number, time.Time, Map (an object whose key order is kept), []any and
// other slices. It knows nothing of AWS or the command line.
package pyjson

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Field is one member of a Map.
type Field struct {
	Key   string
	Value any
}

// Map is a JSON object that keeps the order its members were added in, as a
// Python dict does.
type Map []Field

// Set replaces the value of key, or appends it when the key is new.
func (m *Map) Set(key string, value any) {
	for i := range *m {
		if (*m)[i].Key == key {
			(*m)[i].Value = value
			return
		}
	}
	*m = append(*m, Field{key, value})
}

// Put appends key with v unless v is absent: nil, a nil pointer, or an
// empty string (an unset enum), the way botocore leaves out absent members.
// Pointers are stored as the values they point to.
func (m *Map) Put(key string, v any) {
	switch x := v.(type) {
	case nil:
		return
	case *string:
		if x == nil {
			return
		}
		v = *x
	case *time.Time:
		if x == nil {
			return
		}
		v = *x
	case *int32:
		if x == nil {
			return
		}
		v = *x
	case *int64:
		if x == nil {
			return
		}
		v = *x
	case *bool:
		if x == nil {
			return
		}
		v = *x
	case string:
		// enums are named strings; an empty one is absent.
		if x == "" {
			return
		}
	}
	*m = append(*m, Field{key, v})
}

// Get returns the value of key and whether it is present.
func (m Map) Get(key string) (any, bool) {
	for _, f := range m {
		if f.Key == key {
			return f.Value, true
		}
	}
	return nil, false
}

// Keys lists the member names in order.
func (m Map) Keys() []string {
	keys := make([]string, len(m))
	for i, f := range m {
		keys[i] = f.Key
	}
	return keys
}

// Encode renders v as Python's json.dumps(v, indent=indent, default=str).
// indent < 0 means json.dumps(v) without indent: one line, ", " and ": ".
func Encode(v any, indent int) []byte {
	var b bytes.Buffer
	e := encoder{buf: &b, indent: indent, itemSep: ", ", keySep: ": "}
	e.value(v, 0)
	return b.Bytes()
}

// EncodeCompact renders v on one line with no spaces between tokens: the
// smallest form, used for documents sent to AWS (whose size limits count it).
func EncodeCompact(v any) []byte {
	var b bytes.Buffer
	e := encoder{buf: &b, indent: -1, itemSep: ",", keySep: ":"}
	e.value(v, 0)
	return b.Bytes()
}

// WriteJSON writes v as json.dumps(v, indent=4) followed by a newline, the
// form every single-document command prints.
func WriteJSON(w io.Writer, v any) error {
	b := Encode(v, 4)
	b = append(b, '\n')
	_, err := w.Write(b)
	return err
}

type encoder struct {
	buf     *bytes.Buffer
	indent  int
	itemSep string // between items when not indenting
	keySep  string
}

func (e *encoder) newline(depth int) {
	e.buf.WriteByte('\n')
	for i := 0; i < depth*e.indent; i++ {
		e.buf.WriteByte(' ')
	}
}

func (e *encoder) sep(depth int) {
	if e.indent < 0 {
		e.buf.WriteString(e.itemSep)
		return
	}
	e.buf.WriteByte(',')
	e.newline(depth)
}

func (e *encoder) value(v any, depth int) {
	switch x := v.(type) {
	case nil:
		e.buf.WriteString("null")
	case bool:
		if x {
			e.buf.WriteString("true")
		} else {
			e.buf.WriteString("false")
		}
	case string:
		writeString(e.buf, x)
	case *string:
		if x == nil {
			e.buf.WriteString("null")
		} else {
			writeString(e.buf, *x)
		}
	case json.Number:
		e.buf.WriteString(PyNumber(x))
	case int:
		e.buf.WriteString(strconv.Itoa(x))
	case int32:
		e.buf.WriteString(strconv.FormatInt(int64(x), 10))
	case int64:
		e.buf.WriteString(strconv.FormatInt(x, 10))
	case *int32:
		if x == nil {
			e.buf.WriteString("null")
		} else {
			e.buf.WriteString(strconv.FormatInt(int64(*x), 10))
		}
	case *int64:
		if x == nil {
			e.buf.WriteString("null")
		} else {
			e.buf.WriteString(strconv.FormatInt(*x, 10))
		}
	case float64:
		e.buf.WriteString(PyFloat(x))
	case time.Time:
		writeString(e.buf, PyTime(x))
	case *time.Time:
		if x == nil {
			e.buf.WriteString("null")
		} else {
			writeString(e.buf, PyTime(*x))
		}
	case Map:
		e.object(x, depth)
	case []any:
		e.array(len(x), func(i int) any { return x[i] }, depth)
	case []string:
		e.array(len(x), func(i int) any { return x[i] }, depth)
	case []Map:
		e.array(len(x), func(i int) any { return x[i] }, depth)
	case json.Marshaler:
		e.viaJSON(v, depth)
	default:
		rv := reflect.ValueOf(v)
		switch rv.Kind() {
		case reflect.Struct, reflect.Map:
			e.viaJSON(v, depth)
		case reflect.Slice, reflect.Array:
			e.array(rv.Len(), func(i int) any { return rv.Index(i).Interface() }, depth)
		case reflect.String:
			writeString(e.buf, rv.String())
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
			e.buf.WriteString(strconv.FormatInt(rv.Int(), 10))
		case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			e.buf.WriteString(strconv.FormatUint(rv.Uint(), 10))
		case reflect.Float32:
			e.buf.WriteString(PyFloat(rv.Float()))
		default:
			// As json.dumps(default=str) would: the value's string form.
			writeString(e.buf, fmt.Sprint(v))
		}
	}
}

// viaJSON writes a value that knows how to marshal itself (a struct, or a
// json.Marshaler such as a policy document) as encoding/json reads it, in
// Python's format: member order is kept.
func (e *encoder) viaJSON(v any, depth int) {
	b, err := json.Marshal(v)
	if err == nil {
		var d any
		if d, err = Decode(b); err == nil {
			e.value(d, depth)
			return
		}
	}
	writeString(e.buf, fmt.Sprint(v))
}

func (e *encoder) object(m Map, depth int) {
	if len(m) == 0 {
		e.buf.WriteString("{}")
		return
	}
	e.buf.WriteByte('{')
	if e.indent >= 0 {
		e.newline(depth + 1)
	}
	for i, f := range m {
		if i > 0 {
			e.sep(depth + 1)
		}
		writeString(e.buf, f.Key)
		e.buf.WriteString(e.keySep)
		e.value(f.Value, depth+1)
	}
	if e.indent >= 0 {
		e.newline(depth)
	}
	e.buf.WriteByte('}')
}

func (e *encoder) array(n int, at func(int) any, depth int) {
	if n == 0 {
		e.buf.WriteString("[]")
		return
	}
	e.buf.WriteByte('[')
	if e.indent >= 0 {
		e.newline(depth + 1)
	}
	for i := 0; i < n; i++ {
		if i > 0 {
			e.sep(depth + 1)
		}
		e.value(at(i), depth+1)
	}
	if e.indent >= 0 {
		e.newline(depth)
	}
	e.buf.WriteByte(']')
}

const hexDigits = "0123456789abcdef"

// writeString writes s as Python's json with ensure_ascii=True: everything
// outside printable ASCII becomes \uXXXX (surrogate pairs above U+FFFF).
func writeString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x7f && c != '"' && c != '\\' {
			b.WriteByte(c)
			i++
			continue
		}
		if c < utf8.RuneSelf {
			switch c {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			default:
				writeU(b, rune(c))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r > 0xffff {
			r -= 0x10000
			writeU(b, 0xd800+(r>>10)&0x3ff)
			writeU(b, 0xdc00+r&0x3ff)
			continue
		}
		writeU(b, r)
	}
	b.WriteByte('"')
}

func writeU(b *bytes.Buffer, r rune) {
	b.WriteString(`\u`)
	b.WriteByte(hexDigits[r>>12&0xf])
	b.WriteByte(hexDigits[r>>8&0xf])
	b.WriteByte(hexDigits[r>>4&0xf])
	b.WriteByte(hexDigits[r&0xf])
}

// PyFloat formats f as Python's float repr does inside json.dumps.
func PyFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64)
	exp, _ := strconv.Atoi(e[strings.IndexByte(e, 'e')+1:])
	if exp < -4 || exp >= 16 {
		return e
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// PyNumber renders a JSON number literal the way Python re-encodes what
// json.loads parsed: integers as written, anything else as a float.
func PyNumber(n json.Number) string {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		// Python ints keep their digits; "-0" stays "0" as int("-0") == 0.
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return strconv.FormatInt(i, 10)
		}
		return strings.TrimLeft(s, "+")
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		// Out of range: Python turns it into inf.
		if strings.HasPrefix(s, "-") {
			return "-Infinity"
		}
		return "Infinity"
	}
	return PyFloat(f)
}

// PyTime formats t as Python's str(datetime) of an aware UTC datetime:
// "2021-11-03 01:38:24+00:00", with ".ffffff" only when microseconds are set.
func PyTime(t time.Time) string { return pyDatetime(t, " ") }

// PyISOFormat formats t as Python's datetime.isoformat() of an aware UTC
// datetime: "2021-11-03T01:38:24+00:00", microseconds as PyTime.
func PyISOFormat(t time.Time) string { return pyDatetime(t, "T") }

func pyDatetime(t time.Time, sep string) string {
	t = t.UTC()
	s := t.Format("2006-01-02" + sep + "15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		s += fmt.Sprintf(".%06d", us)
	}
	return s + "+00:00"
}
