package unshare_test

import (
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/nsexec/nsexectest"
	"github.com/nstool/nstool/cmd/nstool/nstooltest"
)

// -V prints util-linux's version line with nstool's name, in both starts.
func TestVersion(t *testing.T) { nsexectest.CheckVersion(t, nstooltest.Binary(t), "unshare") }
