// Package progress draws transfer progress on stderr: an animated bar when
// stderr is a terminal, otherwise only the label, once, as click's progress
// bar does when it is not attached to a terminal. Nothing is drawn when the
// user asked for silence.
package progress

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/s3-credentials/s3-credentials/internal/message"
)

// Bar counts bytes done out of a total. It is safe for concurrent use and
// its zero value (and a nil *Bar) draws nothing.
type Bar struct {
	mu  sync.Mutex
	bar *progressbar.ProgressBar
}

// New starts a bar. total < 0 means unknown (a spinner with a byte count).
// silent draws nothing; tty=false prints the label line alone.
func New(w io.Writer, tty, silent bool, label string, total int64) *Bar {
	if silent {
		return &Bar{}
	}
	if !tty {
		fmt.Fprintln(w, label)
		return &Bar{}
	}
	bar := progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(label),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowElapsedTimeOnFinish(),
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
	return &Bar{bar: bar}
}

// Add counts n more bytes done.
func (b *Bar) Add(n int64) {
	if b == nil || b.bar == nil || n == 0 {
		return
	}
	b.mu.Lock()
	_ = b.bar.Add64(n)
	b.mu.Unlock()
}

// Finish completes the bar (after success).
func (b *Bar) Finish() {
	if b == nil || b.bar == nil {
		return
	}
	b.mu.Lock()
	_ = b.bar.Finish()
	b.mu.Unlock()
}

// Stop leaves the bar where it is and ends its line (after a failure).
func (b *Bar) Stop() {
	if b == nil || b.bar == nil {
		return
	}
	b.mu.Lock()
	_ = b.bar.Exit()
	b.mu.Unlock()
}

// FormatBytes renders a size as the reference's labels do: one decimal and
// binary multiples, "12.0 KB", "3.0 bytes".
func FormatBytes(size int64) string {
	f := float64(size)
	for _, unit := range []string{"bytes", "KB", "MB", "GB", "TB"} {
		if f < 1024 {
			return fmt.Sprintf("%3.1f %s", f, unit)
		}
		f /= 1024
	}
	return fmt.Sprintf("%3.1f PB", f)
}

// Label is "Uploading 12.0 KB (3 files)".
func Label(verb string, size int64, files int) string {
	return fmt.Sprintf("%s %s (%s)", verb, FormatBytes(size), message.Count(files, "file"))
}

// Counter is a one-line count that redraws itself in place on a terminal
// ("Deleting objects from b: 2000 deleted"), for work measured in items
// rather than bytes. Elsewhere, or when silent, it draws nothing. A nil
// *Counter draws nothing either.
type Counter struct {
	mu     sync.Mutex
	w      io.Writer
	format string
	drawn  bool
}

// NewCounter starts a counter whose line is format with the count.
func NewCounter(w io.Writer, tty, silent bool, format string) *Counter {
	if silent || !tty {
		return nil
	}
	return &Counter{w: w, format: format}
}

// Set draws the count.
func (c *Counter) Set(n int) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	fmt.Fprintf(c.w, "\r"+c.format, n)
	c.drawn = true
}

// Clear erases the line, once something was drawn.
func (c *Counter) Clear() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.drawn {
		fmt.Fprint(c.w, "\r\033[K")
		c.drawn = false
	}
}
