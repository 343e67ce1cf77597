package scols_test

import (
	"fmt"
	"os"

	"github.com/nstool/nstool/cmd/nstool/internal/scols"
)

// A command describes its columns once (name, width hint, flags, JSON
// type) and adds lines; the format flags choose list, raw, pairs or JSON.
func Example() {
	t := &scols.Table{Name: "namespaces"}
	t.NewColumn("NS", 10, scols.Right).JSON = scols.Number
	t.NewColumn("TYPE", 5, 0)
	t.NewColumn("COMMAND", 0, scols.Trunc)
	for _, row := range [][]string{{"4026531840", "mnt", "/sbin/init"}, {"4026532200", "mnt", "bash"}} {
		l := t.NewLine(nil)
		for i, v := range row {
			l.Set(i, v)
		}
	}
	fmt.Println("list:")
	_ = t.Print(os.Stdout)
	t.Format = scols.JSON
	_ = t.Print(os.Stdout)
	// Output:
	// list:
	//         NS TYPE COMMAND
	// 4026531840 mnt  /sbin/init
	// 4026532200 mnt  bash
	// {
	//    "namespaces": [
	//       {
	//          "ns": 4026531840,
	//          "type": "mnt",
	//          "command": "/sbin/init"
	//       },{
	//          "ns": 4026532200,
	//          "type": "mnt",
	//          "command": "bash"
	//       }
	//    ]
	// }
}
