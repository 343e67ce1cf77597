package scols

import (
	"errors"
	"strings"
	"testing"
)

var testRegistry = Registry[string]{Columns: []string{"TARGET", "SOURCE", "FSTYPE"}, Name: func(s string) string { return s }}

func TestParseList(t *testing.T) {
	defaults := []string{"TARGET"}
	strict, lenient := ListSyntax{Slots: 4}, ListSyntax{Lenient: true}
	for _, c := range []struct {
		list string
		syn  ListSyntax
		want string // the columns joined by spaces, or the error
	}{
		{"source,fstype", strict, "SOURCE FSTYPE"},
		{"+SOURCE", strict, "TARGET SOURCE"},
		{"SOURCE,", strict, "unknown column: SOURCE,"},
		{"FOO,SOURCE", strict, "unknown column: FOO,SOURCE"},
		{",SOURCE", strict, "empty"},
		{"FOO,,SOURCE", strict, "unknown column: FOO,,SOURCE"},
		{"SOURCE,,FOO", strict, "empty"},
		{"+", strict, "empty"},
		{"", strict, "empty"},
		{"TARGET,TARGET,TARGET,TARGET", strict, "TARGET TARGET TARGET TARGET"},
		{"TARGET,TARGET,TARGET,TARGET,TARGET", strict, "silent: too many columns specified, the limit is 3 columns"},
		{"TARGET,TARGET,TARGET,TARGET,FOO", strict, "silent: too many columns specified, the limit is 3 columns"},
		{"TARGET,TARGET,TARGET,TARGET,,", strict, "silent: too many columns specified, the limit is 3 columns"},
		{"TARGET,TARGET,TARGET,TARGET,", strict, "unknown column: TARGET,"},
		{"+SOURCE,FSTYPE,TARGET", strict, "TARGET SOURCE FSTYPE TARGET"},
		{"+SOURCE,FSTYPE,TARGET,SOURCE", strict, "silent: too many columns specified, the limit is 3 columns"},
		{"SOURCE,", lenient, "SOURCE"},
		{"SOURCE,,FSTYPE", lenient, "SOURCE FSTYPE"},
		{"+", lenient, "TARGET"},
		{"FOO,SOURCE", lenient, "unknown column: FOO"},
	} {
		cols, err := testRegistry.ParseList(defaults, c.list, c.syn)
		got := strings.Join(cols, " ")
		switch {
		case errors.Is(err, ErrEmptyColumnName) && FailsSilently(err):
			got = "empty"
		case FailsSilently(err):
			got = "silent: " + err.Error()
		case err != nil:
			got = err.Error()
		}
		if got != c.want {
			t.Errorf("ParseList(%q, lenient %v) = %q, want %q", c.list, c.syn.Lenient, got, c.want)
		}
	}
	if defaults[0] != "TARGET" || len(defaults) != 1 {
		t.Errorf("+LIST changed the defaults: %v", defaults)
	}
}
