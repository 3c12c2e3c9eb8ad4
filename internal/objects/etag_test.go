package objects

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"testing"
	"testing/iotest"
)

// patterned is the bytes ((i*7919)>>3) & 0xff, i = 0..n-1: easy to make
// again in another language.
func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte((i * 7919) >> 3)
	}
	return b
}

// Values computed with Python's hashlib, an implementation independent of
// this one:
//
//	parts = [b[i:i+ps] for i in range(0, len(b), ps)] or [b""]
//	md5(b"".join(md5(p).digest() for p in parts)).hexdigest() + "-%d" % len(parts)
func TestETagsKnownValues(t *testing.T) {
	b := patterned(10*mib + 3)
	got, err := ETags(bytes.NewReader(b), 0, 5*mib, 8*mib, int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"d62a734770fc56fa268aa8c4047b381f",   // whole: the MD5
		"2aff9edcba9e6bc1ca854fb0d79a1800-3", // 5 MiB parts
		"282702eacab15f6c3360b659ee38bc8d-2", // 8 MiB parts
		"7253544e0fb1a18c93060405b23f8fb9-1", // one part
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	got, err = ETags(bytes.NewReader(nil), 5*mib)
	if err != nil || got[0] != "59adb24ef3cdbe0297f05b395827453f-1" {
		t.Errorf("empty in parts: %q %v", got, err)
	}
}

// reference is the multipart ETag computed the plain way, from the whole
// slice in memory.
func reference(b []byte, partSize int) string {
	if partSize == 0 {
		s := md5.Sum(b)
		return hex.EncodeToString(s[:])
	}
	var sums []byte
	n := 0
	for i := 0; i < len(b) || n == 0; i += partSize {
		s := md5.Sum(b[i:min(i+partSize, len(b))])
		sums = append(sums, s[:]...)
		n++
	}
	s := md5.Sum(sums)
	return fmt.Sprintf("%s-%d", hex.EncodeToString(s[:]), n)
}

// Every size around part boundaries, read in chunks of awkward sizes.
func TestETagsMatchReference(t *testing.T) {
	const ps = 1000
	rng := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, ps - 1, ps, ps + 1, 2*ps - 1, 2 * ps, 2*ps + 1, 7*ps + 123} {
		b := make([]byte, size)
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		want := []string{reference(b, 0), reference(b, ps), reference(b, ps+1), reference(b, 3*ps)}
		for how, r := range map[string]io.Reader{
			"bulk":     bytes.NewReader(b),
			"one byte": iotest.OneByteReader(bytes.NewReader(b)),
			"half":     iotest.HalfReader(bytes.NewReader(b)),
		} {
			got, err := ETags(r, 0, ps, ps+1, 3*ps)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("size %d, %s reads: got %q, want %q", size, how, got, want)
			}
		}
	}
}

func TestETagsReadError(t *testing.T) {
	_, err := ETags(iotest.ErrReader(errors.New("disk on fire")), 0)
	if err == nil || err.Error() != "disk on fire" {
		t.Errorf("got %v", err)
	}
}

func TestParseETag(t *testing.T) {
	for _, tc := range []struct {
		in     string
		digest string
		parts  int
		ok     bool
	}{
		{`"d62a734770fc56fa268aa8c4047b381f"`, "d62a734770fc56fa268aa8c4047b381f", 0, true},
		{`d62a734770fc56fa268aa8c4047b381f`, "d62a734770fc56fa268aa8c4047b381f", 0, true},
		{`"D62A734770FC56FA268AA8C4047B381F"`, "d62a734770fc56fa268aa8c4047b381f", 0, true},
		{`"2aff9edcba9e6bc1ca854fb0d79a1800-3"`, "2aff9edcba9e6bc1ca854fb0d79a1800", 3, true},
		{`"2aff9edcba9e6bc1ca854fb0d79a1800-10000"`, "2aff9edcba9e6bc1ca854fb0d79a1800", 10000, true},
		{`"2aff9edcba9e6bc1ca854fb0d79a1800-10001"`, "", 0, false},
		{`"2aff9edcba9e6bc1ca854fb0d79a1800-0"`, "", 0, false},
		{`"2aff9edcba9e6bc1ca854fb0d79a1800-03"`, "", 0, false},
		{`"2aff9edcba9e6bc1ca854fb0d79a1800-+3"`, "", 0, false},
		{`"2aff9edcba9e6bc1ca854fb0d79a1800-"`, "", 0, false},
		{`"2aff9edcba9e6bc1ca854fb0d79a1800--3"`, "", 0, false},
		{`"2aff9edcba9e6bc1ca854fb0d79a180"`, "", 0, false},
		{`"zzff9edcba9e6bc1ca854fb0d79a1800"`, "", 0, false},
		{``, "", 0, false},
		{`W/"abc"`, "", 0, false},
	} {
		d, n, ok := ParseETag(tc.in)
		if d != tc.digest || n != tc.parts || ok != tc.ok {
			t.Errorf("ParseETag(%s) = %q %d %v", tc.in, d, n, ok)
		}
	}
}

func TestPartSizeCandidates(t *testing.T) {
	for _, tc := range []struct {
		size  int64
		parts int
		want  []int64 // MiB
		all   bool
	}{
		{17*mib + 5, 3, []int64{6, 7, 8}, true}, // the aws CLI's 8 MiB among them
		{17*mib + 5, 2, []int64{16, 15}, false}, // 9..17 MiB fit: the common ones
		{13 * mib, 2, []int64{8}, false},        // 7..12 fit: 8 is the one common
		{11 * mib, 2, []int64{8}, false},        // 6..10 fit
		{100 * mib, 13, []int64{8}, true},       // exactly one fits
		{32 * mib, 2, []int64{16}, false},       // 16..31 fit
		{32*mib + 1, 2, nil, false},             // 17..32 fit, none common
		{3*mib + 1, 4, []int64{1}, true},        // a last part of one byte
		{5, 2, nil, true},                       // no whole MiB makes two parts of 5 bytes
		{9 * mib, 3, []int64{3, 4}, true},       // 3+3+3, 4+4+1
		{1000 * mib, 10000, nil, true},          // parts under 1 MiB
		{640 * mib, 10, []int64{64}, false},     // 64..71 fit
		{100 * mib, 4, []int64{25}, false},      // 25..33 fit: this tool's near plan's
		{32*mib + 2, 2, nil, false},             // 17..32 fit: neither plan gives 2 parts
	} {
		got, all := PartSizeCandidates(tc.size, tc.parts)
		var want []int64
		for _, m := range tc.want {
			want = append(want, m*mib)
		}
		if !slices.Equal(got, want) || all != tc.all {
			t.Errorf("PartSizeCandidates(%d, %d) = %v %v, want %v %v", tc.size, tc.parts, got, all, want, tc.all)
		}
		for _, ps := range got {
			if n := partsOf(tc.size, ps); n != int64(tc.parts) {
				t.Errorf("size %d in parts of %d: %d parts, not %d", tc.size, ps, n, tc.parts)
			}
		}
	}
	// One part: anything at least as large as the object.
	for _, size := range []int64{0, 1, 17 * mib} {
		got, all := PartSizeCandidates(size, 1)
		if len(got) != 1 || got[0] < size || !all || partsOf(size, got[0]) != 1 {
			t.Errorf("PartSizeCandidates(%d, 1) = %v %v", size, got, all)
		}
	}
}

// Whatever the size and part count, the candidates are exactly the whole
// MiB sizes giving that many parts (when few enough to try them all), else
// the common ones and this tool's plans' among them.
func TestPartSizeCandidatesExhaustive(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 2000 {
		size := rng.Int64N(200*mib) + 1
		parts := rng.IntN(40) + 2
		got, all := PartSizeCandidates(size, parts)
		var fit []int64
		for m := int64(1); m <= 200; m++ {
			if partsOf(size, m*mib) == int64(parts) {
				fit = append(fit, m*mib)
			}
		}
		if all && !slices.Equal(got, fit) {
			t.Fatalf("size %d, %d parts: got %v, fit %v", size, parts, got, fit)
		}
		if !all {
			if len(fit) <= maxCandidates {
				t.Fatalf("size %d, %d parts: only %d fit, yet not all given", size, parts, len(fit))
			}
			near, _ := PartPlan(size, 1, true)
			far, _ := PartPlan(size, 1, false)
			for _, ps := range got {
				if !slices.Contains(fit, ps) || !slices.Contains(commonPartSizes, ps) && ps != near && ps != far {
					t.Fatalf("size %d, %d parts: %d is neither a common size nor a plan's that fits", size, parts, ps)
				}
			}
			for _, ps := range []int64{near, far} {
				if partsOf(size, ps) == int64(parts) && !slices.Contains(got, ps) {
					t.Fatalf("size %d, %d parts: the plans' %d fits and is not given", size, parts, ps)
				}
			}
		}
	}
}
