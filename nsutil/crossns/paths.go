package crossns

import "strings"

// below is the part of p below dir ("" when p is dir itself), and whether
// p is dir or inside it. Both are clean absolute paths, as mountinfo gives.
func below(p, dir string) (rest string, ok bool) {
	switch {
	case p == dir:
		return "", true
	case dir == "/":
		return p[1:], true
	case strings.HasPrefix(p, dir) && p[len(dir)] == '/':
		return p[len(dir)+1:], true
	}
	return "", false
}

// join puts rest (relative, maybe empty) below dir.
func join(dir, rest string) string {
	switch {
	case rest == "":
		return dir
	case dir == "/":
		return "/" + rest
	}
	return dir + "/" + rest
}

// prefixes are the directories from / down to p: "/", "/a", "/a/b" for
// "/a/b".
func prefixes(p string) []string {
	out := []string{"/"}
	for i := 1; i < len(p); i++ {
		if p[i] == '/' {
			out = append(out, p[:i])
		}
	}
	if p != "/" {
		out = append(out, p)
	}
	return out
}
