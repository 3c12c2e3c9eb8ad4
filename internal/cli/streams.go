package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"sync/atomic"
	"syscall"

	"github.com/spf13/cobra"
)

// What happens when standard output or standard error cannot be written
// any more: the program reading a pipe has exited (`| head`, a mistyped
// `| jqq`), the terminal has gone (a hang-up), the disk is full.
//
// A command that changes something stops as if interrupted, whichever of
// the two streams failed: what it made and could not report is undone
// (create, rotate-key), or it stops between requests (prune, delete-*).
// A command that only reads has nothing to undo: a closed standard output
// means its reader has had enough, and it ends quietly with the status a
// shell gives a program killed by SIGPIPE; a failing standard error
// (progress, warnings) does not stop it.

// exitOutputClosed is the exit status of a reading command whose standard
// output was closed: 128 + SIGPIPE, as every Unix filter ends in a
// pipeline whose reader stopped early.
const exitOutputClosed = 141

// changingCommands are the commands that change something in AWS (or hand
// out credentials): a failed write to either stream stops them and starts
// their undo. Every other command only reads.
var changingCommands = map[string]bool{
	"create":                  true,
	"create-role":             true,
	"rotate-key":              true,
	"revoke-sessions":         true,
	"delete-user":             true,
	"prune":                   true,
	"delete-bucket":           true,
	"delete-objects":          true,
	"put-object":              true,
	"put-objects":             true,
	"set-bucket-policy":       true,
	"set-cors-policy":         true,
	"set-public-access-block": true,
	"set-public":              true,
	"set-private":             true,
}

// StreamError is a write to standard output or standard error that failed.
type StreamError struct {
	Stream string // "standard output" or "standard error"
	Err    error
}

func (e *StreamError) Error() string {
	if errors.Is(e.Err, syscall.EPIPE) {
		return "could not write to " + e.Stream + ": the program reading it has exited (broken pipe)"
	}
	msg := e.Err.Error()
	var pe *os.PathError
	if errors.As(e.Err, &pe) {
		msg = pe.Err.Error() // "write /dev/stdout: " says nothing more
	}
	return "could not write to " + e.Stream + ": " + msg
}

func (e *StreamError) Unwrap() error { return e.Err }

// watchedWriter passes writes on until one fails; it then reports the
// failure once and refuses every later write with it, so that a command
// does not keep writing into a stream nobody reads.
type watchedWriter struct {
	w      io.Writer
	stream string
	failed atomic.Pointer[StreamError]
	onFail func(*StreamError)
}

func (w *watchedWriter) Write(p []byte) (int, error) {
	if e := w.failed.Load(); e != nil {
		return 0, e
	}
	n, err := w.w.Write(p)
	if err == nil {
		return n, nil
	}
	e := &StreamError{Stream: w.stream, Err: err}
	if w.failed.CompareAndSwap(nil, e) && w.onFail != nil {
		w.onFail(e)
	}
	return n, w.failed.Load()
}

// streamWatch is the watched standard output and standard error of one run.
type streamWatch struct {
	out, errOut *watchedWriter
	// changing is set once the command is known: whether a failing
	// standard error stops it too.
	changing atomic.Bool
}

// watchStreams puts watched writers in place of f's output streams: a
// write that fails cancels the run with the failure as the cause (see
// above for which failures stop which commands).
func watchStreams(f *Factory, stop context.CancelCauseFunc) *streamWatch {
	s := &streamWatch{}
	s.out = &watchedWriter{w: f.IO.Out, stream: "standard output", onFail: func(e *StreamError) { stop(e) }}
	s.errOut = &watchedWriter{w: f.IO.ErrOut, stream: "standard error", onFail: func(e *StreamError) {
		if s.changing.Load() {
			stop(e)
		}
	}}
	streams := *f.IO
	streams.Out, streams.ErrOut = s.out, s.errOut
	f.IO = &streams
	f.stderrLost = func() bool { return s.errOut.failed.Load() != nil }
	return s
}

// commandIs records which command runs, before it runs.
func (s *streamWatch) commandIs(cmd *cobra.Command) {
	s.changing.Store(cmd != nil && changingCommands[cmd.Name()])
}

// outcome turns the run's error and the streams' state into what the
// user is told: a reading command whose output was closed ends quietly
// (quiet true, with exitOutputClosed); a run stopped by a failed write
// says so rather than "interrupted".
func (s *streamWatch) outcome(ctx context.Context, err error) (quiet bool, _ error) {
	if !s.changing.Load() && s.out.failed.Load() != nil {
		return true, err
	}
	if err != nil && errors.Is(err, context.Canceled) {
		var se *StreamError
		if cause := context.Cause(ctx); errors.As(cause, &se) {
			return false, se
		}
	}
	return false, err
}
