package manifest

import (
	"errors"
	"fmt"
)

// ErrInvalidTag is returned when a tag name breaks the tag rules.
var ErrInvalidTag = errors.New("invalid tag")

// LatestTag is the tag svcreg keeps on the highest stable, non-yanked
// version of a service: it moves when such a version is published, yanked
// or restored, and it cannot be set by hand. NAME@latest resolves exactly
// as the bare NAME does.
const LatestTag = "latest"

// ValidateTag checks the name of a tag to be set: the rules of
// checkTagFormat, and a tag must start with a letter and must not start
// with "v" followed by a digit, so that nothing that looks like a version
// ("1.2.3.4", "v1", "1.2") is ever read as a tag. Errors wrap
// ErrInvalidTag.
func ValidateTag(tag string) error {
	if err := checkTagFormat(tag); err != nil {
		return err
	}
	if looksLikeVersion(tag) || tag[0] < 'a' || tag[0] > 'z' {
		return fmt.Errorf("%w %q: a tag starts with a letter, and not with v and a digit, so that it never looks like a version (as in latest, beta, next)", ErrInvalidTag, tag)
	}
	return nil
}

// checkTagFormat checks what every stored tag must satisfy, including
// tags set before ValidateTag's stricter rule: the name rules, and not
// parseable as a range, so that NAME@X is never ambiguous.
func checkTagFormat(tag string) error {
	if _, err := ParseName(tag); err != nil {
		return fmt.Errorf("%w %q: tags follow the service name rules", ErrInvalidTag, tag)
	}
	if _, err := ParseRange(tag); err == nil {
		return fmt.Errorf("%w %q: it reads as a version range", ErrInvalidTag, tag)
	}
	return nil
}

// looksLikeVersion reports whether s starts as a version or range would:
// with a digit, or with "v", "V" or "=" and a digit.
func looksLikeVersion(s string) bool {
	isDigit := func(i int) bool { return i < len(s) && s[i] >= '0' && s[i] <= '9' }
	if isDigit(0) {
		return true
	}
	return len(s) > 1 && (s[0] == 'v' || s[0] == 'V' || s[0] == '=') && isDigit(1)
}
