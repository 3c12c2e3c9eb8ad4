// Command s3-credentials creates narrowly scoped AWS credentials for S3
// buckets, inspects the policies, users and buckets involved, and moves
// objects in and out of buckets.
package main

import (
	"context"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"

	"github.com/s3-credentials/s3-credentials/internal/cli"
)

func main() {
	// net/http reports protocol oddities of a misbehaving server through
	// the standard logger ("Unsolicited response received on idle HTTP
	// channel"); the tool says what went wrong as its error instead.
	log.SetOutput(io.Discard)
	// A write to a closed pipe must fail as a write, not end the process
	// before the command can undo what it made (see ignoreBrokenPipes).
	ignoreBrokenPipes()
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2) // two presses in quick succession both count
	if caught := notIgnored(stopSignals); len(caught) > 0 {
		signal.Notify(sigs, caught...)
	}
	go func() {
		// The first Ctrl-C (or SIGTERM, or a hang-up) cancels the work: the
		// command undoes or names what it made, and ends with exit code 1.
		<-sigs
		cancel()
		// A second one ends the process at once, as the signal itself
		// would, so that a calling shell sees it was interrupted.
		sig := <-sigs
		fmt.Fprintln(os.Stderr, "Stopped at once by a second interrupt, without finishing the clean-up")
		stopAtOnce(sig)
	}()
	code := cli.Run(ctx, os.Args[1:], cli.SystemIO())
	signal.Stop(sigs)
	cancel()
	os.Exit(code)
}

// notIgnored leaves out the signals the tool was started with ignored:
// under nohup a hang-up must not stop it, nor Ctrl-C a command a shell
// without job control started in the background. Caught, they would be
// neither ignored nor ended by: they would cancel the work.
func notIgnored(sigs []os.Signal) []os.Signal {
	var out []os.Signal
	for _, s := range sigs {
		if !signal.Ignored(s) {
			out = append(out, s)
		}
	}
	return out
}
