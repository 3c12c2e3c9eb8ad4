package listfmt

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// The golden files in testdata/ are written by Python itself
// (testdata/python.py: json.dumps and csv.DictWriter): they are the reference's behaviour, byte for
// byte. `go test -update` reruns the script rather than copying our output.
var regenerate sync.Once

// recorded compares got with testdata/name.
func recorded(t *testing.T, name, got string) {
	t.Helper()
	regenerate.Do(func() { testenv.RegenerateWith(t, "python3", "testdata/python.py") })
	testenv.Recorded(t, filepath.Join("testdata", name), got)
}
