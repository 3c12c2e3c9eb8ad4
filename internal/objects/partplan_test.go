package objects

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// A far server gets sixteenths; a near one quarters: 256 MiB as four
// 64 MiB parts at once, 1 GiB as eight 128 MiB parts four at a time (the
// plan measured fastest on loopback). Small files are cut alike by both.
func TestPartPlan(t *testing.T) {
	const mib, gib = int64(1 << 20), int64(1 << 30)
	const far, near = false, true
	for _, c := range []struct {
		size        int64
		concurrency int
		near        bool
		part        int64
		inFlight    int
	}{
		{0, 16, far, DefaultPartSize, 1},
		{4096, 16, far, DefaultPartSize, 1},
		{16 * mib, 16, far, DefaultPartSize, 1}, // one PutObject
		{16*mib + 1, 16, far, 8 * mib, 3},       // sixteenths would be under the 8 MiB floor
		{100 * mib, 16, far, 8 * mib, 13},       // 8 MiB parts: 12 and a rest
		{256 * mib, 16, far, 16 * mib, 16},      // sixteen 16 MiB parts, all may fly
		{256*mib + 1, 16, far, 17 * mib, 16},    // rounded up to a MiB
		{256 * mib, 2, far, 16 * mib, 2},        // --concurrency caps the parts in flight
		{256 * mib, 1, far, 16 * mib, 1},        //
		{256 * mib, 0, far, 16 * mib, 1},        // nonsense concurrency counts as 1
		{gib, 16, far, 64 * mib, 8},             // sixteen 64 MiB parts, 512 MiB of them in flight
		{512 * mib, 64, far, 32 * mib, 16},      // never more in flight than parts
		{100 * gib, 16, far, 128 * mib, 4},      // 800 parts at the 128 MiB ceiling
		{2 << 40, 16, far, 210 * mib, 4},        // 2 TiB: 10,000 parts would be 209.7 MiB
		{5 << 40, 16, far, 525 * mib, 4},        // S3's largest object
		{60 << 40, 16, far, 5 * gib, 4},         // beyond S3's limits: parts stop at 5 GiB

		{16 * mib, 16, near, DefaultPartSize, 1},
		{16*mib + 1, 16, near, 8 * mib, 3},  // quarters would be under the 8 MiB floor
		{32 * mib, 16, near, 8 * mib, 4},    // the same plan as far
		{100 * mib, 16, near, 25 * mib, 4},  // quarters
		{256 * mib, 16, near, 64 * mib, 4},  // four 64 MiB parts, all at once
		{256 * mib, 2, near, 64 * mib, 2},   // --concurrency caps the parts in flight
		{gib, 16, near, 128 * mib, 4},       // eight at the 128 MiB ceiling, 512 MiB in flight
		{100 * gib, 16, near, 128 * mib, 4}, // 800 parts
		{5 << 40, 16, near, 525 * mib, 4},   // S3's largest object: 10,000 parts
	} {
		part, n := PartPlan(c.size, c.concurrency, c.near)
		if part != c.part || n != c.inFlight {
			t.Errorf("PartPlan(%d, %d, near %v) = %d MiB x %d, want %d MiB x %d",
				c.size, c.concurrency, c.near, part/mib, n, c.part/mib, c.inFlight)
		}
	}
}

// Whatever the size, the plan stays within S3's limits and the caller's.
func TestPartPlanLimits(t *testing.T) {
	for size := int64(1); size <= 5<<40; size = size*3 + 7 {
		for _, conc := range []int{1, 3, 16} {
			for _, near := range []bool{false, true} {
				part, n := PartPlan(size, conc, near)
				parts := (size + part - 1) / part
				switch {
				case n < 1 || n > conc:
					t.Errorf("size %d, concurrency %d, near %v: %d in flight", size, conc, near, n)
				case part > maxPartSize:
					t.Errorf("size %d, near %v: part of %d bytes", size, near, part)
				case parts > maxUploadParts:
					t.Errorf("size %d, near %v: %d parts", size, near, parts)
				case parts > 1 && part < 5<<20:
					t.Errorf("size %d, near %v: part of %d bytes under S3's 5 MiB minimum", size, near, part)
				case int64(n) > parts:
					t.Errorf("size %d, near %v: %d in flight for %d parts", size, near, n, parts)
				}
			}
		}
	}
}

// UploadPartSize fixes the part size and the parts in flight; without it
// the plan decides the part size (by how far the server is) and a flow the
// parts in flight, starting with 256 MiB of parts (at least 4).
func TestFileUploader(t *testing.T) {
	ctx := context.Background()
	asked := 0
	far := func(context.Context) (time.Duration, bool) { asked++; return 40 * time.Millisecond, true }
	c := &Client{Concurrency: 16, PartSize: DefaultPartSize}
	c.distance.roundTrip = far
	up, fl := c.fileUploader(ctx, "b", "k", 10<<20, 16)
	if up.PartSize != DefaultPartSize || fl != nil || asked != 0 {
		t.Errorf("one part: %d, flow %v, asked %d times how far the server is", up.PartSize, fl, asked)
	}
	up, fl = c.fileUploader(ctx, "b", "k", 20<<20, 16)
	fl.close()
	if up.PartSize != 8<<20 || asked != 0 {
		t.Errorf("20 MiB: %d, asked %d times how far the server is (both plans are the same)", up.PartSize, asked)
	}
	up, fl = c.fileUploader(ctx, "b", "k", 256<<20, 16)
	if up.PartSize != 16<<20 || up.Concurrency != 16 || fl == nil || fl.limit != 16 || asked != 1 {
		t.Errorf("far, planned: %d x %d, flow %v, asked %d", up.PartSize, up.Concurrency, fl, asked)
	}
	fl.close()
	up, fl = c.fileUploader(ctx, "b", "k", 1<<30, 16)
	if up.PartSize != 64<<20 || up.Concurrency != 8 || fl == nil || fl.limit != PlanStartParts || asked != 1 {
		t.Errorf("far, 1 GiB planned: %d x %d, flow %v, asked %d (once is enough)", up.PartSize, up.Concurrency, fl, asked)
	}
	fl.close()
	if got := c.filePartSize(1 << 30); got != 64<<20 {
		t.Errorf("far: filePartSize = %d, want the 64 MiB uploaded with", got)
	}

	near := &Client{Concurrency: 16, PartSize: DefaultPartSize}
	near.distance.roundTrip = func(context.Context) (time.Duration, bool) { return time.Millisecond, true }
	up, fl = near.fileUploader(ctx, "b", "k", 256<<20, 16)
	if up.PartSize != 64<<20 || up.Concurrency != 4 || fl == nil || fl.limit != 4 {
		t.Errorf("near, planned: %d x %d, flow %v", up.PartSize, up.Concurrency, fl)
	}
	fl.close()
	if got := near.filePartSize(1 << 30); got != 128<<20 {
		t.Errorf("near: filePartSize = %d, want 128 MiB", got)
	}

	// No answer: the far plan.
	silent := &Client{Concurrency: 16, PartSize: DefaultPartSize}
	silent.distance.roundTrip = func(context.Context) (time.Duration, bool) { return 0, false }
	up, fl = silent.fileUploader(ctx, "b", "k", 256<<20, 16)
	fl.close()
	if up.PartSize != 16<<20 {
		t.Errorf("no answer: %d, want the far plan's 16 MiB", up.PartSize)
	}

	c.UploadPartSize = 8 << 20
	up, fl = c.fileUploader(ctx, "b", "k", 256<<20, 16)
	if up.PartSize != 8<<20 || up.Concurrency != 16 || fl != nil {
		t.Errorf("fixed: %d x %d, flow %v", up.PartSize, up.Concurrency, fl)
	}
}

// How far the server is comes from its answer's delay after the request,
// whatever the answer: a server that answers a HeadObject at once is
// near, even with a 403; one that takes 30 ms is far; one that does not
// answer within the probe's time is far, and the question is asked once.
// A busy machine (the race detector, tests beside it) may delay even an
// answer given at once past NearRoundTrip: the near cases get a few
// tries, each with a new client; a probe that always says far fails them.
func TestNearServer(t *testing.T) {
	for _, c := range []struct {
		name  string
		delay time.Duration
		code  int
		near  bool
	}{
		{"at once, 404", 0, http.StatusNotFound, true},
		{"at once, 403", 0, http.StatusForbidden, true},
		{"30 ms", 30 * time.Millisecond, http.StatusNotFound, false},
		{"silent", nearProbeTimeout + time.Second, http.StatusOK, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			var heads atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				heads.Add(1)
				if r.Method != http.MethodHead || r.URL.Path != "/bkt/some/key" {
					t.Errorf("%s %s, want HEAD /bkt/some/key", r.Method, r.URL.Path)
				}
				select {
				case <-time.After(c.delay):
				case <-r.Context().Done():
				}
				w.WriteHeader(c.code)
			}))
			defer srv.Close()
			tries := 1
			if c.near {
				tries = 5
			}
			var got bool
			for range tries {
				heads.Store(0)
				oc := New(s3.New(s3.Options{
					Region:       "us-east-1",
					Credentials:  credentials.NewStaticCredentialsProvider("k", "s", ""),
					BaseEndpoint: aws.String(srv.URL),
					UsePathStyle: true,
				}), 16)
				start := time.Now()
				got = oc.nearServer(context.Background(), "bkt", "some/key")
				for range 2 {
					if again := oc.nearServer(context.Background(), "bkt", "some/key"); again != got {
						t.Fatalf("asked again: near = %v, first %v", again, got)
					}
				}
				if n := heads.Load(); n != 1 {
					t.Errorf("%d HEADs, want 1 (asked once, never retried)", n)
				}
				if took := time.Since(start); took > nearProbeTimeout+time.Second {
					t.Errorf("took %v, more than the probe's bound", took)
				}
				if got == c.near {
					break
				}
			}
			if got != c.near {
				t.Errorf("near = %v, want %v", got, c.near)
			}
		})
	}
}

// Against a real S3 API: a file is uploaded in the planned parts and comes
// back unchanged. 20 MiB + 3 bytes: quarters would be under 8 MiB, so three
// parts (8, 8 and 4 MiB + 3 bytes), which S3 counts in the ETag ("-3").
func TestPutFileInPlannedParts(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 20 MiB")
	}
	moto := testenv.StartMoto(t)
	ctx := context.Background()
	base := s3.New(s3.Options{
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		BaseEndpoint: aws.String(moto.URL),
		UsePathStyle: true,
	})
	c := New(base, DefaultConcurrency)
	if _, err := c.S3.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("planned")}); err != nil {
		t.Fatal(err)
	}
	data := make([]byte, 20<<20+3)
	rand.Read(data)
	path := filepath.Join(t.TempDir(), "big.bin")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.PutFile(ctx, "planned", "big.bin", path, "", nil); err != nil {
		t.Fatal(err)
	}
	head, err := c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("planned"), Key: aws.String("big.bin")})
	if err != nil {
		t.Fatal(err)
	}
	if etag := aws.ToString(head.ETag); !strings.HasSuffix(etag, `-3"`) {
		t.Errorf("ETag %s: want a multipart upload of 3 parts", etag)
	}
	var got bytes.Buffer
	if err := c.GetTo(ctx, "planned", "big.bin", &got); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), data) {
		t.Errorf("got %d bytes back, want the %d sent", got.Len(), len(data))
	}
}

func TestStartParts(t *testing.T) {
	const mib = 1 << 20
	for _, c := range []struct {
		part       int64
		most, want int
	}{
		{8 * mib, 16, 16},  // a 128 MiB file: all at once
		{16 * mib, 16, 16}, // 256 MiB: all at once
		{32 * mib, 16, 8},  // 512 MiB: half
		{64 * mib, 16, 4},  // 1 GiB
		{128 * mib, 16, 4}, // at least 4
		{16 * mib, 3, 3},   // never over the ceiling
		{525 * mib, 16, 4}, // huge parts
	} {
		if got := startParts(c.part, c.most); got != c.want {
			t.Errorf("startParts(%d MiB, %d) = %d, want %d", c.part/mib, c.most, got, c.want)
		}
	}
}
