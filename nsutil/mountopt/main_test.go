package mountopt_test

import (
	"testing"

	"github.com/nstool/nstool/nsutil/nstest"
)

// Tests that mount run in a private mount namespace of their own.
func TestMain(m *testing.M) { nstest.Main(m) }
