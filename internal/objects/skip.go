package objects

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"golang.org/x/sync/errgroup"

	"github.com/s3-credentials/s3-credentials/internal/awsclient"
	"github.com/s3-credentials/s3-credentials/internal/outfile"
)

// SkipMode says when a transfer is left out because its destination
// already holds the same thing.
type SkipMode int

const (
	// SkipNone transfers everything.
	SkipNone SkipMode = iota
	// SkipSize leaves a destination alone when it has the same size.
	SkipSize
	// SkipHash leaves a destination alone when it has the same MD5 (or,
	// where S3's ETag is no MD5, the same size: the Verdict says so).
	SkipHash
)

// Remote is what S3 says about an object, enough to compare a file with.
type Remote struct {
	Size int64
	ETag string
	// headed is set when it came from a HeadObject, which also says how
	// the object is encrypted; hidden then says why its ETag is no MD5.
	headed bool
	hidden string
}

// Verdict is whether one transfer is left out.
type Verdict struct {
	Skip bool
	// SizeOnly, when MD5s were to be compared but could not be, says why;
	// the sizes alone decided.
	SizeOnly string
}

// A folder holding at most this many of the keys looked for is asked about
// key by key (a listing of one key each): as many requests at once take no
// longer than one listing page, and do not depend on how many other
// objects the folder holds.
const oneByOne = 8

// lookup finds what the bucket holds at keys. It lists rather than asks
// key by key: the keys' common folder, each of its subfolders holding keys
// listed separately and at the same time (the keys directly in it with a
// "/" delimiter, so subfolders are not walked twice). Only the keys asked
// for are kept, so memory follows the local files, not the bucket.
// Listings give every object's size and ETag, as HeadObject does, but also
// for objects HeadObject cannot describe (encrypted with a customer key).
func (c *Client) lookup(ctx context.Context, bucket string, keys []string) (map[string]*Remote, error) {
	found := make(map[string]*Remote, len(keys))
	if len(keys) == 0 {
		return found, nil
	}
	want := make(map[string]bool, len(keys))
	for _, k := range keys {
		want[k] = true
	}
	common := commonFolder(keys)
	// Keys by the subfolder of common they are in; "" for those directly in it.
	groups := map[string][]string{}
	for k := range want {
		rest := k[len(common):]
		sub := ""
		if i := strings.Index(rest, "/"); i >= 0 {
			sub = common + rest[:i+1]
		}
		groups[sub] = append(groups[sub], k)
	}
	var mu sync.Mutex
	keep := func(objs []types.Object) {
		mu.Lock()
		defer mu.Unlock()
		for _, o := range objs {
			if k := aws.ToString(o.Key); want[k] {
				found[k] = &Remote{Size: aws.ToInt64(o.Size), ETag: aws.ToString(o.ETag)}
			}
		}
	}
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.lookups())
	for sub, ks := range groups {
		if len(ks) <= oneByOne {
			for _, k := range ks {
				g.Go(func() error {
					// The key itself sorts first of those it starts.
					page, err := c.S3.ListObjectsV2(gctx, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(k), MaxKeys: aws.Int32(1)})
					if err != nil {
						return c.lookupErr(ctx, err, "listing s3://%s/%s", bucket, k)
					}
					keep(page.Contents)
					return nil
				})
			}
			continue
		}
		prefix, delimiter := sub, ""
		if sub == "" {
			prefix, delimiter = common, "/"
		}
		g.Go(func() error {
			in := &s3.ListObjectsV2Input{Bucket: aws.String(bucket)}
			if prefix != "" {
				in.Prefix = aws.String(prefix)
			}
			if delimiter != "" {
				in.Delimiter = aws.String(delimiter)
			}
			p := s3.NewListObjectsV2Paginator(c.S3, in)
			for p.HasMorePages() {
				page, err := p.NextPage(gctx)
				if err != nil {
					return c.lookupErr(ctx, err, "listing s3://%s/%s", bucket, prefix)
				}
				keep(page.Contents)
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return found, ctx.Err()
}

func (c *Client) lookupErr(ctx context.Context, err error, format string, args ...any) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return fmt.Errorf(format+": %s", append(args, awsclient.ErrorMessage(err))...)
}

// commonFolder is the longest folder ("a/b/", or "") that holds all keys.
func commonFolder(keys []string) string {
	common := keys[0]
	for _, k := range keys[1:] {
		n := 0
		for n < len(common) && n < len(k) && common[n] == k[n] {
			n++
		}
		common = common[:n]
	}
	return common[:strings.LastIndex(common, "/")+1]
}

// head asks S3 about one object.
func (c *Client) head(ctx context.Context, bucket, key string) (*Remote, error) {
	out, err := c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err != nil {
		return nil, err
	}
	return &Remote{Size: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag), headed: true, hidden: hiddenMD5(out)}, nil
}

// HeadObjects asks about each key, up to Concurrency at once. remotes[i]
// is nil when errs[i] says why (awsclient.IsNotFound for a missing key).
// The error returned is for what stops everything: cancellation, or an
// endpoint that does not answer or does not answer like S3 (no use asking
// about the other keys).
func (c *Client) HeadObjects(ctx context.Context, bucket string, keys []string) (remotes []*Remote, errs []error, err error) {
	remotes = make([]*Remote, len(keys))
	errs = make([]error, len(keys))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.lookups())
	for i, key := range keys {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			remotes[i], errs[i] = c.head(gctx, bucket, key)
			if awsclient.IsNetworkError(errs[i]) || awsclient.IsNotAWS(errs[i]) {
				return errs[i]
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil && ctx.Err() == nil {
		return nil, nil, err
	}
	return remotes, errs, ctx.Err()
}

// hiddenMD5 says why an object's ETag is not the MD5 of its bytes, or "".
func hiddenMD5(out *s3.HeadObjectOutput) string {
	switch {
	case out.ServerSideEncryption == types.ServerSideEncryptionAwsKms, out.ServerSideEncryption == types.ServerSideEncryptionAwsKmsDsse:
		return fmt.Sprintf("it is encrypted with %s, so its ETag is not an MD5", out.ServerSideEncryption)
	case out.SSECustomerAlgorithm != nil:
		return "it is encrypted with a customer-provided key, so its ETag is not an MD5"
	}
	return ""
}

// comparer decides whether transfers can be left out.
type comparer struct {
	c      *Client
	bucket string
	mode   SkipMode
	// hashing bounds the files being hashed at once (it is CPU work; the
	// HeadObjects around it are not).
	hashing chan struct{}
}

func (c *Client) comparer(bucket string, mode SkipMode) *comparer {
	return &comparer{c: c, bucket: bucket, mode: mode, hashing: make(chan struct{}, max(2, runtime.GOMAXPROCS(0)))}
}

// opener opens the local file to hash.
type opener func(ctx context.Context) (*os.File, error)

// verdict compares the local file of localSize bytes with r (nil when
// there is no object).
func (k *comparer) verdict(ctx context.Context, key string, r *Remote, localSize int64, open opener) (Verdict, error) {
	if r == nil || r.Size != localSize || k.mode == SkipNone {
		return Verdict{}, nil
	}
	if k.mode == SkipSize {
		return Verdict{Skip: true}, nil
	}
	if r.hidden != "" {
		return sizeOnly(r.hidden)
	}
	digest, parts, ok := ParseETag(r.ETag)
	if !ok {
		return sizeOnly(fmt.Sprintf("its ETag %s is not an MD5", r.ETag))
	}
	if parts == 0 {
		tags, err := k.hash(ctx, open, 0)
		if err != nil {
			return Verdict{}, err
		}
		if tags[0] == digest {
			return Verdict{Skip: true}, nil
		}
		if r.headed {
			return Verdict{}, nil // known not to be encrypted so as to hide the MD5
		}
		// A different file, or an ETag that is no MD5: only a HeadObject
		// says which.
		out, err := k.c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(k.bucket), Key: aws.String(key)})
		if err != nil {
			return headFailed(ctx, err)
		}
		if why := hiddenMD5(out); why != "" {
			return sizeOnly(why)
		}
		return Verdict{}, nil
	}

	// Uploaded in parts: their size is needed. The first part's, asked
	// for, is exact; servers that do not answer that get the sizes that
	// would give as many parts tried.
	out, err := k.c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(k.bucket), Key: aws.String(key), PartNumber: aws.Int32(1)})
	if err != nil && ctx.Err() == nil && !awsclient.IsNotFound(err) {
		// Servers that know no part numbers refuse them: asked again
		// without. An object S3 will not describe at all (encrypted with a
		// customer key) is refused again.
		out, err = k.c.S3.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(k.bucket), Key: aws.String(key)})
	}
	if err != nil {
		return headFailed(ctx, err)
	}
	if why := hiddenMD5(out); why != "" {
		return sizeOnly(why)
	}
	var sizes []int64
	every := false
	if first := aws.ToInt64(out.ContentLength); aws.ToInt32(out.PartsCount) == int32(parts) && first > 0 {
		if partsOf(r.Size, first) != int64(parts) {
			return sizeOnly(fmt.Sprintf("its %d parts are not all of the size of the first (%d bytes)", parts, first))
		}
		sizes, every = []int64{first}, true
	} else {
		sizes, every = PartSizeCandidates(r.Size, parts)
	}
	if len(sizes) == 0 {
		return sizeOnly(fmt.Sprintf("the size of its %d parts cannot be found", parts))
	}
	tags, err := k.hash(ctx, open, sizes...)
	if err != nil {
		return Verdict{}, err
	}
	want := digest + "-" + strconv.Itoa(parts)
	for _, t := range tags {
		if t == want {
			return Verdict{Skip: true}, nil
		}
	}
	if every {
		// Every part size it could have been written with gives another
		// ETag (the file, or a part size that is no whole MiB, differs):
		// sent again, which is never wrong.
		return Verdict{}, nil
	}
	return sizeOnly(fmt.Sprintf("the size of its %d parts cannot be found", parts))
}

func sizeOnly(why string) (Verdict, error) { return Verdict{Skip: true, SizeOnly: why}, nil }

// headFailed decides after a HeadObject failed: an object gone since it
// was listed is transferred; one S3 will not describe is compared by size.
func headFailed(ctx context.Context, err error) (Verdict, error) {
	switch {
	case ctx.Err() != nil:
		return Verdict{}, ctx.Err()
	case awsclient.IsNotFound(err):
		return Verdict{}, nil
	case awsclient.HTTPStatus(err) == http.StatusBadRequest:
		// What S3 answers about an object encrypted with a customer key
		// when the request does not carry the key.
		return sizeOnly("S3 will not describe it (HTTP 400, as for an object encrypted with a customer-provided key)")
	}
	return sizeOnly("S3 will not describe it: " + awsclient.ErrorMessage(err))
}

// hash reads the local file once and returns its ETag for each part size.
func (k *comparer) hash(ctx context.Context, open opener, partSizes ...int64) ([]string, error) {
	select {
	case k.hashing <- struct{}{}:
		defer func() { <-k.hashing }()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	f, err := open(ctx)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	tags, err := ETags(&interruptible{ctx, f}, partSizes...)
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("reading %s: %w", f.Name(), unwrapPathErr(err))
	}
	return tags, err
}

// interruptible stops a long read when ctx ends.
type interruptible struct {
	ctx context.Context
	r   io.Reader
}

func (ir *interruptible) Read(p []byte) (int, error) {
	if err := ir.ctx.Err(); err != nil {
		return 0, err
	}
	return ir.r.Read(p)
}

// openRegular opens what open gives, refusing anything that is not a
// regular file any more (a FIFO must not hold things up).
func openRegular(ctx context.Context, name string, open func() (*os.File, error)) (*os.File, error) {
	f, err := outfile.OpenWait(ctx, open)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", name, unwrapPathErr(err))
	}
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("reading %s: it is no longer a regular file", name)
	}
	return f, nil
}

// CompareUploads says for each file whether the bucket already holds it
// at its key, as mode compares them. The bucket is looked up as lookup
// does; files are hashed (when mode asks) several at once.
func (c *Client) CompareUploads(ctx context.Context, bucket string, files []LocalFile, mode SkipMode) ([]Verdict, error) {
	verdicts := make([]Verdict, len(files))
	if mode == SkipNone || len(files) == 0 {
		return verdicts, nil
	}
	keys := make([]string, len(files))
	for i, lf := range files {
		keys[i] = lf.Key
	}
	remotes, err := c.lookup(ctx, bucket, keys)
	if err != nil {
		return nil, err
	}
	k := c.comparer(bucket, mode)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.lookups())
	for i, lf := range files {
		r := remotes[lf.Key]
		if r == nil || r.Size != lf.Size {
			continue
		}
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			v, err := k.verdict(gctx, lf.Key, r, lf.Size, func(ctx context.Context) (*os.File, error) {
				return openRegular(ctx, lf.Path, func() (*os.File, error) { return os.Open(lf.Path) })
			})
			verdicts[i] = v
			return err
		})
	}
	err = g.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return verdicts, err
}

// DownloadStep is what get-objects does with one key.
type DownloadStep struct {
	// Path is where the key is written, relative to the output directory;
	// "" when it is not (Problem says why).
	Path string
	Verdict
	// Problem is why the key cannot be downloaded, as GetFiles reports it:
	// ErrUnsafeKey, outfile.ErrOutside, a clash with another key, or a
	// directory standing at its path.
	Problem error
}

// PlanDownloads says where each key would be written in dir and, as mode
// compares them, whether the file there already matches remotes[i] (nil:
// unknown or missing, downloaded). Nothing is created. Files are hashed
// several at once.
func (c *Client) PlanDownloads(ctx context.Context, bucket, dir string, keys []string, remotes []*Remote, mode SkipMode) ([]DownloadStep, error) {
	steps := make([]DownloadStep, len(keys))
	rels, status := planPaths(keys)
	for i := range keys {
		steps[i].Path, steps[i].Problem = rels[i], status[i]
	}
	root, err := os.OpenRoot(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return steps, nil // nothing there yet
	}
	if err != nil {
		return nil, fmt.Errorf("cannot open directory %s: %w", dir, unwrapPathErr(err))
	}
	defer root.Close()
	k := c.comparer(bucket, mode)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(c.lookups())
	for i, key := range keys {
		st := &steps[i]
		if st.Problem != nil || strings.HasSuffix(key, "/") {
			continue
		}
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			fi, err := root.Stat(st.Path)
			if outfile.Escapes(err) {
				st.Problem, st.Path = outfile.ErrOutside, ""
				return nil
			}
			if err == nil && fi.IsDir() {
				// Not written over, as GetFiles reports it.
				st.Problem = fmt.Errorf("%s is a directory", filepath.Join(dir, st.Path))
				return nil
			}
			if err != nil || !fi.Mode().IsRegular() {
				return nil // nothing to compare with: written (or through)
			}
			name := filepath.Join(dir, st.Path)
			v, err := k.verdict(gctx, key, remotes[i], fi.Size(), func(ctx context.Context) (*os.File, error) {
				return openRegular(ctx, name, func() (*os.File, error) { return root.Open(st.Path) })
			})
			st.Verdict = v
			return err
		})
	}
	err = g.Wait()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	return steps, err
}
