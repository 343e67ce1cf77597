package mount

import (
	"os"
	"strings"
	"testing"
)

// docs/mount.md shows the state-transition table that nsutil's tests check
// against the kernel; it must be that table, word for word.
func TestDocsStateTable(t *testing.T) {
	doc, err := os.ReadFile("../../../../docs/mount.md")
	if err != nil {
		t.Fatal(err)
	}
	if want := StateTableMarkdown(); !strings.Contains(string(doc), want) {
		t.Errorf("docs/mount.md does not contain the state table; it should read:\n%s", want)
	}
}
