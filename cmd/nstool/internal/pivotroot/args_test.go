package pivotroot

import (
	"reflect"
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// nstool's own --explain, anywhere and by prefix, is not one of the two
// words pivot_root(8) counts; after "--" it is a word.
func TestExplainIsNotCounted(t *testing.T) {
	for _, c := range []struct {
		args    []string
		words   []string
		explain bool
	}{
		{[]string{"--explain", "a", "b"}, []string{"a", "b"}, true},
		{[]string{"a", "--ex", "b"}, []string{"a", "b"}, true},
		{[]string{"a", "b", "--e"}, []string{"a", "b"}, true},
		{[]string{"--", "--explain"}, []string{"--", "--explain"}, false},
		{[]string{"--explain", "a", "--"}, []string{"--", "a"}, true},
	} {
		var o Options
		words, act, err := parseArgs(c.args, &o)
		if err != nil || act != actPivot || !reflect.DeepEqual(words, c.words) || o.Explain != c.explain {
			t.Errorf("parseArgs(%q) = %q, %v, %v, explain %v; want %q, explain %v", c.args, words, act, err, o.Explain, c.words, c.explain)
		}
	}
}

// The command line reaches run as util-linux would read it.
func TestCommandLine(t *testing.T) {
	ios, _, _, _ := cli.Test()
	var got *Options
	cmd := newCmd(ios, func(o *Options) error { got = o; return nil })
	if err := cli.Execute(cmd, "--explain", "new", "new/old"); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.NewRoot != "new" || got.PutOld != "new/old" || !got.Explain {
		t.Errorf("got %+v", got)
	}
	if err := cli.Execute(newCmd(ios, func(*Options) error { return nil }), "a"); cli.ExitCode(err) != 1 || err.Error() != "bad usage" {
		t.Errorf("one argument: %v", err)
	}
}

// getopt_long's messages for what nstool's --explain changes: "--=x" is a
// prefix of every long option, nstool's one more than util-linux's.
func TestAmbiguousLongOption(t *testing.T) {
	_, _, err := parseArgs([]string{"--=x", "a", "b"}, &Options{})
	want := "option '--=x' is ambiguous; possibilities: '--version' '--help' '--explain'"
	if err == nil || err.Error() != want {
		t.Errorf("--=x: %v, want %q", err, want)
	}
}
