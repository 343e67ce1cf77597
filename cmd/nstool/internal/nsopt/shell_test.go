package nsopt

import (
	"path/filepath"
	"testing"
)

// Shell's base is filepath.Base's.
func TestShellBase(t *testing.T) {
	for _, sh := range []string{"/bin/bash", "bash", "/usr/bin/zsh/", "", "/", "//", "a//b//", "./sh"} {
		path, base := Shell(sh, true)
		if path != sh || base != filepath.Base(sh) {
			t.Errorf("Shell(%q) = %q %q, want %q %q", sh, path, base, sh, filepath.Base(sh))
		}
	}
	if path, base := Shell("", false); path != "/bin/sh" || base != "sh" {
		t.Errorf("SHELL unset: %q %q", path, base)
	}
}
