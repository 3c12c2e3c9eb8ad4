package progress

import (
	"bytes"
	"strings"
	"testing"
)

// Expected values from the reference's format_bytes.
func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		0:             "0.0 bytes",
		1:             "1.0 bytes",
		15:            "15.0 bytes",
		1023:          "1023.0 bytes",
		1024:          "1.0 KB",
		1536:          "1.5 KB",
		12288:         "12.0 KB",
		1048575:       "1024.0 KB",
		1048576:       "1.0 MB",
		268435456:     "256.0 MB",
		5 * (1 << 40): "5.0 TB",
	} {
		if got := FormatBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Label("Uploading", 12288, 3); got != "Uploading 12.0 KB (3 files)" {
		t.Error(got)
	}
	if got := Label("Downloading", 3, 1); got != "Downloading 3.0 bytes (1 file)" {
		t.Error(got)
	}
}

func TestBarModes(t *testing.T) {
	var b bytes.Buffer
	bar := New(&b, false, true, "Uploading", 10)
	bar.Add(5)
	bar.Finish()
	if b.String() != "" {
		t.Errorf("silent: %q", b.String())
	}
	bar = New(&b, false, false, "Uploading", 10)
	bar.Add(5)
	bar.Finish()
	if b.String() != "Uploading\n" {
		t.Errorf("not a terminal: %q", b.String())
	}
	b.Reset()
	bar = New(&b, true, false, "Uploading", 10)
	bar.Add(10)
	bar.Finish()
	if !bytes.Contains(b.Bytes(), []byte("Uploading")) || !bytes.Contains(b.Bytes(), []byte("100%")) {
		t.Errorf("terminal: %q", b.String())
	}
	var nilBar *Bar
	nilBar.Add(1)
	nilBar.Finish()
	nilBar.Stop()
}

func TestCounter(t *testing.T) {
	var b strings.Builder
	c := NewCounter(&b, true, false, "Deleting from x: %d deleted")
	c.Clear() // nothing drawn yet: nothing to erase
	c.Set(1)
	c.Set(1000)
	c.Clear()
	if want := "\rDeleting from x: 1 deleted\rDeleting from x: 1000 deleted\r\033[K"; b.String() != want {
		t.Errorf("terminal: %q", b.String())
	}
	for _, c := range []*Counter{NewCounter(&b, false, false, "%d"), NewCounter(&b, true, true, "%d")} {
		b.Reset()
		c.Set(5)
		c.Clear()
		if b.Len() != 0 {
			t.Errorf("drawn without a terminal or when silent: %q", b.String())
		}
	}
}
