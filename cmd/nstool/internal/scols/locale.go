package scols

import (
	"os"
	"strings"
)

// LocaleIsUTF8 reports whether the C library would run in a UTF-8 locale
// for this environment, as util-linux tools see it after setlocale(LC_ALL,
// ""): the first non-empty of LC_ALL, LC_CTYPE and LANG names the locale
// (locale(7)); its codeset must be UTF-8 and the locale must exist, or the
// C library falls back to the ASCII "C" locale.
func LocaleIsUTF8(getenv func(string) string) bool {
	name := ""
	for _, v := range []string{"LC_ALL", "LC_CTYPE", "LANG"} {
		if s := getenv(v); s != "" {
			name = s
			break
		}
	}
	lang, codeset, ok := strings.Cut(name, ".")
	if !ok {
		return false
	}
	codeset, modifier, _ := strings.Cut(codeset, "@")
	norm := strings.ToLower(strings.ReplaceAll(codeset, "-", ""))
	if norm != "utf8" {
		return false
	}
	if lang == "C" || lang == "POSIX" {
		return true // glibc 2.35+ builds C.UTF-8 in
	}
	if modifier != "" {
		modifier = "@" + modifier
	}
	// An installed locale is a directory under /usr/lib/locale, or an
	// entry of the locale archive.
	for _, n := range []string{lang + "." + codeset + modifier, lang + ".utf8" + modifier} {
		if fi, err := os.Stat("/usr/lib/locale/" + n); err == nil && fi.IsDir() {
			return true
		}
	}
	// The archive is big; its presence is taken as the locale's.
	_, err := os.Stat("/usr/lib/locale/locale-archive")
	return err == nil
}
