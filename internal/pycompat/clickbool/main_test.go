package clickbool

import (
	"os"
	"testing"

	"github.com/s3-credentials/s3-credentials/internal/testenv"
)

// TestMain gives the package's tests the module's common test flags
// (-update).
func TestMain(m *testing.M) { os.Exit(testenv.Run(m)) }
