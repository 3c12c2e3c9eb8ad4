package objects

// How a file is cut into parts. Measured against SeaweedFS on loopback
// (bench/README.md): the server's work per byte is the same whatever the
// part size, but sixteen 16 MiB parts in flight at once cost it two to
// three times the CPU of four parts in flight, and the upload waited on the
// server for it. A few large parts in flight keep a server as busy as many
// small ones, and a real region's connections each carry a large part at
// full speed; a file's parts are read from the file in place, so their
// size costs no memory.
const (
	// PlanParts is how many parts of a file are in flight at once (fewer
	// when --concurrency is lower or the file has fewer parts).
	PlanParts = 4
	// PlanMinPartSize and PlanMaxPartSize bound the part size; between
	// them a file is cut into PlanParts equal parts (rounded up to a MiB).
	PlanMinPartSize int64 = 8 << 20
	PlanMaxPartSize int64 = 128 << 20
	// Files up to DefaultPartSize go in a single PutObject.

	// S3's limits: at most 10,000 parts, each at most 5 GiB (and at least
	// 5 MiB, but for the last).
	maxUploadParts       = 10_000
	maxPartSize    int64 = 5 << 30
)

// PartPlan chooses the part size and the parts in flight for uploading a
// file of size bytes with at most concurrency requests in flight. A file
// that fits in one part (size <= DefaultPartSize) goes in one PutObject:
// the part size returned is then larger than the file.
func PartPlan(size int64, concurrency int) (partSize int64, inFlight int) {
	concurrency = max(concurrency, 1)
	if size <= DefaultPartSize {
		return DefaultPartSize, 1
	}
	const mib = 1 << 20
	partSize = (size + PlanParts - 1) / PlanParts
	partSize = (partSize + mib - 1) / mib * mib
	partSize = min(max(partSize, PlanMinPartSize), PlanMaxPartSize)
	// A very large file needs larger parts to stay within 10,000 parts.
	if minimum := (size + maxUploadParts - 1) / maxUploadParts; partSize < minimum {
		partSize = min((minimum+mib-1)/mib*mib, maxPartSize)
	}
	parts := (size + partSize - 1) / partSize
	return partSize, int(min(int64(min(PlanParts, concurrency)), parts))
}
