package objects

import (
	"context"

	"github.com/s3-credentials/s3-credentials/internal/pycompat/fnmatch"
)

// Selection is what get-objects downloads: the keys in order, each once,
// with their sizes and ETags where known.
type Selection struct {
	Keys []string
	// Remote has the size and ETag of each key that is known to exist.
	Remote map[string]*Remote
	// HeadErrs has, for the keys named that were asked with HEAD, what the
	// HEAD answered (nil where the object exists).
	HeadErrs map[string]error
}

// SelectDownloads chooses the objects to download: the keys named, then
// those matching each shell-style pattern in turn (* matches / too), each
// once; with neither, everything in the bucket. head asks for the named
// keys' sizes and ETags (for a progress label, a comparison or a dry run).
func (c *Client) SelectDownloads(ctx context.Context, bucket string, keys, patterns []string, head bool) (*Selection, error) {
	sel := &Selection{Remote: map[string]*Remote{}, HeadErrs: map[string]error{}}
	seen := map[string]bool{}
	add := func(k string, r *Remote) {
		if !seen[k] {
			seen[k] = true
			sel.Keys = append(sel.Keys, k)
		}
		if r != nil {
			sel.Remote[k] = r
		}
	}
	for _, k := range keys {
		add(k, nil)
	}
	if len(keys) > 0 && head {
		got, errs, err := c.HeadObjects(ctx, bucket, keys)
		if err != nil {
			return nil, err
		}
		for i, k := range keys {
			sel.Remote[k] = got[i]
			sel.HeadErrs[k] = errs[i]
		}
	}
	if len(keys) > 0 && len(patterns) == 0 {
		return sel, nil
	}
	all, err := c.ListAll(ctx, bucket, "")
	if err != nil {
		return nil, err
	}
	if len(patterns) == 0 {
		for _, o := range all {
			add(o.Key, &Remote{Size: o.Size, ETag: o.ETag})
		}
	}
	for _, p := range patterns {
		pat := fnmatch.Compile(p)
		for _, o := range all {
			if pat.Match(o.Key) {
				add(o.Key, &Remote{Size: o.Size, ETag: o.ETag})
			}
		}
	}
	return sel, nil
}

// Remotes is Remote in the order of Keys (nil where unknown).
func (s *Selection) Remotes() []*Remote {
	out := make([]*Remote, len(s.Keys))
	for i, k := range s.Keys {
		out[i] = s.Remote[k]
	}
	return out
}

// SelectDeletes is the keys delete-objects deletes: those named, or with
// a prefix every key in the bucket starting with it.
func (c *Client) SelectDeletes(ctx context.Context, bucket string, keys []string, prefix string) ([]string, error) {
	if prefix == "" {
		return keys, nil
	}
	all, err := c.ListAll(ctx, bucket, prefix)
	if err != nil {
		return nil, err
	}
	keys = make([]string, len(all))
	for i, o := range all {
		keys[i] = o.Key
	}
	return keys, nil
}
