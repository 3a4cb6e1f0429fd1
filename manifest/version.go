package manifest

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// MaxVersionLen is the longest version string ParseVersion accepts, in bytes.
// It is node-semver's limit, so every version npm accepts fits.
const MaxVersionLen = 256

// Version is a strict SemVer 2.0.0 version. Build metadata is kept for
// String but plays no part in Compare.
type Version struct {
	Major, Minor, Patch uint64
	Pre                 []PreID  // prerelease identifiers; empty for a release
	Build               []string // build metadata identifiers
}

// PreID is one dot-separated prerelease identifier. It is numeric when it is
// all ASCII digits ("11", compared as a number of any size) and alphanumeric
// otherwise ("beta", "0a", compared in ASCII order), as SemVer 2.0.0 says.
type PreID string

// ParseVersion parses s as a strict SemVer 2.0.0 version: MAJOR.MINOR.PATCH
// with optional -PRERELEASE and +BUILD, no leading "v" or "=", no spaces, no
// leading zeros in numbers or numeric prerelease identifiers, no empty
// identifiers, and numbers that fit a uint64. Errors wrap ErrInvalidVersion.
func ParseVersion(s string) (Version, error) {
	v, err := parseVersion(s)
	if err != nil {
		return Version{}, fmt.Errorf("%w %s: %s", ErrInvalidVersion, quoteShort(s), err)
	}
	return v, nil
}

// MustParseVersion is like ParseVersion but panics on error. It is meant for
// tests and examples with constant input.
func MustParseVersion(s string) Version {
	v, err := ParseVersion(s)
	if err != nil {
		panic(err)
	}
	return v
}

// versionError is a reason a version string is invalid, without the input.
type versionError string

func (e versionError) Error() string { return string(e) }

func parseVersion(s string) (Version, error) {
	if len(s) > MaxVersionLen {
		return Version{}, versionError(fmt.Sprintf("%d bytes, limit is %d", len(s), MaxVersionLen))
	}
	if s == "" {
		return Version{}, versionError("empty string; want MAJOR.MINOR.PATCH, as in 1.2.3")
	}
	if s[0] == 'v' || s[0] == 'V' || s[0] == '=' {
		return Version{}, versionError(fmt.Sprintf("leading %q; write the bare version, as in 1.2.3", s[0]))
	}
	rest, build, hasBuild := strings.Cut(s, "+")
	core, pre, hasPre := strings.Cut(rest, "-")
	var v Version
	if err := parseCore(core, &v); err != nil {
		return Version{}, err
	}
	if hasPre {
		ids, err := splitIdents("prerelease", pre, true)
		if err != nil {
			return Version{}, err
		}
		for _, id := range ids {
			v.Pre = append(v.Pre, PreID(id))
		}
	}
	if hasBuild {
		ids, err := splitIdents("build metadata", build, false)
		if err != nil {
			return Version{}, err
		}
		v.Build = ids
	}
	return v, nil
}

// parseCore reads MAJOR.MINOR.PATCH into v.
func parseCore(core string, v *Version) error {
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return versionError(fmt.Sprintf("%q has %d dot-separated numbers, want 3 (MAJOR.MINOR.PATCH)", core, len(parts)))
	}
	dst := [3]*uint64{&v.Major, &v.Minor, &v.Patch}
	for i, p := range parts {
		n, err := parseNumber([...]string{"major", "minor", "patch"}[i], p)
		if err != nil {
			return err
		}
		*dst[i] = n
	}
	return nil
}

// parseNumber reads one of MAJOR, MINOR and PATCH.
func parseNumber(what, p string) (uint64, error) {
	switch {
	case p == "":
		return 0, versionError(what + " version is empty")
	case !isDigits(p):
		return 0, versionError(fmt.Sprintf("%s version %q is not a number", what, p))
	case len(p) > 1 && p[0] == '0':
		return 0, versionError(fmt.Sprintf("%s version %q has a leading zero", what, p))
	}
	n, err := strconv.ParseUint(p, 10, 64)
	if err != nil {
		return 0, versionError(fmt.Sprintf("%s version %s does not fit in 64 bits", what, p))
	}
	return n, nil
}

// splitIdents splits a prerelease or build part into its identifiers and
// checks each one. Only prerelease identifiers forbid leading zeros.
func splitIdents(what, part string, pre bool) ([]string, error) {
	if part == "" {
		return nil, versionError(fmt.Sprintf("empty %s", what))
	}
	ids := strings.Split(part, ".")
	for i, id := range ids {
		if id == "" {
			return nil, versionError(fmt.Sprintf("%s identifier %d of %q is empty", what, i+1, part))
		}
		for j := 0; j < len(id); j++ {
			if !isIdentChar(id[j]) {
				return nil, versionError(fmt.Sprintf("%s identifier %q has %s; identifiers use 0-9 A-Z a-z -", what, id, describeByte(id, j)))
			}
		}
		if pre && len(id) > 1 && id[0] == '0' && isDigits(id) {
			return nil, versionError(fmt.Sprintf("numeric prerelease identifier %q has a leading zero", id))
		}
	}
	return ids, nil
}

// String returns the canonical form of v, which ParseVersion reads back to
// an equal Version.
func (v Version) String() string {
	var b strings.Builder
	b.Grow(16)
	b.WriteString(strconv.FormatUint(v.Major, 10))
	b.WriteByte('.')
	b.WriteString(strconv.FormatUint(v.Minor, 10))
	b.WriteByte('.')
	b.WriteString(strconv.FormatUint(v.Patch, 10))
	for i, id := range v.Pre {
		b.WriteByte(separator(i, '-'))
		b.WriteString(string(id))
	}
	for i, id := range v.Build {
		b.WriteByte(separator(i, '+'))
		b.WriteString(id)
	}
	return b.String()
}

// separator is the byte written before the i'th prerelease or build
// identifier: the section's first character, then dots.
func separator(i int, first byte) byte {
	if i == 0 {
		return first
	}
	return '.'
}

// IsPrerelease reports whether v has prerelease identifiers.
func (v Version) IsPrerelease() bool { return len(v.Pre) > 0 }

// Compare returns -1, 0 or +1 as v has lower, equal or higher precedence
// than w under SemVer 2.0.0 rules. Build metadata is ignored, so versions
// that differ only in it compare equal.
func (v Version) Compare(w Version) int {
	if c := cmpUint(v.Major, w.Major); c != 0 {
		return c
	}
	if c := cmpUint(v.Minor, w.Minor); c != 0 {
		return c
	}
	if c := cmpUint(v.Patch, w.Patch); c != 0 {
		return c
	}
	switch {
	case len(v.Pre) == 0 && len(w.Pre) == 0:
		return 0
	case len(v.Pre) == 0:
		return 1 // a release outranks its prereleases
	case len(w.Pre) == 0:
		return -1
	}
	for i := 0; i < len(v.Pre) && i < len(w.Pre); i++ {
		if c := comparePreID(v.Pre[i], w.Pre[i]); c != 0 {
			return c
		}
	}
	return cmpUint(uint64(len(v.Pre)), uint64(len(w.Pre)))
}

// comparePreID orders numeric identifiers by value, below alphanumeric ones,
// which are ordered by ASCII.
func comparePreID(a, b PreID) int {
	an, bn := isDigits(string(a)), isDigits(string(b))
	switch {
	case an && bn:
		x, y := strings.TrimLeft(string(a), "0"), strings.TrimLeft(string(b), "0")
		if c := cmpUint(uint64(len(x)), uint64(len(y))); c != 0 {
			return c
		}
		return strings.Compare(x, y)
	case an:
		return -1
	case bn:
		return 1
	}
	return strings.Compare(string(a), string(b))
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func isIdentChar(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-'
}

// describeByte names the character at s[i] for an error message, coping
// with bytes that are not valid UTF-8.
func describeByte(s string, i int) string {
	r, size := utf8.DecodeRuneInString(s[i:])
	if size == 1 && r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x at %d", s[i], i)
	}
	return fmt.Sprintf("%q at %d", r, i)
}

// quoteShort quotes s for an error message, shortening very long input.
func quoteShort(s string) string {
	const keep = 64
	if len(s) <= keep {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:keep]) + fmt.Sprintf("… (%d bytes)", len(s))
}
