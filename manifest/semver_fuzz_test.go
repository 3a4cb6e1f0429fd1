package manifest

import (
	"errors"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Run one with, for example:
//
//	go test -run='^$' -fuzz=FuzzParseRange -fuzztime=20s -fuzzminimizetime=200x ./manifest/
//
// (Without -fuzzminimizetime each new input is minimized for up to a minute,
// which on a small machine can take the whole -fuzztime.)

// semverOrgRegexp is the SemVer 2.0.0 regex suggested on semver.org: an
// oracle for ParseVersion that shares no code with it.
var semverOrgRegexp = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

// nameRegexp restates the naming rules, as an oracle for ParseName.
var nameRegexp = regexp.MustCompile(`^[a-z0-9_][a-z0-9._-]{0,213}$`)

func FuzzParseVersion(f *testing.F) {
	for _, c := range loadSemverCases(f).Versions {
		f.Add(c.Input)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVersion(s)
		if want := wantVersionOK(s); (err == nil) != want {
			t.Fatalf("ParseVersion(%q) error = %v, but the semver.org regex and limits say ok=%v", s, err, want)
		}
		if err != nil {
			if !errors.Is(err, ErrInvalidVersion) {
				t.Fatalf("ParseVersion(%q) error %v does not wrap ErrInvalidVersion", s, err)
			}
			return
		}
		str := v.String()
		if str != s {
			t.Fatalf("ParseVersion(%q).String() = %q; strict SemVer has one spelling", s, str)
		}
		v2, err := ParseVersion(str)
		if err != nil || !reflect.DeepEqual(v, v2) || v2.String() != str {
			t.Fatalf("round trip of %q: %#v, %v; want %#v", s, v2, err, v)
		}
		if v.Compare(v2) != 0 {
			t.Fatalf("%s.Compare(itself) = %d", v, v.Compare(v2))
		}
	})
}

// wantVersionOK is what ParseVersion should say about s: the semver.org
// regex, at most MaxVersionLen bytes, and numbers that fit a uint64.
func wantVersionOK(s string) bool {
	m := semverOrgRegexp.FindStringSubmatch(s)
	if m == nil || len(s) > MaxVersionLen {
		return false
	}
	for _, n := range m[1:4] {
		if _, err := strconv.ParseUint(n, 10, 64); err != nil {
			return false
		}
	}
	return true
}

func FuzzParseRange(f *testing.F) {
	cases := loadSemverCases(f)
	for i, c := range cases.Ranges {
		f.Add(c.Range, cases.Pool[i%len(cases.Pool)])
	}
	f.Fuzz(func(t *testing.T, s, vs string) {
		r, err := ParseRange(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidRange) {
				t.Fatalf("ParseRange(%q) error %v does not wrap ErrInvalidRange", s, err)
			}
			return
		}
		if want := strings.TrimFunc(s, isJSSpace); r.String() != want {
			t.Fatalf("ParseRange(%q).String() = %q, want %q", s, r.String(), want)
		}
		// The desugared form is itself a range that desugars to itself.
		again, err := ParseRange(r.format())
		if err != nil || again.format() != r.format() {
			t.Fatalf("ParseRange(%q) desugars to %q, which re-parses to %q, %v", s, r.format(), again.format(), err)
		}
		candidates := []Version{}
		if v, err := ParseVersion(vs); err == nil {
			candidates = append(candidates, v)
			if r.Match(v) != again.Match(v) {
				t.Fatalf("%q and its desugared form %q disagree on %s", s, r.format(), v)
			}
		}
		if e, ok := r.Exact(); ok {
			candidates = append(candidates, e)
			if !r.Match(e) {
				t.Fatalf("ParseRange(%q).Exact() = %s, which it does not match", s, e)
			}
		}
		if best, ok := r.Best(candidates); ok && !r.Match(best) {
			t.Fatalf("ParseRange(%q).Best = %s, which it does not match", s, best)
		}
	})
}

func FuzzParseName(f *testing.F) {
	for _, s := range validNames {
		f.Add(s)
	}
	for _, tt := range invalidNames {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseName(s)
		if want := nameRegexp.MatchString(s); (err == nil) != want {
			t.Fatalf("ParseName(%q) error = %v, but the naming rules say ok=%v", s, err, want)
		}
		switch {
		case err == nil && string(n) != s:
			t.Fatalf("ParseName(%q) = %q", s, n)
		case err != nil && !errors.Is(err, ErrInvalidName):
			t.Fatalf("ParseName(%q) error %v does not wrap ErrInvalidName", s, err)
		}
	})
}
