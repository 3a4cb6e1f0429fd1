package manifest

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidSpec is returned when a NAME[@RANGE|@TAG] argument is malformed.
var ErrInvalidSpec = errors.New("invalid release spec")

// Spec is a request for a release: a service name and either a version
// range or a tag. The zero range (no "@") matches the highest stable version.
type Spec struct {
	Name  Name
	Tag   string // set when the part after "@" is a tag
	Range Range  // used when Tag is empty
	raw   string // the part after "@", trimmed
}

// ParseSpec parses "name", "name@range" or "name@tag". What follows "@"
// is a range when it parses as one, else a tag when ValidateTag accepts
// it. Anything that starts like a version (a digit, or v and a digit) but
// is not a valid range, and any build metadata ("1.0.0+build.5"), is an
// error wrapping ErrInvalidSpec, never a tag.
func ParseSpec(s string) (Spec, error) {
	nameStr, rest, hasAt := strings.Cut(strings.TrimSpace(s), "@")
	name, err := ParseName(strings.TrimSpace(nameStr))
	if err != nil {
		return Spec{}, err
	}
	rest = strings.TrimSpace(rest)
	if hasAt && rest == "" {
		return Spec{}, fmt.Errorf("%w %q: nothing after '@'", ErrInvalidSpec, s)
	}
	sp := Spec{Name: name, raw: rest}
	if strings.Contains(rest, "+") {
		return Spec{}, fmt.Errorf("%w %q: %w", ErrInvalidSpec, s, buildMetadataError(rest))
	}
	r, rerr := ParseRange(rest)
	if rerr == nil {
		sp.Range = r
		return sp, nil
	}
	if looksLikeVersion(rest) {
		return Spec{}, fmt.Errorf("%w %q: %w", ErrInvalidSpec, s, rerr)
	}
	if ValidateTag(rest) == nil {
		sp.Tag = rest
		return sp, nil
	}
	return Spec{}, fmt.Errorf("%w %q: %q is neither a version range nor a tag: %w", ErrInvalidSpec, s, rest, rerr)
}

// buildMetadataError says why a version with build metadata is refused:
// build metadata takes no part in SemVer precedence, so 1.0.0+a and
// 1.0.0+b would be one version with two names. It wraps ErrInvalidVersion.
func buildMetadataError(v string) error {
	core, _, _ := strings.Cut(v, "+")
	return fmt.Errorf("%w %s: build metadata (+…) takes no part in version precedence, so svcreg versions never carry it; write %s",
		ErrInvalidVersion, quoteShort(v), core)
}

// ParseExact parses "name@version" with a full version, as publish, tag
// and yank need. Build metadata is refused (ErrInvalidVersion).
func ParseExact(s string) (Name, Version, error) {
	nameStr, verStr, ok := strings.Cut(strings.TrimSpace(s), "@")
	name, err := ParseName(nameStr)
	if err != nil {
		return "", Version{}, err
	}
	if !ok || verStr == "" {
		return "", Version{}, fmt.Errorf("%w %q: a full version is needed, as in %s@1.0.0", ErrInvalidSpec, s, name)
	}
	v, err := ParseVersion(verStr)
	if err != nil {
		return "", Version{}, err
	}
	if len(v.Build) > 0 {
		return "", Version{}, buildMetadataError(verStr)
	}
	return name, v, nil
}

// SpecOf returns the spec "name" (its latest release) for a name already
// parsed: what ParseSpec(string(name)) returns, without parsing it again.
func SpecOf(name Name) Spec {
	return Spec{Name: name, Range: Range{sets: anySets}}
}

// ExactSpec returns the spec "name@version" for a name and version
// already parsed: what ParseSpec returns for it, without formatting and
// parsing it again. Build metadata, which takes no part in precedence, is
// dropped.
func ExactSpec(name Name, v Version) Spec {
	v.Build = nil
	raw := v.String()
	return Spec{Name: name, raw: raw, Range: Range{raw: raw, sets: [][]comparator{{{ver: v}}}}}
}

// Query returns the part after "@" as given ("" when absent): the key under
// which a resolution of this spec is cached.
func (s Spec) Query() string { return s.raw }

// String returns "name" or "name@query".
func (s Spec) String() string {
	if s.raw == "" {
		return string(s.Name)
	}
	return string(s.Name) + "@" + s.raw
}
