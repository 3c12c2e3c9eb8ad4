package cli

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/objects"
)

// The flags of get-objects, put-objects and delete-objects become their
// options; runF sees them instead of a transfer.
func TestTransferCommandOptions(t *testing.T) {
	dir := t.TempDir()
	var g *GetObjectsOptions
	cmd := NewCmdGetObjects(NewFactory(&IOStreams{}), func(o *GetObjectsOptions) error { g = o; return nil })
	cmd.SetArgs([]string{"bkt", "k1", "k2", "-o", dir, "-p", "*.txt", "--skip-hash", "--dry-run", "--concurrency", "3", "-s"})
	cmd.SetOut(&bytes.Buffer{})
	noErr(t, cmd.Execute())
	if g.Bucket != "bkt" || !reflect.DeepEqual(g.Keys, []string{"k1", "k2"}) || g.Dir != dir ||
		!reflect.DeepEqual(g.Patterns, []string{"*.txt"}) || g.Skip != objects.SkipHash || !g.DryRun || g.Concurrency != 3 || !g.Silent || g.Clients == nil {
		t.Errorf("get-objects options: %+v", *g)
	}
	g = nil
	cmd = NewCmdGetObjects(NewFactory(&IOStreams{}), func(o *GetObjectsOptions) error { g = o; return nil })
	cmd.SetArgs([]string{"bkt"})
	if err := cmd.Execute(); err != nil || g.Dir != "." || g.Skip != objects.SkipNone {
		t.Errorf("get-objects defaults: %+v, %v", g, err)
	}

	var p *PutObjectsOptions
	cmd = NewCmdPutObjects(NewFactory(&IOStreams{}), func(o *PutObjectsOptions) error { p = o; return nil })
	cmd.SetArgs([]string{"bkt", "a", "b", "--prefix", "pre", "--skip", "--dry-run"})
	noErr(t, cmd.Execute())
	if p.Bucket != "bkt" || !reflect.DeepEqual(p.Paths, []string{"a", "b"}) || p.Prefix != "pre" || p.Skip != objects.SkipSize || !p.DryRun || p.Clients == nil {
		t.Errorf("put-objects options: %+v", *p)
	}

	var d *DeleteObjectsOptions
	cmd = NewCmdDeleteObjects(NewFactory(&IOStreams{}), func(o *DeleteObjectsOptions) error { d = o; return nil })
	cmd.SetArgs([]string{"bkt", "x\r", "y", "-d"})
	noErr(t, cmd.Execute())
	if d.Bucket != "bkt" || !reflect.DeepEqual(d.Keys, []string{"x", "y"}) || !d.DryRun || d.Clients == nil {
		t.Errorf("delete-objects options: %+v", *d)
	}
}
