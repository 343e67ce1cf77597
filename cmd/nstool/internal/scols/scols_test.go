package scols

import (
	"bytes"
	"encoding/json"
	"testing"
)

// sample builds the table util-linux findmnt prints for a small tree;
// the expected bytes below were printed by util-linux 2.38.1 findmnt on
// the same data (see cmd/nstool/internal/findmnt for the differential
// tests against the real tool).
func sample(f Format, tree, utf bool) *Table {
	t := &Table{Name: "filesystems", Format: f, Tree: tree, UTF8: utf}
	t.NewColumn("TARGET", 0.30, Tree|NoExtremes)
	t.NewColumn("SOURCE", 0.25, NoExtremes)
	id := t.NewColumn("ID", 2, Right)
	id.JSON = Number
	t.NewColumn("OPTIONS", 0.10, Trunc)
	root := t.NewLine(nil)
	for i, v := range []string{"/", "a", "20", "rw"} {
		root.Set(i, v)
	}
	a := t.NewLine(root)
	for i, v := range []string{"/caf\u00e9\tx", `b\xy`, "21", "rw"} {
		a.Set(i, v)
	}
	b := t.NewLine(root)
	for i, v := range []string{`/a b\c`, "\"q$`", "22", ""} {
		b.Set(i, v)
	}
	c := t.NewLine(b)
	for i, v := range []string{"/a b/d", "", "123", "ro"} {
		c.Set(i, v)
	}
	return t
}

func render(t *testing.T, tb *Table) string {
	t.Helper()
	var b bytes.Buffer
	if err := tb.Print(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// The sample in each text format, as util-linux 2.38.1 prints it.
func TestTextFormats(t *testing.T) {
	for _, c := range []struct {
		name      string
		format    Format
		tree, utf bool
		want      string
	}{
		{"tree, ASCII", Human, true, false, "TARGET              SOURCE   ID OPTIONS\n" +
			"/                   a        20 rw\n" +
			"|-/caf\\xc3\\xa9\\x09x b\\x5cxy  21 rw\n" +
			"`-/a b\\c            \"q$`     22 \n" +
			"  `-/a b/d                  123 ro\n"},
		{"tree, UTF-8", Human, true, true, "TARGET       SOURCE   ID OPTIONS\n" +
			"/            a        20 rw\n" +
			"├─/café\\x09x b\\x5cxy  21 rw\n" +
			"└─/a b\\c     \"q$`     22 \n" +
			"  └─/a b/d           123 ro\n"},
		{"raw", Raw, false, true, "TARGET SOURCE ID OPTIONS\n" +
			"/ a 20 rw\n" +
			"/caf\\xc3\\xa9\\x09x b\\x5cxy 21 rw\n" +
			"/a\\x20b\\x5cc \"q$` 22 \n" +
			"/a\\x20b/d  123 ro\n"},
		{"pairs", Pairs, false, false, `TARGET="/" SOURCE="a" ID="20" OPTIONS="rw"` + "\n" +
			`TARGET="/caf\xc3\xa9\x09x" SOURCE="b\x5cxy" ID="21" OPTIONS="rw"` + "\n" +
			`TARGET="/a b\x5cc" SOURCE="\x22q\x24\x60" ID="22" OPTIONS=""` + "\n" +
			`TARGET="/a b/d" SOURCE="" ID="123" OPTIONS="ro"` + "\n"},
	} {
		if got := render(t, sample(c.format, c.tree, c.utf)); got != c.want {
			t.Errorf("%s: got\n%s\nwant\n%s", c.name, got, c.want)
		}
	}
}

func TestJSONTree(t *testing.T) {
	want := `{
   "filesystems": [
      {
         "target": "/",
         "source": "a",
         "id": 20,
         "options": "rw",
         "children": [
            {
               "target": "/café\tx",
               "source": "b\\xy",
               "id": 21,
               "options": "rw"
            },{
               "target": "/a b\\c",
               "source": "\"q$` + "`" + `",
               "id": 22,
               "options": null,
               "children": [
                  {
                     "target": "/a b/d",
                     "source": null,
                     "id": 123,
                     "options": "ro"
                  }
               ]
            }
         ]
      }
   ]
}
`
	got := render(t, sample(JSON, true, false))
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if !json.Valid([]byte(got)) {
		t.Error("not valid JSON")
	}
	empty := render(t, &Table{Name: "x", Format: JSON, Columns: sample(JSON, false, false).Columns})
	if empty != "{\n   \"x\": [\n\n   ]\n}\n" || !json.Valid([]byte(empty)) {
		t.Errorf("empty JSON: %q", empty)
	}
}

func TestNoHeadingsKeepsHeaderWidth(t *testing.T) {
	tb := &Table{NoHeadings: true}
	tb.NewColumn("FSTYPE", 0.1, Trunc)
	tb.NewColumn("X", 0, 0)
	l := tb.NewLine(nil)
	l.Set(0, "nfs")
	l.Set(1, "y")
	if got := render(t, tb); got != "nfs    y\n" {
		t.Errorf("got %q", got)
	}
}

func TestShellVarName(t *testing.T) {
	for in, want := range map[string]string{"USE%": "USE_PCT", "MAJ:MIN": "MAJ_MIN", "1X": "_1X", "FS-OPTIONS": "FS_OPTIONS"} {
		c := &Column{Name: in}
		if got := c.ShellVarName(); got != want {
			t.Errorf("%s: got %s want %s", in, got, want)
		}
	}
}

func TestTerminalTruncates(t *testing.T) {
	tb := &Table{Terminal: true, TermWidth: 20}
	tb.NewColumn("TARGET", 0.30, NoExtremes)
	tb.NewColumn("OPTIONS", 0.10, Trunc)
	l := tb.NewLine(nil)
	l.Set(0, "/mnt")
	l.Set(1, "rw,nosuid,nodev,noexec,relatime")
	got := render(t, tb)
	for _, line := range bytes.Split([]byte(got), []byte("\n")) {
		if len(line) > 20 {
			t.Errorf("line wider than the terminal: %q", line)
		}
	}
	if want := "TARGET OPTIONS\n/mnt   rw,nosuid,nod\n"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func TestLocaleIsUTF8(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"LANG": "C.UTF-8"}, true},
		{map[string]string{"LANG": "C.utf8"}, true},
		{map[string]string{"LANG": "C.UTF-8", "LC_ALL": "C"}, false},
		{map[string]string{"LANG": "POSIX", "LC_CTYPE": "C.UTF-8"}, true},
		{map[string]string{"LC_ALL": "POSIX"}, false},
	}
	for _, c := range cases {
		if got := LocaleIsUTF8(env(c.env)); got != c.want {
			t.Errorf("%v: got %v", c.env, got)
		}
	}
}

// The tree's art is encoded on every line: its box-drawing characters take
// a fast path, which must agree with the general rule (graphic, one cell).
func TestSafeEncodeBoxDrawing(t *testing.T) {
	for _, tc := range []struct {
		in    string
		out   string
		width int
	}{
		{"├─/lab", "├─/lab", 6},
		{"│ └─x", "│ └─x", 5},
		{"╿é", "╿é", 2},
		{"├\x01", "├\\x01", 5},
	} {
		out, width := safeEncode(tc.in, true)
		if out != tc.out || width != tc.width {
			t.Errorf("safeEncode(%q) = %q, %d; want %q, %d", tc.in, out, width, tc.out, tc.width)
		}
		if w := textWidth(tc.in); tc.in == tc.out && w != tc.width {
			t.Errorf("textWidth(%q) = %d, want %d", tc.in, w, tc.width)
		}
	}
}
