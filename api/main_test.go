package api_test

import (
	"flag"
	"os"
	"runtime"
	"strconv"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestMain sets what is process-wide once, before any test: Gin's mode
// (api.New leaves it to its caller) and how many tests run at once.
// The tests wait on their databases' commits far more than they compute,
// so four per core keep the cores busy; -parallel on the command line
// still decides.
func TestMain(m *testing.M) {
	gin.SetMode(gin.ReleaseMode)
	flag.Parse()
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	if !set {
		_ = flag.Set("test.parallel", strconv.Itoa(4*runtime.GOMAXPROCS(0)))
	}
	os.Exit(m.Run())
}
