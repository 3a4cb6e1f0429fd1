package manifest

import (
	"errors"
	"fmt"
)

// ErrInvalidTag is returned when a tag name breaks the tag rules.
var ErrInvalidTag = errors.New("invalid tag")

// LatestTag is the tag that moves to each newly published stable version
// higher than the one it points at.
const LatestTag = "latest"

// ValidateTag checks a tag name: the name rules, and not parseable as a
// version or range, so that NAME@X is never ambiguous.
func ValidateTag(tag string) error {
	if _, err := ParseName(tag); err != nil {
		return fmt.Errorf("%w %q: tags follow the service name rules", ErrInvalidTag, tag)
	}
	if _, err := ParseRange(tag); err == nil {
		return fmt.Errorf("%w %q: it reads as a version range", ErrInvalidTag, tag)
	}
	return nil
}
