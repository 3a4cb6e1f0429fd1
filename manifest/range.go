package manifest

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// MaxRangeLen is the longest range string ParseRange accepts, in bytes.
const MaxRangeLen = 1024

// Range is an npm-style version range, such as "^1.2.3", "1.x || >=2.5.0"
// or "1.2 - 2.3.4". It is a union ("||") of comparator sets; a version
// matches a set when it satisfies every comparator in it. The zero Range
// behaves like ParseRange(""): any version that is not a prerelease.
type Range struct {
	raw  string         // the input, trimmed
	sets [][]comparator // nil only in the zero Range
}

// comparator is one primitive test, such as ">=1.2.3" or "<2.0.0-0".
type comparator struct {
	op  string // "", "<", "<=", ">" or ">="; "" means equal
	ver Version
	any bool // true for the comparator that matches every version
}

var anySets = [][]comparator{{{any: true}}}

// ParseRange parses s with node-semver's grammar and default (non-loose)
// options: "||" unions, space-separated comparators, the operators < <= > >=
// and =, x-ranges (1.x, 1.2.*, *, ""), partial versions, tilde, caret and
// hyphen ranges, and npm's tolerated "v" and "=" prefixes. Dist-tags such as
// "latest" are not ranges and fail. Errors wrap ErrInvalidRange.
func ParseRange(s string) (Range, error) {
	if len(s) > MaxRangeLen {
		return Range{}, fmt.Errorf("%w %s: %d bytes, limit is %d", ErrInvalidRange, quoteShort(s), len(s), MaxRangeLen)
	}
	raw := strings.TrimFunc(s, isJSSpace)
	var sets [][]comparator
	for _, part := range strings.Split(collapseSpace(raw), "||") {
		set, err := parseSet(strings.Trim(part, " "))
		if err != nil {
			return Range{}, fmt.Errorf("%w %s: %w", ErrInvalidRange, quoteShort(raw), err)
		}
		sets = append(sets, set)
	}
	return Range{raw: raw, sets: simplifySets(sets)}, nil
}

// String returns the range as it was given to ParseRange, trimmed.
func (r Range) String() string { return r.raw }

// Match reports whether v satisfies r, as npm's semver.satisfies(v, r) does
// with default options: a prerelease version matches only a comparator set
// that names a prerelease of the same MAJOR.MINOR.PATCH.
func (r Range) Match(v Version) bool {
	return slices.ContainsFunc(r.comparatorSets(), func(set []comparator) bool { return matchSet(set, v) })
}

// MayMatchPrerelease reports whether a prerelease version can match r:
// only through a comparator that names a prerelease. The upper bound
// "<X.Y.Z-0" that carets, tildes and x-ranges desugar to does not count:
// a prerelease of X.Y.Z is never below X.Y.Z-0.
func (r Range) MayMatchPrerelease() bool {
	for _, set := range r.sets {
		for _, c := range set {
			if !c.any && c.ver.IsPrerelease() && !(c.op == "<" && slices.Equal(c.ver.Pre, []PreID{"0"})) {
				return true
			}
		}
	}
	return false
}

// Exact returns the version r names when r is exactly one version written in
// full, as "1.0.0", "=1.0.0" or "v1.0.0-rc.1" are (build metadata is
// dropped, as npm drops it). Yanked versions resolve only when named so.
func (r Range) Exact() (Version, bool) {
	if len(r.sets) != 1 || len(r.sets[0]) != 1 {
		return Version{}, false
	}
	c := r.sets[0][0]
	if c.any || c.op != "" {
		return Version{}, false
	}
	v := c.ver
	v.Pre = slices.Clone(v.Pre)
	return v, true
}

// Best returns the highest version in vs that r matches, or false. Of
// versions with equal precedence, the first one in vs wins.
func (r Range) Best(vs []Version) (Version, bool) {
	var best Version
	found := false
	for _, v := range vs {
		if r.Match(v) && (!found || v.Compare(best) > 0) {
			best, found = v, true
		}
	}
	return best, found
}

func (r Range) comparatorSets() [][]comparator {
	if r.sets == nil {
		return anySets
	}
	return r.sets
}

func (c comparator) String() string {
	if c.any {
		return ""
	}
	return c.op + c.ver.String()
}

func (c comparator) isNull() bool { return c.String() == "<0.0.0-0" }

func (c comparator) match(v Version) bool {
	if c.any {
		return true
	}
	switch d := v.Compare(c.ver); c.op {
	case "<":
		return d < 0
	case "<=":
		return d <= 0
	case ">":
		return d > 0
	case ">=":
		return d >= 0
	default:
		return d == 0
	}
}

func matchSet(set []comparator, v Version) bool {
	for _, c := range set {
		if !c.match(v) {
			return false
		}
	}
	if !v.IsPrerelease() {
		return true
	}
	// A prerelease gets in only through a comparator that names a
	// prerelease of the same MAJOR.MINOR.PATCH, so ^1.2.3-pr.1 admits
	// 1.2.3-pr.2 but not 1.2.4-alpha.
	for _, c := range set {
		if !c.any && c.ver.IsPrerelease() &&
			c.ver.Major == v.Major && c.ver.Minor == v.Minor && c.ver.Patch == v.Patch {
			return true
		}
	}
	return false
}

// parseSet turns one "||"-separated part into comparators. Each step is a
// step of node-semver's Range.parseRange, in the same order, so that odd
// input is accepted or refused exactly as npm does.
func parseSet(part string) ([]comparator, error) {
	part = reBuildStrip().ReplaceAllString(part, "")
	part, err := replaceHyphen(part)
	if err != nil {
		return nil, err
	}
	part = reComparatorTrim().ReplaceAllString(part, "$1$2$3")
	part = reTildeTrim().ReplaceAllString(part, "${1}~")
	part = reCaretTrim().ReplaceAllString(part, "${1}^")
	var simple []string
	for _, tok := range strings.Split(part, " ") {
		d, err := desugar(tok)
		if err != nil {
			return nil, err
		}
		simple = append(simple, d)
	}
	var set []comparator
	for _, f := range reSpaces().Split(strings.Join(simple, " "), -1) {
		if reGTE0().MatchString(f) {
			f = "" // >=0.0.0 is the same as *
		}
		c, err := parseComparator(f)
		if err != nil {
			return nil, err
		}
		set = append(set, c)
	}
	return simplifySet(set), nil
}

// simplifySet applies node-semver's clean-up: a set holding the null set
// "<0.0.0-0" is just that; duplicates go; "any" goes when others remain.
func simplifySet(set []comparator) []comparator {
	if i := slices.IndexFunc(set, comparator.isNull); i >= 0 {
		return set[i : i+1]
	}
	var out []comparator
	for _, c := range set {
		if !slices.ContainsFunc(out, func(o comparator) bool { return o.String() == c.String() }) {
			out = append(out, c)
		}
	}
	if len(out) > 1 {
		out = slices.DeleteFunc(out, func(c comparator) bool { return c.any })
	}
	return out
}

// simplifySets applies node-semver's clean-up across "||": null sets go
// unless all are null, and a lone "any" set makes the whole range "any".
func simplifySets(sets [][]comparator) [][]comparator {
	if len(sets) < 2 {
		return sets
	}
	kept := slices.DeleteFunc(slices.Clone(sets), func(s []comparator) bool { return s[0].isNull() })
	if len(kept) == 0 {
		return sets[:1]
	}
	for _, s := range kept {
		if len(s) == 1 && s[0].any {
			return [][]comparator{s}
		}
	}
	return kept
}

// parseComparator parses a desugared comparator such as ">=1.2.3" or "".
func parseComparator(s string) (comparator, error) {
	m := reComparator().FindStringSubmatch(s)
	if m == nil {
		return comparator{}, fmt.Errorf("%q is not a version, partial version or comparator (as in 1.2.3, 1.x, ^1.2, ~1.2.3, >=1.0.0 <2.0.0)", s)
	}
	if m[2] == "" {
		return comparator{any: true}, nil
	}
	if len(m[2]) > MaxVersionLen {
		return comparator{}, fmt.Errorf("version in %q is %d bytes, limit is %d", s, len(m[2]), MaxVersionLen)
	}
	v, err := parseVersion(strings.TrimPrefix(m[2], "v"))
	if err != nil {
		return comparator{}, fmt.Errorf("%q: %w", s, err)
	}
	v.Build = nil // a "*" removed late can leave one, as in "1.2.3+*b"
	op := m[1]
	if op == "=" {
		op = ""
	}
	return comparator{op: op, ver: v}, nil
}

// isX reports whether a partial version component is a wildcard or missing.
func isX(id string) bool { return id == "" || id == "x" || id == "X" || id == "*" }

// inc returns the decimal number n plus one.
func inc(n string) (string, error) {
	u, err := strconv.ParseUint(n, 10, 64)
	if err != nil || u == ^uint64(0) {
		return "", fmt.Errorf("number %s is too large", n)
	}
	return strconv.FormatUint(u+1, 10), nil
}

// isJSSpace reports whether r is whitespace to JavaScript's \s and trim,
// which is what node-semver trims and collapses.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// collapseSpace replaces each run of whitespace in s with one space and
// leaves every other byte, valid UTF-8 or not, as it is.
func collapseSpace(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if !isJSSpace(r) {
			b.WriteString(s[i : i+size])
		} else if !strings.HasSuffix(b.String(), " ") {
			b.WriteByte(' ')
		}
		i += size
	}
	return b.String()
}

// The patterns below are node-semver's (internal/re.js), so that Go's
// leftmost-first regexp matching finds the same matches and groups as
// JavaScript does. They run after collapseSpace, so \s only ever meets single
// spaces. node-semver also caps some repetitions (at 250 and 256) to guard
// its backtracking engine; Go's regexp runs in linear time and needs no caps.
const (
	numID      = `0|[1-9]\d*`
	nonNumID   = `\d*[a-zA-Z-][a-zA-Z0-9-]*`
	preID      = `(?:` + nonNumID + `|` + numID + `)`
	preIDLoose = `(?:` + nonNumID + `|\d+)`
	pre        = `(?:-(` + preID + `(?:\.` + preID + `)*))`
	preLoose   = `(?:-?(` + preIDLoose + `(?:\.` + preIDLoose + `)*))`
	buildID    = `[a-zA-Z0-9-]+`
	build      = `(?:\+(` + buildID + `(?:\.` + buildID + `)*))`
	fullPlain  = `v?(` + numID + `)\.(` + numID + `)\.(` + numID + `)` + pre + `?` + build + `?`
	loosePlain = `[v=\s]*(\d+)\.(\d+)\.(\d+)` + preLoose + `?` + build + `?`
	gtlt       = `((?:<|>)?=?)`
	xrID       = numID + `|x|X|\*`
	xrPlain    = `[v=\s]*(` + xrID + `)(?:\.(` + xrID + `)(?:\.(` + xrID + `)(?:` + pre + `)?` + build + `?)?)?`
)

// The patterns are compiled when first used, not when the program starts:
// compiling all twelve took 0.4 ms of every svcreg command's start-up,
// including those that never parse a range (docs/ARCHITECTURE.md).
var (
	reBuildStrip     = lazyRegexp(build)
	reHyphen         = lazyRegexp(`^\s*(` + xrPlain + `)\s+-\s+(` + xrPlain + `)\s*$`)
	reComparatorTrim = lazyRegexp(`(\s*)` + gtlt + `\s*(` + loosePlain + `|` + xrPlain + `)`)
	reTildeTrim      = lazyRegexp(`(\s*)(?:~>?)\s+`)
	reCaretTrim      = lazyRegexp(`(\s*)(?:\^)\s+`)
	reTilde          = lazyRegexp(`^(?:~>?)` + xrPlain + `$`)
	reCaret          = lazyRegexp(`^(?:\^)` + xrPlain + `$`)
	reXRange         = lazyRegexp(`^` + gtlt + `\s*` + xrPlain + `$`)
	reStar           = lazyRegexp(`(<|>)?=?\s*\*`)
	reGTE0           = lazyRegexp(`^\s*>=\s*0\.0\.0\s*$`)
	reComparator     = lazyRegexp(`^` + gtlt + `\s*(` + fullPlain + `)$|^$`)
	reSpaces         = lazyRegexp(`\s+`)
)

// lazyRegexp returns a function that compiles expr on its first call and
// returns the same *regexp.Regexp on every call.
func lazyRegexp(expr string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })
}

// replaceHyphen rewrites a hyphen range "A - B" as ">=A <=B", widening
// partial ends: "1.2 - 2.3" is ">=1.2.0 <2.4.0-0". Like node-semver it keeps
// a full version's "v" or "=" prefix as written, so "=1.2.3 - 2" fails.
func replaceHyphen(s string) (string, error) {
	m := reHyphen().FindStringSubmatch(s)
	if m == nil {
		return s, nil
	}
	from, fM, fm, fp := m[1], m[2], m[3], m[4]
	to, tM, tm, tp, tpr := m[7], m[8], m[9], m[10], m[11]
	switch {
	case isX(fM):
		from = ""
	case isX(fm):
		from = ">=" + fM + ".0.0"
	case isX(fp):
		from = ">=" + fM + "." + fm + ".0"
	default:
		from = ">=" + from
	}
	var err error
	switch {
	case isX(tM):
		to = ""
	case isX(tm):
		to, err = lessThan(tM, "")
	case isX(tp):
		to, err = lessThan(tM, tm)
	case tpr != "":
		to = "<=" + tM + "." + tm + "." + tp + "-" + tpr
	default:
		to = "<=" + to
	}
	return strings.Trim(from+" "+to, " "), err
}

// lessThan returns the exclusive upper bound above major M when minor is ""
// ("<2.0.0-0" for "1"), or above M.minor otherwise ("<1.3.0-0" for "1", "2").
func lessThan(M, minor string) (string, error) {
	if minor == "" {
		n, err := inc(M)
		return "<" + n + ".0.0-0", err
	}
	n, err := inc(minor)
	return "<" + M + "." + n + ".0-0", err
}

// desugar turns one token into primitive comparators, in node-semver's
// parseComparator order: carets, tildes, x-ranges, then stars.
func desugar(tok string) (string, error) {
	s := tok
	for _, step := range []func(string) (string, error){replaceCaret, replaceTilde, replaceXRange} {
		fields := strings.Split(strings.Trim(s, " "), " ")
		for i, f := range fields {
			var err error
			if fields[i], err = step(f); err != nil {
				return "", err
			}
		}
		s = strings.Join(fields, " ")
	}
	if loc := reStar().FindStringIndex(s); loc != nil {
		s = s[:loc[0]] + s[loc[1]:]
	}
	return s, nil
}

// replaceCaret: ^1.2.3 is >=1.2.3 <2.0.0-0, ^0.2.3 is >=0.2.3 <0.3.0-0,
// ^0.0.3 is >=0.0.3 <0.0.4-0, and a wildcard widens the lower bound.
func replaceCaret(c string) (string, error) {
	m := reCaret().FindStringSubmatch(c)
	switch {
	case m == nil:
		return c, nil
	case isX(m[1]):
		return "", nil
	}
	M, mi, p, pr := m[1], m[2], m[3], m[4]
	if isX(mi) {
		return rangeFrom(M+".0.0", "", M, "")
	}
	if isX(p) {
		if M == "0" {
			return rangeFrom(M+"."+mi+".0", "", M, mi)
		}
		return rangeFrom(M+"."+mi+".0", "", M, "")
	}
	switch {
	case M != "0":
		return rangeFrom(M+"."+mi+"."+p, pr, M, "")
	case mi != "0":
		return rangeFrom(M+"."+mi+"."+p, pr, M, mi)
	}
	n, err := inc(p)
	return withPre(">="+M+"."+mi+"."+p, pr) + " <" + M + "." + mi + "." + n + "-0", err
}

// replaceTilde: ~1.2.3 is >=1.2.3 <1.3.0-0, ~1.2 is >=1.2.0 <1.3.0-0 and
// ~1 is >=1.0.0 <2.0.0-0; "~>" is accepted as a synonym.
func replaceTilde(c string) (string, error) {
	m := reTilde().FindStringSubmatch(c)
	switch {
	case m == nil:
		return c, nil
	case isX(m[1]):
		return "", nil
	case isX(m[2]):
		return rangeFrom(m[1]+".0.0", "", m[1], "")
	case isX(m[3]):
		return rangeFrom(m[1]+"."+m[2]+".0", "", m[1], m[2])
	}
	return rangeFrom(m[1]+"."+m[2]+"."+m[3], m[4], m[1], m[2])
}

// rangeFrom returns ">=low[-pr] " followed by lessThan(M, minor).
func rangeFrom(low, pr, M, minor string) (string, error) {
	hi, err := lessThan(M, minor)
	return withPre(">="+low, pr) + " " + hi, err
}

func withPre(s, pr string) string {
	if pr == "" {
		return s
	}
	return s + "-" + pr
}

// replaceXRange rewrites a possibly-operator-prefixed partial version:
// 1.2.x is >=1.2.0 <1.3.0-0, >1.2 is >=1.3.0, <=1.x is <2.0.0-0, and an
// operator on a bare wildcard matches everything or nothing.
func replaceXRange(c string) (string, error) {
	m := reXRange().FindStringSubmatch(c)
	if m == nil {
		return c, nil
	}
	op, M, mi, p := m[1], m[2], m[3], m[4]
	if isX(M) && !isX(mi) || isX(mi) && p != "" && !isX(p) {
		return c, nil // "x.1" and "1.x.3" are left for the comparator parser to refuse
	}
	xm, xp := isX(M) || isX(mi), isX(M) || isX(mi) || isX(p)
	switch {
	case isX(M) && (op == ">" || op == "<"):
		return "<0.0.0-0", nil
	case isX(M):
		return "*", nil
	case op != "" && op != "=" && xp:
		return xRangeBound(op, M, mi, xm)
	case xm:
		return rangeFrom(M+".0.0", "", M, "")
	case xp:
		return rangeFrom(M+"."+mi+".0", "", M, mi)
	}
	return c, nil
}

// xRangeBound rewrites an operator on a partial version, as ">1.2" or "<=1.x".
func xRangeBound(op, M, mi string, xm bool) (string, error) {
	if xm {
		mi = "0"
	}
	switch op {
	case ">":
		if xm {
			n, err := inc(M)
			return ">=" + n + ".0.0", err
		}
		n, err := inc(mi)
		return ">=" + M + "." + n + ".0", err
	case "<=":
		if xm {
			return lessThan(M, "")
		}
		return lessThan(M, mi)
	case "<":
		return "<" + M + "." + mi + ".0-0", nil
	}
	return op + M + "." + mi + ".0", nil // ">="
}
