package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
)

// Readers for the three container formats of a release, enough to list and
// extract their files without the tools of any one distribution. Each keeps
// a file's path (absolute, cleaned), mode and bytes.

type entry struct {
	mode int64 // permission bits
	dir  bool
	data []byte
}

// readTarGz reads a gzipped tar; paths are kept relative, as archives hold them.
func readTarGz(b []byte) (map[string]entry, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	files := map[string]entry{}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return files, nil
		}
		if err != nil {
			return nil, err
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return nil, err
		}
		name := path.Clean(strings.TrimPrefix(h.Name, "./"))
		if _, dup := files[name]; dup {
			return nil, fmt.Errorf("%s is in the archive twice", name)
		}
		files[name] = entry{mode: h.Mode & 0o7777, dir: h.Typeflag == tar.TypeDir, data: data}
	}
}

// readDeb reads a .deb: an ar archive of debian-binary ("2.0"),
// control.tar.gz and data.tar.gz, in that order. It returns the data
// files under absolute paths and the control file's fields.
func readDeb(b []byte) (files map[string]entry, control map[string]string, err error) {
	const magic = "!<arch>\n"
	if !bytes.HasPrefix(b, []byte(magic)) {
		return nil, nil, errors.New("no ar magic")
	}
	rest := b[len(magic):]
	var members []string
	body := map[string][]byte{}
	for len(rest) > 0 {
		if len(rest) < 60 || string(rest[58:60]) != "`\n" {
			return nil, nil, errors.New("bad ar member header")
		}
		name := strings.TrimSuffix(strings.TrimSpace(string(rest[:16])), "/")
		size, err := strconv.Atoi(strings.TrimSpace(string(rest[48:58])))
		if err != nil || size < 0 || 60+size > len(rest) {
			return nil, nil, fmt.Errorf("ar member %q: bad size", name)
		}
		members = append(members, name)
		body[name] = rest[60 : 60+size]
		rest = rest[60+size:]
		if size%2 == 1 && len(rest) > 0 {
			rest = rest[1:]
		}
	}
	if strings.Join(members, ",") != "debian-binary,control.tar.gz,data.tar.gz" {
		return nil, nil, fmt.Errorf("ar members %v, want debian-binary, control.tar.gz, data.tar.gz", members)
	}
	if string(body["debian-binary"]) != "2.0\n" {
		return nil, nil, fmt.Errorf("debian-binary is %q", body["debian-binary"])
	}
	ctl, err := readTarGz(body["control.tar.gz"])
	if err != nil {
		return nil, nil, fmt.Errorf("control.tar.gz: %v", err)
	}
	c, ok := ctl["control"]
	if !ok {
		return nil, nil, errors.New("control.tar.gz has no control file")
	}
	control = map[string]string{}
	for _, line := range strings.Split(string(c.data), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, " ") {
			control[k] = v
		}
	}
	data, err := readTarGz(body["data.tar.gz"])
	if err != nil {
		return nil, nil, fmt.Errorf("data.tar.gz: %v", err)
	}
	files = map[string]entry{}
	for name, e := range data {
		files[path.Join("/", name)] = e
	}
	return files, control, nil
}

// RPM header tags read here (rpm's lib/rpmtag.h).
const (
	tagName              = 1000
	tagVersion           = 1001
	tagArch              = 1022
	tagFileModes         = 1030
	tagDirIndexes        = 1116
	tagBaseNames         = 1117
	tagDirNames          = 1118
	tagPayloadFormat     = 1124
	tagPayloadCompressor = 1125
)

type rpmHeader struct {
	strs map[int][]string
	ints map[int][]int64
}

// readRPMHeader reads one header structure (magic, index, data store) at
// the start of b and returns it with its length.
func readRPMHeader(b []byte) (rpmHeader, int, error) {
	h := rpmHeader{strs: map[int][]string{}, ints: map[int][]int64{}}
	if len(b) < 16 || !bytes.Equal(b[:4], []byte{0x8e, 0xad, 0xe8, 0x01}) {
		return h, 0, errors.New("no header magic")
	}
	n := int(binary.BigEndian.Uint32(b[8:12]))
	size := int(binary.BigEndian.Uint32(b[12:16]))
	if n > 10000 || size > 64<<20 || 16+16*n+size > len(b) {
		return h, 0, errors.New("header sizes out of range")
	}
	index, store := b[16:16+16*n], b[16+16*n:16+16*n+size]
	for i := 0; i < n; i++ {
		e := index[16*i:]
		tag := int(binary.BigEndian.Uint32(e[0:4]))
		typ := binary.BigEndian.Uint32(e[4:8])
		off := int(binary.BigEndian.Uint32(e[8:12]))
		count := int(binary.BigEndian.Uint32(e[12:16]))
		if off > len(store) || count > len(store) {
			return h, 0, fmt.Errorf("tag %d: offset or count out of range", tag)
		}
		switch typ {
		case 6, 8, 9: // STRING, STRING_ARRAY, I18NSTRING
			p := store[off:]
			for j := 0; j < count; j++ {
				end := bytes.IndexByte(p, 0)
				if end < 0 {
					return h, 0, fmt.Errorf("tag %d: unterminated string", tag)
				}
				h.strs[tag] = append(h.strs[tag], string(p[:end]))
				p = p[end+1:]
			}
		case 3, 4: // INT16, INT32
			w := 2 * int(typ-2)
			if off+w*count > len(store) {
				return h, 0, fmt.Errorf("tag %d: integers out of range", tag)
			}
			for j := 0; j < count; j++ {
				v := store[off+w*j:]
				if w == 2 {
					h.ints[tag] = append(h.ints[tag], int64(binary.BigEndian.Uint16(v)))
				} else {
					h.ints[tag] = append(h.ints[tag], int64(binary.BigEndian.Uint32(v)))
				}
			}
		}
	}
	return h, 16 + 16*n + size, nil
}

// readRPM reads an .rpm: the 96-byte lead, the signature header (padded to
// 8 bytes), the main header, then the payload, a gzipped cpio archive. It
// checks that the header's file list and the payload agree.
func readRPM(b []byte) (files map[string]entry, h rpmHeader, err error) {
	if len(b) < 96 || !bytes.Equal(b[:4], []byte{0xed, 0xab, 0xee, 0xdb}) {
		return nil, h, errors.New("no rpm lead magic")
	}
	_, n, err := readRPMHeader(b[96:])
	if err != nil {
		return nil, h, fmt.Errorf("signature header: %v", err)
	}
	off := 96 + (n+7)/8*8
	h, n, err = readRPMHeader(b[off:])
	if err != nil {
		return nil, h, fmt.Errorf("main header: %v", err)
	}
	if f, c := h.strs[tagPayloadFormat], h.strs[tagPayloadCompressor]; len(f) != 1 || f[0] != "cpio" || len(c) != 1 || c[0] != "gzip" {
		return nil, h, fmt.Errorf("payload %v compressed with %v, want cpio and gzip", f, c)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b[off+n:]))
	if err != nil {
		return nil, h, fmt.Errorf("payload: %v", err)
	}
	payload, err := io.ReadAll(zr)
	if err != nil {
		return nil, h, fmt.Errorf("payload: %v", err)
	}
	files, err = readCpio(payload)
	if err != nil {
		return nil, h, fmt.Errorf("payload: %v", err)
	}

	base, dirs, idx, modes := h.strs[tagBaseNames], h.strs[tagDirNames], h.ints[tagDirIndexes], h.ints[tagFileModes]
	if len(base) != len(idx) || len(base) != len(modes) {
		return nil, h, fmt.Errorf("header lists %d names, %d dir indexes, %d modes", len(base), len(idx), len(modes))
	}
	listed := map[string]bool{}
	for i, name := range base {
		if idx[i] >= int64(len(dirs)) {
			return nil, h, fmt.Errorf("%s: dir index out of range", name)
		}
		p := path.Clean(dirs[idx[i]] + name)
		listed[p] = true
		e, ok := files[p]
		if !ok {
			return nil, h, fmt.Errorf("header lists %s, payload lacks it", p)
		}
		if modes[i]&0o7777 != e.mode {
			return nil, h, fmt.Errorf("%s: mode %o in the header, %o in the payload", p, modes[i]&0o7777, e.mode)
		}
	}
	for p := range files {
		if !listed[p] {
			return nil, h, fmt.Errorf("payload holds %s, header does not list it", p)
		}
	}
	return files, h, nil
}

// readCpio reads a "new ASCII" cpio archive (070701, or 070702 with
// checksums), rpm's payload format.
func readCpio(b []byte) (map[string]entry, error) {
	files := map[string]entry{}
	pad := func(n int) int { return (n + 3) &^ 3 }
	for off := 0; ; {
		if off+110 > len(b) {
			return nil, errors.New("cpio: truncated header")
		}
		hdr := b[off : off+110]
		if m := string(hdr[:6]); m != "070701" && m != "070702" {
			return nil, fmt.Errorf("cpio: bad magic %q", m)
		}
		field := func(i int) (int, error) {
			v, err := strconv.ParseUint(string(hdr[6+8*i:14+8*i]), 16, 32)
			return int(v), err
		}
		mode, err1 := field(1)
		size, err2 := field(6)
		nameSize, err3 := field(11)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("cpio: %v", err)
		}
		if nameSize < 1 || off+110+nameSize > len(b) {
			return nil, errors.New("cpio: bad name size")
		}
		name := string(b[off+110 : off+110+nameSize-1])
		data := off + pad(110+nameSize)
		if data+size > len(b) {
			return nil, errors.New("cpio: truncated file")
		}
		if name == "TRAILER!!!" {
			return files, nil
		}
		p := path.Clean("/" + strings.TrimPrefix(name, "."))
		files[p] = entry{mode: int64(mode & 0o7777), dir: mode&0o170000 == 0o040000, data: b[data : data+size]}
		off = data + pad(size)
	}
}
