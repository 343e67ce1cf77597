package cli

// IDListField is one field of a comma list and where it starts in it.
type IDListField struct {
	Text  string
	Start int
}

// SplitIDList splits a comma list as util-linux 2.38's string_to_idarray
// (and string_add_to_idarray, which -o LIST goes through) walks it: a
// field ends at a comma, but the last one runs to the end of the string,
// a trailing comma included ("a,b," gives "a" and "b,"). An empty field
// (a leading comma, or two in a row) ends the walk: it is the last field
// returned, with Text "". An empty list has no field.
func SplitIDList(s string) []IDListField {
	var fields []IDListField
	begin := -1
	for p := 0; p < len(s); p++ {
		if begin < 0 {
			begin = p
		}
		end := -1
		if s[p] == ',' {
			end = p
		}
		if p+1 == len(s) {
			end = p + 1
		}
		if end < 0 {
			continue
		}
		if end <= begin {
			return append(fields, IDListField{Start: begin})
		}
		fields = append(fields, IDListField{Text: s[begin:end], Start: begin})
		begin = -1
	}
	return fields
}
