package manifest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// semverCases is manifest/testdata/semver/cases.json: node-semver's answers
// for many versions and ranges. It is generated, never edited by hand:
//
//	cd tools/semvercases && npm install && node gen.js
type semverCases struct {
	Semver   string `json:"semver"`
	Versions []struct {
		Input     string  `json:"input"`
		SemverOrg bool    `json:"semverOrg"` // semver.org's SemVer 2.0.0 regex accepts it
		NodeValid *string `json:"nodeValid"` // semver.valid(input)
	} `json:"versions"`
	CompareVersions []string `json:"compareVersions"`
	Compare         []string `json:"compare"` // row i, column j: '<', '=' or '>' for compare(v[i], v[j])
	Pool            []string `json:"pool"`
	Ranges          []struct {
		Range   string   `json:"range"`
		Valid   *string  `json:"valid"`   // semver.validRange(range)
		Matches []string `json:"matches"` // the pool versions semver.satisfies
		Best    *string  `json:"best"`    // semver.maxSatisfying(pool, range)
	} `json:"ranges"`
}

func loadSemverCases(t testing.TB) semverCases {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "semver", "cases.json"))
	if err != nil {
		t.Fatalf("read golden cases (regenerate: cd tools/semvercases && npm install && node gen.js): %v", err)
	}
	var c semverCases
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("decode cases.json: %v", err)
	}
	if len(c.Versions) < 100 || len(c.Ranges) < 500 || len(c.Pool) < 50 {
		t.Fatalf("cases.json looks truncated: %d versions, %d ranges, %d pool versions", len(c.Versions), len(c.Ranges), len(c.Pool))
	}
	return c
}

// rangeDivergences lists the ranges where svcreg deliberately answers
// differently from node-semver, with the reason. Each must still diverge, so
// the list cannot go stale.
var rangeDivergences = map[string]string{
	"9007199254740991":         "node-semver's upper bound 9007199254740992.0.0 passes JavaScript's 2^53-1; svcreg numbers are uint64",
	"^9007199254740991.0.0":    "node-semver's upper bound passes 2^53-1; svcreg numbers are uint64",
	">9007199254740991.x":      "node-semver's bound 9007199254740992.0.0 passes 2^53-1; svcreg numbers are uint64",
	"9007199254740992.0.0":     "node-semver refuses numbers above 2^53-1; svcreg numbers are uint64",
	"~1.9007199254740991":      "node-semver's upper bound passes 2^53-1; svcreg numbers are uint64",
	"18446744073709551615.0.0": "node-semver refuses numbers above 2^53-1; svcreg numbers are uint64",

	// node-semver caps repetitions in its range regexps against ReDoS, so a
	// prerelease it would throw away anyway fails when it is this long. Go's
	// regexp is linear-time and svcreg has no such caps.
	"1.2.x-" + strings.Repeat("a", 252):         "node-semver's regexps cap an identifier at 251 characters",
	"1.2.x-" + strings.Repeat("1", 258):         "node-semver's regexps cap a number at 257 digits",
	"1.2.3 - 2.x.x-" + strings.Repeat("a", 252): "node-semver's regexps cap an identifier at 251 characters",
}

// format renders r's comparator sets as node-semver's validRange does, but
// with "" where node-semver says "*".
func (r Range) format() string {
	var sets []string
	for _, set := range r.comparatorSets() {
		var cs []string
		for _, c := range set {
			cs = append(cs, c.String())
		}
		sets = append(sets, strings.Join(cs, " "))
	}
	return strings.Join(sets, "||")
}

// TestRangeMatchesNodeSemver checks ParseRange, Match and Best against every
// range in cases.json.
func TestRangeMatchesNodeSemver(t *testing.T) {
	cases := loadSemverCases(t)
	pool := make([]Version, len(cases.Pool))
	for i, s := range cases.Pool {
		pool[i] = MustParseVersion(s)
	}
	seen := map[string]bool{}
	for _, c := range cases.Ranges {
		r, err := ParseRange(c.Range)
		if reason, ok := rangeDivergences[c.Range]; ok {
			seen[c.Range] = true
			if (err == nil) == (c.Valid != nil) {
				t.Errorf("ParseRange(%q) now agrees with node-semver; drop it from rangeDivergences (%s)", c.Range, reason)
			}
			continue
		}
		if c.Valid == nil {
			if err == nil {
				t.Errorf("ParseRange(%q) = %q, node-semver refuses it", c.Range, r.format())
			} else if !errors.Is(err, ErrInvalidRange) {
				t.Errorf("ParseRange(%q) error %v does not wrap ErrInvalidRange", c.Range, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ParseRange(%q): %v; node-semver reads it as %q", c.Range, err, *c.Valid)
			continue
		}
		checkRangeCase(t, r, pool, *c.Valid, c.Matches, c.Best)
	}
	for in := range rangeDivergences {
		if !seen[in] {
			t.Errorf("rangeDivergences lists %q, which cases.json does not have", in)
		}
	}
}

func checkRangeCase(t *testing.T, r Range, pool []Version, valid string, matches []string, best *string) {
	t.Helper()
	if got := r.format(); got != valid && !(got == "" && valid == "*") {
		t.Errorf("ParseRange(%q) desugars to %q, node-semver to %q", r, got, valid)
	}
	for _, v := range pool {
		if got, want := r.Match(v), slices.Contains(matches, v.String()); got != want {
			t.Errorf("ParseRange(%q).Match(%s) = %v, node-semver says %v", r, v, got, want)
		}
	}
	got, ok := r.Best(pool)
	switch {
	case best == nil && ok:
		t.Errorf("ParseRange(%q).Best(pool) = %s, node-semver finds none", r, got)
	case best != nil && (!ok || got.String() != *best):
		t.Errorf("ParseRange(%q).Best(pool) = %s, %v; node-semver picks %s", r, got, ok, *best)
	}
}

func TestParseRangeErrors(t *testing.T) {
	for _, in := range []string{
		"latest", "next", "1.2.3 latest", ">=1.2.3,<2", "1.2.3 -", "^^1", "01.2.3",
		"1.2.3-", "==1.2.3", "18446744073709551616.0.0", "^18446744073709551615.0.0",
		"\x00", "\xff1.2.3", "1.2.3\u0085", strings.Repeat("1", MaxRangeLen+1),
	} {
		_, err := ParseRange(in)
		if !errors.Is(err, ErrInvalidRange) {
			t.Errorf("ParseRange(%q) error = %v, want ErrInvalidRange", in, err)
			continue
		}
		if !strings.HasPrefix(err.Error(), "invalid version range ") {
			t.Errorf("ParseRange(%q) error %q does not start with the sentinel's text", in, err)
		}
	}
	_, err := ParseRange(strings.Repeat(" ", MaxRangeLen+1))
	if err == nil || !strings.Contains(err.Error(), "limit is 1024") {
		t.Errorf("over-long range: error %v, want one naming the limit", err)
	}
}

func TestRangeErrorMessage(t *testing.T) {
	_, err := ParseRange(" latest ")
	want := `invalid version range "latest": "latest" is not a version, partial version or comparator (as in 1.2.3, 1.x, ^1.2, ~1.2.3, >=1.0.0 <2.0.0)`
	if err == nil || err.Error() != want {
		t.Errorf("ParseRange(\" latest \") error:\n got %v\nwant %s", err, want)
	}
	_, err = ParseRange("^1.2.3 <18446744073709551616.0.0")
	if err == nil || !strings.Contains(err.Error(), "major version 18446744073709551616 does not fit in 64 bits") {
		t.Errorf("overflow error = %v, want it to name the number", err)
	}
}

func TestRangeExact(t *testing.T) {
	tests := []struct {
		in   string
		want string // "" when not exact
	}{
		{"1.0.0", "1.0.0"},
		{"=1.0.0", "1.0.0"},
		{" = 1.0.0 ", "1.0.0"},
		{"v1.0.0", "1.0.0"},
		{"1.0.0-rc.1", "1.0.0-rc.1"},
		{"1.0.0+build.7", "1.0.0"}, // npm drops build metadata from ranges
		{"1.0.0 1.0.0", "1.0.0"},   // the duplicate goes
		{"1.0", ""},
		{"1", ""},
		{"1.0.x", ""},
		{"^1.0.0", ""},
		{"~1.0.0", ""},
		{">=1.0.0", ""},
		{"<=1.0.0", ""},
		{"1.0.0 - 1.0.0", ""},
		{">=1.0.0 <=1.0.0", ""},
		{"1.0.0 || 1.0.1", ""},
		{"1.0.0 || 1.0.0", ""},
		{"", ""},
		{"*", ""},
	}
	for _, tt := range tests {
		r, err := ParseRange(tt.in)
		if err != nil {
			t.Fatalf("ParseRange(%q): %v", tt.in, err)
		}
		v, ok := r.Exact()
		if got := map[bool]string{true: v.String(), false: ""}[ok]; got != tt.want {
			t.Errorf("ParseRange(%q).Exact() = %q, %v; want %q", tt.in, v, ok, tt.want)
		}
	}
}

func TestRangeString(t *testing.T) {
	for in, want := range map[string]string{
		"  ^1.2.3\t":         "^1.2.3",
		">= 1.2.3  <2":       ">= 1.2.3  <2",
		"":                   "",
		"\u00a01.x || 2\n":   "1.x || 2",
		"1.2.3 - 2.3.4 ":     "1.2.3 - 2.3.4",
		"\ufeff~1.2\u3000  ": "~1.2",
	} {
		r, err := ParseRange(in)
		if err != nil {
			t.Fatalf("ParseRange(%q): %v", in, err)
		}
		if r.String() != want {
			t.Errorf("ParseRange(%q).String() = %q, want %q", in, r.String(), want)
		}
		if s := fmt.Sprint(r); s != want {
			t.Errorf("fmt.Sprint(ParseRange(%q)) = %q, want %q", in, s, want)
		}
	}
}

func TestZeroRangeMatchesLikeEmpty(t *testing.T) {
	var zero Range
	empty, err := ParseRange("")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"0.0.0", "1.2.3", "1.2.3-beta", "99.0.0+b"} {
		v := MustParseVersion(s)
		if zero.Match(v) != empty.Match(v) {
			t.Errorf("zero Range Match(%s) = %v, ParseRange(\"\") says %v", s, zero.Match(v), empty.Match(v))
		}
	}
	if zero.Match(MustParseVersion("1.0.0-rc.1")) {
		t.Error("zero Range matched a prerelease")
	}
	if _, ok := zero.Exact(); ok {
		t.Error("zero Range is exact")
	}
}

func TestRangeBest(t *testing.T) {
	vs := []Version{
		MustParseVersion("1.2.3"), MustParseVersion("1.9.0+a"), MustParseVersion("1.9.0+b"),
		MustParseVersion("2.0.0-rc.1"), MustParseVersion("2.0.0"), MustParseVersion("0.9.0"),
	}
	tests := []struct{ r, want string }{
		{"^1.0.0", "1.9.0+a"}, // equal precedence: the first one wins
		{"^2.0.0-0", "2.0.0"},
		{">=2.0.0-rc.1 <2.0.0", "2.0.0-rc.1"},
		{"<2.0.0", "1.9.0+a"},
		{"<1.0.0", "0.9.0"},
		{"^3", ""},
		{"2.0.0-rc.2", ""},
	}
	for _, tt := range tests {
		v, ok := mustRange(t, tt.r).Best(vs)
		if got := map[bool]string{true: v.String(), false: ""}[ok]; got != tt.want {
			t.Errorf("ParseRange(%q).Best = %q, want %q", tt.r, got, tt.want)
		}
	}
	if _, ok := mustRange(t, "*").Best(nil); ok {
		t.Error("Best(nil) found something")
	}
}

func mustRange(t *testing.T, s string) Range {
	t.Helper()
	r, err := ParseRange(s)
	if err != nil {
		t.Fatalf("ParseRange(%q): %v", s, err)
	}
	return r
}

func ExampleRange_Best() {
	var published []Version
	for _, s := range []string{"1.0.0", "1.4.2", "1.5.0-beta.1", "2.0.0", "0.9.1"} {
		published = append(published, MustParseVersion(s))
	}
	for _, spec := range []string{"^1.0.0", "~1.4", "1.5.0-beta.1 || ^1.0.0", ">=1.5.0-0 <2", "^0.9", "^3"} {
		r, err := ParseRange(spec)
		if err != nil {
			fmt.Println(err)
			continue
		}
		if v, ok := r.Best(published); ok {
			fmt.Printf("%-24s %s\n", spec, v)
		} else {
			fmt.Printf("%-24s none\n", spec)
		}
	}
	// Output:
	// ^1.0.0                   1.4.2
	// ~1.4                     1.4.2
	// 1.5.0-beta.1 || ^1.0.0   1.5.0-beta.1
	// >=1.5.0-0 <2             1.5.0-beta.1
	// ^0.9                     0.9.1
	// ^3                       none
}
