package objects

import (
	"bytes"
	"context"
	"crypto/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

func TestPartPlan(t *testing.T) {
	const mib, gib = int64(1 << 20), int64(1 << 30)
	for _, c := range []struct {
		size        int64
		concurrency int
		part        int64
		inFlight    int
	}{
		{0, 16, DefaultPartSize, 1},
		{4096, 16, DefaultPartSize, 1},
		{16 * mib, 16, DefaultPartSize, 1}, // one PutObject
		{16*mib + 1, 16, 8 * mib, 3},       // sixteenths would be under the 8 MiB floor
		{100 * mib, 16, 8 * mib, 13},       // 8 MiB parts: 12 and a rest
		{256 * mib, 16, 16 * mib, 16},      // sixteen 16 MiB parts, all may fly
		{256*mib + 1, 16, 17 * mib, 16},    // rounded up to a MiB
		{256 * mib, 2, 16 * mib, 2},        // --concurrency caps the parts in flight
		{256 * mib, 1, 16 * mib, 1},        //
		{256 * mib, 0, 16 * mib, 1},        // nonsense concurrency counts as 1
		{gib, 16, 64 * mib, 8},             // sixteen 64 MiB parts, 512 MiB of them in flight
		{512 * mib, 64, 32 * mib, 16},      // never more in flight than parts
		{100 * gib, 16, 128 * mib, 4},      // 800 parts at the 128 MiB ceiling
		{2 << 40, 16, 210 * mib, 4},        // 2 TiB: 10,000 parts would be 209.7 MiB
		{5 << 40, 16, 525 * mib, 4},        // S3's largest object
		{60 << 40, 16, 5 * gib, 4},         // beyond S3's limits: parts stop at 5 GiB
	} {
		part, n := PartPlan(c.size, c.concurrency)
		if part != c.part || n != c.inFlight {
			t.Errorf("PartPlan(%d, %d) = %d MiB x %d, want %d MiB x %d",
				c.size, c.concurrency, part/mib, n, c.part/mib, c.inFlight)
		}
	}
}

// Whatever the size, the plan stays within S3's limits and the caller's.
func TestPartPlanLimits(t *testing.T) {
	for size := int64(1); size <= 5<<40; size = size*3 + 7 {
		for _, conc := range []int{1, 3, 16} {
			part, n := PartPlan(size, conc)
			parts := (size + part - 1) / part
			switch {
			case n < 1 || n > conc:
				t.Errorf("size %d, concurrency %d: %d in flight", size, conc, n)
			case part > maxPartSize:
				t.Errorf("size %d: part of %d bytes", size, part)
			case parts > maxUploadParts:
				t.Errorf("size %d: %d parts", size, parts)
			case parts > 1 && part < 5<<20:
				t.Errorf("size %d: part of %d bytes under S3's 5 MiB minimum", size, part)
			case int64(n) > parts:
				t.Errorf("size %d: %d in flight for %d parts", size, n, parts)
			}
		}
	}
}

// UploadPartSize fixes the part size and the parts in flight; without it
// the plan decides the part size and a flow the parts in flight, starting
// with 256 MiB of parts (at least 4).
func TestFileUploader(t *testing.T) {
	c := &Client{Concurrency: 16, PartSize: DefaultPartSize}
	up, fl := c.fileUploader(256<<20, 16)
	if up.PartSize != 16<<20 || up.Concurrency != 16 || fl == nil || fl.limit != 16 {
		t.Errorf("planned: %d x %d, flow %v", up.PartSize, up.Concurrency, fl)
	}
	fl.close()
	up, fl = c.fileUploader(1<<30, 16)
	if up.PartSize != 64<<20 || up.Concurrency != 8 || fl == nil || fl.limit != PlanStartParts {
		t.Errorf("1 GiB planned: %d x %d, flow %v", up.PartSize, up.Concurrency, fl)
	}
	fl.close()
	up, fl = c.fileUploader(10<<20, 16)
	if up.PartSize != DefaultPartSize || fl != nil {
		t.Errorf("one part: %d, flow %v", up.PartSize, fl)
	}
	c.UploadPartSize = 8 << 20
	up, fl = c.fileUploader(256<<20, 16)
	if up.PartSize != 8<<20 || up.Concurrency != 16 || fl != nil {
		t.Errorf("fixed: %d x %d, flow %v", up.PartSize, up.Concurrency, fl)
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
