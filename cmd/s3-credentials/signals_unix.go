//go:build !windows

package main

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// stopSignals stop the work and start the undo: Ctrl-C, SIGTERM (kill,
// systemd, a container stopping), SIGHUP (the terminal closed, an ssh
// session dropped) and SIGQUIT (Ctrl-\, which would otherwise end the
// process with a dump of its goroutines, before any undo).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// ignoreBrokenPipes makes a write to a closed pipe on standard output or
// standard error fail with EPIPE instead of killing the process with
// SIGPIPE, as Go does for those two descriptors when nobody asked for the
// signal. The command then sees the failed write, as it does a full disk.
// The signal is asked for (and dropped) rather than ignored: an ignored
// signal would stay ignored in the processes the tool starts
// (credential_process), a caught one does not.
func ignoreBrokenPipes() {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
}

// stopAtOnce ends the process by sig, as if nothing had caught it: a
// shell sees status 128+N and stops a script that ran the tool.
func stopAtOnce(sig os.Signal) {
	s, ok := sig.(syscall.Signal)
	if !ok || s == syscall.SIGQUIT {
		// Go's own reaction to SIGQUIT is a dump of every goroutine; the
		// status is what a shell would have seen.
		os.Exit(128 + int(syscall.SIGQUIT))
	}
	signal.Reset(s)
	_ = syscall.Kill(os.Getpid(), s)
	// Not ended by it (it was blocked, or reset to ignored): the status a
	// shell would have seen.
	time.Sleep(time.Second)
	os.Exit(128 + int(s))
}
