//go:build !unix

package outfile

import "os"

// openOwnDescriptor: no descriptor directory here.
func openOwnDescriptor(string) (*os.File, bool) { return nil, false }
