package cli

import (
	"reflect"
	"testing"
)

func TestSplitIDList(t *testing.T) {
	for in, want := range map[string][]IDListField{
		"":       nil,
		"a":      {{"a", 0}},
		"a,bc":   {{"a", 0}, {"bc", 2}},
		"a,b,":   {{"a", 0}, {"b,", 2}},
		"a,,b":   {{"a", 0}, {"", 2}},
		",a":     {{"", 0}},
		",":      {{",", 0}},
		"ab,c,d": {{"ab", 0}, {"c", 3}, {"d", 5}},
	} {
		if got := SplitIDList(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitIDList(%q) = %v, want %v", in, got, want)
		}
	}
}
