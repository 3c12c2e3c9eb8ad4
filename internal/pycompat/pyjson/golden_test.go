package pyjson

import (
	"path/filepath"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// recorded compares got with testdata/name. The golden files are written
// by Python itself (testdata/python.py: json.dumps and str(datetime)): they are the
// reference's behaviour, byte for byte, and -update reruns the script
// rather than copying our output.
func recorded(t *testing.T, name, got string) {
	t.Helper()
	testenv.RecordedBy(t, []string{"python3", "testdata/python.py"}, filepath.Join("testdata", name), got)
}
