// Command s3-credentials creates narrowly scoped AWS credentials for S3
// buckets, inspects the policies, users and buckets involved, and moves
// objects in and out of buckets.
package main

import (
	"context"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// After the first Ctrl-C cancels the work, a second one ends the
		// process at once.
		<-ctx.Done()
		stop()
	}()
	code := cli.Run(ctx, os.Args[1:], cli.SystemIO())
	stop()
	os.Exit(code)
}
