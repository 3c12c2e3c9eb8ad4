package main

import (
	"os"
	"syscall"
)

// stopSignals stop the work and start the undo: Ctrl-C and Ctrl-Break
// (os.Interrupt), and the console window closing, the user logging off or
// the machine shutting down (Go delivers those as SIGTERM).
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// ignoreBrokenPipes has nothing to do: Windows has no SIGPIPE, a write to
// a closed pipe simply fails.
func ignoreBrokenPipes() {}

// statusControlCExit is STATUS_CONTROL_C_EXIT (0xC000013A), the exit code
// of a console process ended by Ctrl-C, as an int on every architecture.
const statusControlCExit = -1073741510

// stopAtOnce ends the process at once with the status Windows gives a
// process ended by Ctrl-C. There is no signal to re-raise: once caught, a
// console control event is not passed on to the default handler.
func stopAtOnce(os.Signal) {
	os.Exit(statusControlCExit)
}
