// Package termtext words text for a person at a terminal: names quoted
// ([Quote]) and controls escaped ([Escape]) so that a name from a release
// can neither move the cursor nor set the terminal's title, and error
// messages wrapped on their way up made one line that says each thing
// once ([OneLine]).
package termtext

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Quote returns a file name or path as it is printed in plain output:
// unchanged when every character is printable, else in double quotes with
// Go's escapes (`"a\x1b]0;x\ab"`), as ls and git quote such names. A name
// with a double quote or a backslash is quoted too, so that a quoted name
// is never ambiguous. (JSON output keeps names as they are: encoding/json
// escapes them.)
func Quote(s string) string {
	if printable(s) && !strings.ContainsAny(s, `"\`) {
		return s
	}
	return strconv.Quote(s)
}

// Escape returns msg with every character that is not printable replaced
// by its escape (\x1b, \n, \u2028), the rest unchanged: for error and
// warning text, which may quote names from a release.
func Escape(msg string) string {
	if printable(msg) {
		return msg
	}
	var b strings.Builder
	for i := 0; i < len(msg); {
		r, n := utf8.DecodeRuneInString(msg[i:])
		if (r == utf8.RuneError && n == 1) || !unicode.IsPrint(r) {
			q := strconv.Quote(msg[i : i+n])
			b.WriteString(q[1 : len(q)-1])
		} else {
			b.WriteString(msg[i : i+n])
		}
		i += n
	}
	return b.String()
}

// printable reports whether s is valid UTF-8 of printable characters
// (spaces other than U+0020 are not).
func printable(s string) bool {
	for _, r := range s {
		if r == utf8.RuneError || !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}
