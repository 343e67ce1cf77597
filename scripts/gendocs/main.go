// Command gendocs writes nstool's man pages (DIR/man) and CLI reference
// (DIR/cli) from the cobra command tree: `go run ./scripts/gendocs docs`.
package main

import (
	"fmt"
	"os"

	"github.com/nstool/nstool/cmd/nstool/docgen"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: gendocs DIR")
		os.Exit(2)
	}
	if err := docgen.Generate(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "gendocs:", err)
		os.Exit(1)
	}
}
