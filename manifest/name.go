package manifest

import (
	"fmt"
	"unicode/utf8"
)

// MaxNameLen is the longest service name, in bytes (npm's package name limit).
const MaxNameLen = 214

// Name is a validated service name: 1 to MaxNameLen characters from a-z,
// 0-9, '-', '.' and '_', not starting with '.' or '-'. Names are safe as
// path segments, map keys and the part before '@' in a release spec.
type Name string

// ParseName checks s against the naming rules and returns it as a Name.
// Errors wrap ErrInvalidName and say what is wrong and where.
func ParseName(s string) (Name, error) {
	if reason := nameProblem(s); reason != "" {
		return "", fmt.Errorf("%w %s: %s", ErrInvalidName, quoteShort(s), reason)
	}
	return Name(s), nil
}

// validASCIIName is nameProblem(s) == "" for the common case, without
// decoding runes: index nodes check thousands of names per block.
func validASCIIName(s string) bool {
	if s == "" || len(s) > MaxNameLen || s[0] == '.' || s[0] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// nameProblem returns why s is not a valid name, or "" when it is.
func nameProblem(s string) string {
	if validASCIIName(s) {
		return ""
	}
	const charset = "names use a-z 0-9 - . _"
	switch {
	case s == "":
		return "empty; " + charset
	case len(s) > MaxNameLen:
		return fmt.Sprintf("%d bytes, limit is %d", len(s), MaxNameLen)
	}
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', r == '_':
		case r == '.' || r == '-':
			if i == 0 {
				return fmt.Sprintf("starts with %q; names start with a-z 0-9 or _", r)
			}
		case r >= 'A' && r <= 'Z':
			return fmt.Sprintf("uppercase letter %q at %d; %s", r, i, charset)
		case r == utf8.RuneError && size == 1:
			return fmt.Sprintf("byte 0x%02x at %d is not UTF-8; %s", s[i], i, charset)
		default:
			return fmt.Sprintf("character %q at %d; %s", r, i, charset)
		}
		i += size
	}
	return ""
}
