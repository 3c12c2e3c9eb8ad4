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
	"syscall"

	"github.com/s3-credentials/s3-credentials/internal/cli"
)

func main() {
	// net/http reports protocol oddities of a misbehaving server through
	// the standard logger ("Unsolicited response received on idle HTTP
	// channel"); the tool says what went wrong as its error instead.
	log.SetOutput(io.Discard)
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2) // two presses in quick succession both count
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first Ctrl-C (or SIGTERM) cancels the work: the command
		// undoes or names what it made, and ends with exit code 1.
		<-sigs
		cancel()
		// A second one ends the process at once, by the signal itself, so
		// that a calling shell sees it was interrupted (status 130).
		sig := <-sigs
		fmt.Fprintln(os.Stderr, "Stopped at once by a second interrupt, without finishing the clean-up")
		signal.Reset(sig)
		_ = syscall.Kill(os.Getpid(), sig.(syscall.Signal))
		select {}
	}()
	code := cli.Run(ctx, os.Args[1:], cli.SystemIO())
	signal.Stop(sigs)
	cancel()
	os.Exit(code)
}
