package pivot

// quoteName is a path in a sentence: `n/old'.
func quoteName(p string) string { return "`" + p + "'" }
