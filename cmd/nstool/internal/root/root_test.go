package root

import (
	"strings"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

func run(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	ios, _, out, errOut := cli.Test()
	code = Run(ios, NewCmd(ios), args)
	return code, out.String(), errOut.String()
}

func TestVersion(t *testing.T) {
	code, out, _ := run(t, "--version")
	if code != 0 || out != "nstool dev\n" {
		t.Errorf("--version: code %d, out %q", code, out)
	}
}

func TestCompletion(t *testing.T) {
	for _, shell := range []string{"bash", "zsh", "fish"} {
		code, out, errOut := run(t, "completion", shell)
		if code != 0 || !strings.Contains(out, "nstool") {
			t.Errorf("completion %s: code %d, stderr %q, %d bytes out", shell, code, errOut, len(out))
		}
	}
}

func TestUsageErrorIsOneLinePlusHint(t *testing.T) {
	code, out, errOut := run(t, "findmnt", "--no-such-flag")
	want := "nstool findmnt: unknown flag: --no-such-flag\nTry 'nstool findmnt --help' for more information.\n"
	if code != 1 || out != "" || errOut != want {
		t.Errorf("code %d, stdout %q, stderr %q; want 1, \"\", %q", code, out, errOut, want)
	}
}

func TestUnknownCommand(t *testing.T) {
	code, _, errOut := run(t, "frobnicate")
	if code != 1 || !strings.HasPrefix(errOut, "nstool: unknown command \"frobnicate\"") {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
}

func TestBadColorMode(t *testing.T) {
	code, _, errOut := run(t, "--color=sometimes", "ls")
	if code != 1 || !strings.Contains(errOut, "unsupported color mode") {
		t.Errorf("code %d, stderr %q", code, errOut)
	}
}
