package objects

// How a file is cut into parts. The part size is fixed before the first
// part goes out and depends on the file's size and on how far the server
// is: every part but the last has that size, so the object's ETag can be
// computed again from the file (--skip-hash reads the first part's size
// from the object; the look-up after an interrupted upload knows the plan
// it used). What adapts is how many parts are in flight: a flow (flow.go)
// starts with PlanStartParts and doubles while that moves clearly more, up
// to --concurrency.
//
// Two plans, chosen by how far the server is; either keeps parts within
// PlanMinPartSize and PlanMaxPartSize. A far server gets a file in
// PlanParts parts, enough for the flow to have room: each connection is
// bounded by its round trip (it carries at most its window per round
// trip) and more connections carry more. A near server, one that answers
// within NearRoundTrip (this machine, its local network), gets a file in
// PlanNearParts parts: there a connection carries what the path can, the
// server's work is the limit, and every part more costs it CPU.
//
// Measured against SeaweedFS on loopback and through a shaped far-region
// link (bench/README.md): on loopback 256 MiB went fastest as four 64 MiB
// parts at once, and sixteen 16 MiB parts cost the server more CPU
// whether 4 or 16 flew at once; through the far link each connection
// carries 8 MiB/s and sixteen parts in flight carry four times what four
// do. A file's parts are read from the file in place, so their size and
// number cost no memory.

import "time"

const (
	// PlanParts is how many parts a file is cut into for a far server,
	// PlanNearParts for a near one, between the part size bounds.
	PlanParts     = 16
	PlanNearParts = 4
	// NearRoundTrip: a server that answers a request within it, counted
	// from the request's last byte to the answer's first, is near.
	NearRoundTrip = 5 * time.Millisecond
	// A flow starts with as many parts in flight as hold PlanStartBytes,
	// at least PlanStartParts: a 256 MiB file goes all at once (its
	// connections never wait between parts), a 1 GiB file 4 parts at a
	// time.
	PlanStartParts       = 4
	PlanStartBytes int64 = 256 << 20
	// PlanMaxBytes bounds the bytes of the parts in flight (but for
	// PlanStartParts parts): a server that holds each part it receives in
	// memory is not sent more at once than the plan before sent it (four
	// 128 MiB parts), and on loopback more cost it CPU.
	PlanMaxBytes int64 = 512 << 20
	// PlanMinPartSize and PlanMaxPartSize bound the part size; between
	// them a file is cut into PlanParts (or PlanNearParts) equal parts
	// (rounded up to a MiB).
	PlanMinPartSize int64 = 8 << 20
	PlanMaxPartSize int64 = 128 << 20
	// Files up to DefaultPartSize go in a single PutObject.

	// S3's limits: at most 10,000 parts, each at most 5 GiB (and at least
	// 5 MiB, but for the last).
	maxUploadParts       = 10_000
	maxPartSize    int64 = 5 << 30
)

// PartPlan chooses the part size for uploading a file of size bytes to a
// near or a far server, and the most parts in flight with at most
// concurrency requests in flight: no more than the file has, nor than
// hold PlanMaxBytes (the flow starts with fewer, see startParts). A file
// that fits in one part (size <= DefaultPartSize) goes in one PutObject:
// the part size returned is then larger than the file, and one request is
// in flight.
func PartPlan(size int64, concurrency int, near bool) (partSize int64, most int) {
	concurrency = max(concurrency, 1)
	if size <= DefaultPartSize {
		return DefaultPartSize, 1
	}
	const mib = 1 << 20
	pieces := int64(PlanParts)
	if near {
		pieces = PlanNearParts
	}
	partSize = (size + pieces - 1) / pieces
	partSize = (partSize + mib - 1) / mib * mib
	partSize = min(max(partSize, PlanMinPartSize), PlanMaxPartSize)
	// A very large file needs larger parts to stay within 10,000 parts.
	if minimum := (size + maxUploadParts - 1) / maxUploadParts; partSize < minimum {
		partSize = min((minimum+mib-1)/mib*mib, maxPartSize)
	}
	parts := (size + partSize - 1) / partSize
	most = int(min(int64(concurrency), parts, max(PlanStartParts, PlanMaxBytes/partSize)))
	return partSize, most
}

// startParts is how many parts of partSize are in flight at first, at most
// most.
func startParts(partSize int64, most int) int {
	return min(max(PlanStartParts, int(PlanStartBytes/max(partSize, 1))), most)
}
