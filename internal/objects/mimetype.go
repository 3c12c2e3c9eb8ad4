package objects

//go:generate go run ./internal/mimegen -o mimetype_table.go

import "strings"

// GuessContentType guesses a Content-Type from a file name the way Python's
// mimetypes.guess_type does with its built-in strict table (the reference
// used it): suffix aliases such as .tgz are expanded, a compression suffix
// (.gz, .bz2, .xz, .Z, .br) is set aside and the type of what is inside is
// returned, and the lookup ignores case. "" means unknown.
func GuessContentType(name string) string {
	base, ext := splitExt(name)
	for {
		alias, ok := pySuffixAliases[strings.ToLower(ext)]
		if !ok {
			break
		}
		base, ext = splitExt(base + alias)
	}
	if pyEncodings[ext] { // case-sensitive, as in Python
		base, ext = splitExt(base)
	}
	return pyTypes[strings.ToLower(ext)]
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
