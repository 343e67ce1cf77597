package pivot

import "strings"

// quoteName is a path in a sentence: `n/old'.
func quoteName(p string) string { return "`" + p + "'" }

// shellQuote is p as a shell word, quoted only when it must be.
func shellQuote(p string) string {
	if p != "" && strings.Trim(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+=:,@") == "" {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}
