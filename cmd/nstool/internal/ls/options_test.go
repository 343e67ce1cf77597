package ls

import (
	"testing"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
	"github.com/nstool/nstool/cmd/nstool/internal/version"
	"github.com/nstool/nstool/nsutil/namespaces"
)

// parse runs a command line through cobra and validate, without listing.
func parse(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	ios, _, _, _ := cli.Test()
	var got *Options
	err := cli.Execute(newCmd(ios, func(o *Options) error {
		got = o
		return o.validate()
	}), args...)
	return got, err
}

func TestValidate(t *testing.T) {
	o, err := parse(t, "mnt", "-t", "net")
	if err != nil || o.Types != namespaces.TypeSet(0).With(namespaces.Mnt).With(namespaces.Net) {
		t.Errorf("ls mnt -t net: %v, types %v", err, o.Types)
	}
	if o, err := parse(t, "4026531840"); err != nil || o.Namespace != 4026531840 {
		t.Errorf("ls ID: %v", err)
	}
	if o, err := parse(t, "--task", "7"); err != nil || o.PID != 7 {
		t.Errorf("ls --task 7: %v", err)
	}
	// strtol's reading, as lsns: blanks and a sign; 0 is no --pid.
	for arg, want := range map[string]int{" 7": 7, "+7": 7, "-7": -7, "0": 0} {
		if o, err := parse(t, "-p", arg); err != nil || o.PID != want {
			t.Errorf("ls -p %q: %v, PID %d; want %d", arg, err, o.PID, want)
		}
	}
	// lsns's <namespace> 0 (-l): every namespace, with the process
	// columns as the defaults (or what "+" adds to)
	for _, c := range []struct {
		args   []string
		output string
	}{
		{[]string{"-l", "0"}, "PID,PPID,USER,COMMAND"}, {[]string{"-l", "+00"}, "PID,PPID,USER,COMMAND"},
		{[]string{"-l", "0", "-o", "+NS"}, "PID,PPID,USER,COMMAND,NS"}, {[]string{"-l", "0", "-o", "NS"}, "NS"},
		{[]string{"-l", "0", "-o", "+"}, "+"}, {[]string{"-l", "0", "--output-all", "-o", "+NS"}, "+NS"},
	} {
		if o, err := parse(t, c.args...); err != nil || o.Namespace != 0 || o.Output != c.output || !o.changed("output") {
			t.Errorf("ls %q: %v, namespace %d, -o %q; want 0 and %q", c.args, err, o.Namespace, o.Output, c.output)
		}
	}
	if o, err := parse(t, "-T", "parent"); err != nil || o.Tree != "parent" {
		t.Errorf("ls -T parent: %v, tree %q", err, o.Tree)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--pid=x"}, "invalid PID argument: 'x'"},
		{[]string{"--namespace="}, "invalid namespace argument: ''"},
		{[]string{"bogus"}, "invalid namespace argument: 'bogus'"}, // nor a TYPE: lsns's words
		{[]string{"--tree=x"}, "unknown tree type: x"},
		{[]string{"-J", "-r"}, "mutually exclusive arguments: --json --raw"},
		{[]string{"--pid=1", "--namespace=2"}, "--pid is mutually exclusive with --namespace"},
		{[]string{"--pid=1", "2"}, "--task is mutually exclusive with <namespace>"},
		{[]string{"-l", "--pid=1", "x"}, "--task is mutually exclusive with <namespace>"}, // before the argument is read
		{[]string{"-l", "--pid=x", "5x"}, "invalid PID argument: 'x'"},
		{[]string{"0"}, "invalid namespace argument: '0'"},                   // nstool's own view: no namespace is 0
		{[]string{"-l", "--namespace=0"}, "invalid namespace argument: '0'"}, // nstool's option, not lsns's argument
		{[]string{"--pid=4294967296"}, "invalid PID argument: '4294967296': Numerical result out of range"},
	} {
		_, err := parse(t, c.args...)
		if err == nil || err.Error() != c.want || cli.ExitCode(err) != 1 {
			t.Errorf("ls %v: %v, want %q", c.args, err, c.want)
		}
	}
}

// -V names nstool in util-linux's shape ("lsns from util-linux 2.38.1").
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"-V"}, {"--version", "-t", "bogus"}} {
		ios, _, out, _ := cli.Test()
		if err := cli.Execute(NewCmd(ios), args...); err != nil || out.String() != "ls from nstool "+version.Version+"\n" {
			t.Errorf("%q: %v, %q", args, err, out)
		}
	}
}
