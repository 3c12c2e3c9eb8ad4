// Package mimetypes guesses a Content-Type from a file name exactly as
// Python's mimetypes module does, which the Python tool's put-object used.
package mimetypes

//go:generate go run ./internal/mimegen -o table.go

import "strings"

// GuessType guesses a Content-Type from a file name the way the
// Python tool does: mimetypes.guess_type(name), strict mode, with the
// module's built-in tables (table.go, generated from Python; the
// system's mime.types files are not read). "" means unknown.
//
// As in Python, the name is taken for a URL first: what precedes its first
// colon, if that holds no slash, is a scheme and is dropped, and a "data:"
// URL names its own type. Then suffix aliases such as .tgz are expanded, a
// compression suffix (.gz, .bz2, .xz, .Z, .br; case-sensitive) is set aside
// for the suffix before it, and that suffix is looked up in lower case.
func GuessType(name string) string {
	if i := strings.IndexByte(name, ':'); i > 0 && strings.IndexByte(name[:i], '/') < 0 {
		if pyLower(name[:i]) == "data" {
			return dataURLType(name[i+1:])
		}
		name = name[i+1:]
	}
	base, ext := splitExt(name)
	// Python loops for as long as the alias table says; a table has fewer
	// aliases than that, unless it has a cycle, which would never end.
	for range len(pySuffixAliases) + 1 {
		alias, ok := pySuffixAliases[pyLower(ext)]
		if !ok {
			break
		}
		base, ext = splitExt(base + alias)
	}
	if pyEncodings[ext] { // case-sensitive, as in Python
		_, ext = splitExt(base)
	}
	return pyTypes[pyLower(ext)]
}

// dataURLType is the type a data URL (after "data:") declares, as
// guess_type reads it: up to the first ";" or ",", text/plain when that
// is no type/subtype, nothing without a ",".
func dataURLType(u string) string {
	comma := strings.IndexByte(u, ',')
	if comma < 0 {
		return ""
	}
	typ := u[:comma]
	if semi := strings.IndexByte(typ, ';'); semi >= 0 {
		typ = typ[:semi]
	}
	if strings.Contains(typ, "=") || !strings.Contains(typ, "/") {
		return "text/plain"
	}
	return typ
}

// pyLower is Python's str.lower where it can matter for a lookup: Go's
// strings.ToLower turns U+0130 (capital I with dot) into a plain "i",
// Python into "i" and a combining dot, which matches no suffix.
func pyLower(s string) string {
	return strings.ToLower(strings.ReplaceAll(s, "\u0130", "i\u0307"))
}

// splitExt is Python's posixpath.splitext: the extension is the last dot
// of the last path element and what follows, unless that element is all
// leading dots before it (".bashrc" has none).
func splitExt(p string) (string, string) {
	slash := strings.LastIndexByte(p, '/')
	dot := strings.LastIndexByte(p, '.')
	if dot <= slash {
		return p, ""
	}
	// Leading dots of the file name do not start an extension.
	for i := slash + 1; i < dot; i++ {
		if p[i] != '.' {
			return p[:dot], p[dot:]
		}
	}
	return p, ""
}
