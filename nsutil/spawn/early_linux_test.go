package spawn

import (
	"testing"

	"github.com/nstool/nstool/nsutil/namespaces"
)

// earlyNamespaces is CloneNamespaces as constants, with nsenter's messages.
func TestEarlyNamespacesAsCloneNamespaces(t *testing.T) {
	if len(earlyNamespaces) != len(namespaces.CloneNamespaces) {
		t.Fatalf("%d early namespaces, %d CloneNamespaces", len(earlyNamespaces), len(namespaces.CloneNamespaces))
	}
	for i, ns := range namespaces.CloneNamespaces {
		e := earlyNamespaces[i]
		if e.flag != ns.Flag || e.name != ns.Name || e.cDir != "/ns/"+ns.Name+"\x00" ||
			e.err != "reassociate to namespace 'ns/"+ns.Name+"' failed" {
			t.Errorf("early namespace %d: %+v, CloneNamespaces: %+v", i, e, ns)
		}
	}
}
