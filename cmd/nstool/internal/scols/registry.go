package scols

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nstool/nstool/cmd/nstool/internal/cli"
)

// Registry is a command's list of columns, the one list that drives -o,
// the headings, --help's column list and the JSON types, as the infos[]
// array of each util-linux tool does. C is the command's own description
// of a column (how to fill it); Name says what -o calls it.
type Registry[C any] struct {
	Columns []C
	Name    func(C) string
}

// Lookup finds a column by name, case-insensitively, as util-linux's
// column_name_to_id() compares with strncasecmp(3).
func (r *Registry[C]) Lookup(name string) (C, bool) {
	for _, c := range r.Columns {
		if strings.EqualFold(r.Name(c), name) {
			return c, true
		}
	}
	var none C
	return none, false
}

// Named is the columns of the given names, all of which must exist (a
// command's defaults).
func (r *Registry[C]) Named(names ...string) []C {
	out := make([]C, 0, len(names))
	for _, n := range names {
		c, ok := r.Lookup(n)
		if !ok {
			panic("scols: no column " + n)
		}
		out = append(out, c)
	}
	return out
}

// ListSyntax is how a command reads -o LIST.
type ListSyntax struct {
	// Lenient is nstool ls's reading, kinder than lsns's: it splits at
	// every comma, skips empty names ("-o NS,,TYPE", "-o NS,", "-o +")
	// and names only the unknown column ("unknown column: FOO").
	// Otherwise the list is read as util-linux's string_add_to_idarray()
	// reads it for findmnt and lsns: an empty name fails with exit 1 and
	// no message (ErrEmptyColumnName), the last name runs to the end of
	// the list, a trailing comma included ("TARGET," is unknown), and an
	// unknown name is reported with the rest of the list after it
	// ("unknown column: FOO,TARGET").
	Lenient bool
	// Slots is the size of util-linux's array of column IDs (0: no
	// limit): once it is full, whatever follows in the list fails with
	// TooManyColumnsError before it is read, an empty or unknown name too.
	Slots int
}

// ErrEmptyColumnName is an empty name in an -o list (see ListSyntax).
var ErrEmptyColumnName = errors.New("empty column name")

// UnknownColumnError is a name in an -o list that is no column.
type UnknownColumnError struct{ Name string }

func (e *UnknownColumnError) Error() string { return "unknown column: " + e.Name }

// TooManyColumnsError is an -o list longer than ListSyntax.Slots allows:
// string_to_idarray() returns -2, and findmnt and lsns exit 1 saying
// nothing (FailsSilently). Error is the message they give when their
// own defaults overflow the array.
type TooManyColumnsError struct{ Limit int }

func (e *TooManyColumnsError) Error() string {
	return fmt.Sprintf("too many columns specified, the limit is %d columns", e.Limit)
}

// FailsSilently reports whether util-linux exits 1 without a message for
// the ParseList error err.
func FailsSilently(err error) bool {
	var tooMany *TooManyColumnsError
	return errors.Is(err, ErrEmptyColumnName) || errors.As(err, &tooMany)
}

// ParseList applies -o LIST to the columns cur: "+LIST" appends to them,
// LIST replaces them.
func (r *Registry[C]) ParseList(cur []C, list string, syn ListSyntax) ([]C, error) {
	if rest, ok := strings.CutPrefix(list, "+"); ok {
		list = rest
		cur = append([]C(nil), cur...)
	} else {
		cur = nil
	}
	// Names are taken in turn: what is wrong first is what is reported.
	for _, it := range splitList(list, syn.Lenient) {
		if syn.Slots > 0 && len(cur) >= syn.Slots {
			return nil, &TooManyColumnsError{Limit: syn.Slots - 1}
		}
		if it.name == "" {
			return nil, ErrEmptyColumnName
		}
		c, ok := r.Lookup(it.name)
		if !ok {
			if syn.Lenient {
				return nil, &UnknownColumnError{Name: it.name}
			}
			return nil, &UnknownColumnError{Name: it.rest}
		}
		cur = append(cur, c)
	}
	return cur, nil
}

// listItem is one name of an -o list and the list from it to the end.
type listItem struct{ name, rest string }

// splitList splits an -o list into names (see ListSyntax); an empty name
// that is not skipped ends the list.
func splitList(list string, lenient bool) []listItem {
	var items []listItem
	if lenient {
		for _, n := range strings.Split(list, ",") {
			if n != "" {
				items = append(items, listItem{name: n})
			}
		}
		return items
	}
	if list == "" {
		return []listItem{{}}
	}
	for _, f := range cli.SplitIDList(list) {
		it := listItem{name: f.Text}
		if f.Text != "" {
			it.rest = list[f.Start:]
		}
		items = append(items, it)
	}
	return items
}
