package objects

import (
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"
)

// S3's ETag of an object uploaded in one request is the MD5 of its bytes,
// in hex. An object uploaded in N parts has "MD5-N", the MD5 of the
// concatenated binary MD5s of its parts: reproducing it needs the size the
// parts had. (Objects encrypted with KMS or a customer key have ETags that
// are neither.)

const mib = 1024 * 1024

// ParseETag splits an ETag, quoted or not, into its hex digest and its part
// count (0 for an object uploaded whole). ok is false when it has neither
// form.
func ParseETag(etag string) (digest string, parts int, ok bool) {
	etag = strings.Trim(etag, `"`)
	digest, count, multipart := strings.Cut(etag, "-")
	if len(digest) != 2*md5.Size {
		return "", 0, false
	}
	if _, err := hex.DecodeString(digest); err != nil {
		return "", 0, false
	}
	digest = strings.ToLower(digest)
	if !multipart {
		return digest, 0, true
	}
	n, err := strconv.Atoi(count)
	if err != nil || n < 1 || n > 10000 || count != strconv.Itoa(n) {
		return "", 0, false
	}
	return digest, n, true
}

// etagWriter computes the ETag that bytes written to it would get when
// uploaded in parts of partSize (or whole, when partSize is 0).
type etagWriter struct {
	partSize int64
	part     hash.Hash // the part being written
	left     int64     // bytes still to go in it
	sums     []byte    // binary MD5s of the finished parts
	parts    int
}

func newETagWriter(partSize int64) *etagWriter {
	return &etagWriter{partSize: partSize, part: md5.New(), left: partSize}
}

func (w *etagWriter) Write(p []byte) (int, error) {
	n := len(p)
	if w.partSize == 0 {
		w.part.Write(p)
		return n, nil
	}
	for len(p) > 0 {
		if w.left == 0 {
			w.endPart()
		}
		chunk := p
		if int64(len(chunk)) > w.left {
			chunk = chunk[:w.left]
		}
		w.part.Write(chunk)
		w.left -= int64(len(chunk))
		p = p[len(chunk):]
	}
	return n, nil
}

func (w *etagWriter) endPart() {
	w.sums = w.part.Sum(w.sums)
	w.parts++
	w.part.Reset()
	w.left = w.partSize
}

// ETag is the ETag of what was written, without quotes. An upload in parts
// has at least one part, even an empty one.
func (w *etagWriter) ETag() string {
	if w.partSize == 0 {
		return hex.EncodeToString(w.part.Sum(nil))
	}
	if w.left < w.partSize || w.parts == 0 {
		w.endPart()
	}
	sum := md5.Sum(w.sums)
	return fmt.Sprintf("%s-%d", hex.EncodeToString(sum[:]), w.parts)
}

// ETags reads r once and returns the ETag its bytes would get with each of
// partSizes (0: uploaded whole). The read is streamed: memory stays a
// buffer's worth whatever the size.
func ETags(r io.Reader, partSizes ...int64) ([]string, error) {
	ws := make([]io.Writer, len(partSizes))
	ews := make([]*etagWriter, len(partSizes))
	for i, ps := range partSizes {
		ews[i] = newETagWriter(ps)
		ws[i] = ews[i]
	}
	buf := make([]byte, 1<<20)
	if _, err := io.CopyBuffer(io.MultiWriter(ws...), r, buf); err != nil {
		return nil, err
	}
	tags := make([]string, len(ews))
	for i, w := range ews {
		tags[i] = w.ETag()
	}
	return tags, nil
}

// Part sizes in common use, tried when an object's part size is not known
// exactly and too many whole numbers of MiB would fit: this tool's, the
// aws CLI's and boto3's, the AWS SDK upload managers' and rclone's,
// s3cmd's, s5cmd's, and a common power of two.
var commonPartSizes = []int64{DefaultPartSize, 8 * mib, 5 * mib, 15 * mib, 50 * mib, 64 * mib}

// maxCandidates bounds the part sizes hashed at once (each costs a pass
// of MD5 over the file, though the file is read once).
const maxCandidates = 4

// PartSizeCandidates returns the part sizes, in whole MiB, that split size
// bytes into exactly parts parts with all but the last of the same size:
// p with ceil(size/p) = parts. When more than maxCandidates fit, only the
// common part sizes among them, and those of this tool's plans, are
// returned and all is false; otherwise all is true (every whole-MiB size
// that fits is returned).
func PartSizeCandidates(size int64, parts int) (sizes []int64, all bool) {
	if parts < 1 || size < 0 {
		return nil, true
	}
	if parts == 1 {
		// One part holds everything: any size at least this large.
		return []int64{max(size, 1)}, true
	}
	// (parts-1)*p < size <= parts*p, p a multiple of 1 MiB.
	n := int64(parts)
	lo := (size + n*mib - 1) / (n * mib)
	hi := (size - 1) / ((n - 1) * mib)
	lo = max(lo, 1)
	if hi < lo {
		return nil, true
	}
	if hi-lo+1 <= maxCandidates {
		for m := lo; m <= hi; m++ {
			sizes = append(sizes, m*mib)
		}
		return sizes, true
	}
	for _, ps := range commonPartSizes {
		if ps >= lo*mib && ps <= hi*mib {
			sizes = append(sizes, ps)
		}
	}
	// And the sizes this tool's plans give such a file (near and far).
	for _, near := range []bool{false, true} {
		if ps, _ := PartPlan(size, 1, near); ps >= lo*mib && ps <= hi*mib && !slices.Contains(sizes, ps) {
			sizes = append(sizes, ps)
		}
	}
	return sizes, false
}

// partsOf is how many parts of partSize hold size bytes (at least one).
func partsOf(size, partSize int64) int64 {
	if size == 0 {
		return 1
	}
	return (size + partSize - 1) / partSize
}
