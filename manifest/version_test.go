package manifest

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// versionDivergences lists the inputs where ParseVersion deliberately
// disagrees with semver.org's SemVer 2.0.0 regex, with the reason.
var versionDivergences = map[string]string{
	"18446744073709551616.0.0":          "numbers must fit a uint64",
	"99999999999999999999999999.0.0":    "numbers must fit a uint64",
	"1.2.3-" + strings.Repeat("a", 251): "versions are capped at 256 bytes, as in node-semver",
	"1.2.3+" + strings.Repeat("b", 251): "versions are capped at 256 bytes, as in node-semver",
}

// TestParseVersionMatchesSemverOrg checks ParseVersion against semver.org's
// regex and node-semver's canonical form for every version in cases.json.
func TestParseVersionMatchesSemverOrg(t *testing.T) {
	cases := loadSemverCases(t)
	seen := map[string]bool{}
	for _, c := range cases.Versions {
		v, err := ParseVersion(c.Input)
		if reason, ok := versionDivergences[c.Input]; ok {
			seen[c.Input] = true
			if (err == nil) == c.SemverOrg {
				t.Errorf("ParseVersion(%q) now agrees with semver.org; drop it from versionDivergences (%s)", c.Input, reason)
			}
			continue
		}
		switch {
		case c.SemverOrg && err != nil:
			t.Errorf("ParseVersion(%q): %v; semver.org accepts it", c.Input, err)
		case !c.SemverOrg && err == nil:
			t.Errorf("ParseVersion(%q) = %s; semver.org refuses it", c.Input, v)
		case err != nil && !errors.Is(err, ErrInvalidVersion):
			t.Errorf("ParseVersion(%q) error %v does not wrap ErrInvalidVersion", c.Input, err)
		case err == nil && v.String() != c.Input:
			t.Errorf("ParseVersion(%q).String() = %q, want the input back", c.Input, v)
		case err == nil && c.NodeValid != nil && withoutBuild(v).String() != *c.NodeValid:
			t.Errorf("ParseVersion(%q) without build = %s, node-semver says %s", c.Input, withoutBuild(v), *c.NodeValid)
		}
	}
	for in := range versionDivergences {
		if !seen[in] {
			t.Errorf("versionDivergences lists %q, which cases.json does not have", in)
		}
	}
}

func withoutBuild(v Version) Version {
	v.Build = nil
	return v
}

// TestCompareMatchesNodeSemver checks Compare on every pair in cases.json.
func TestCompareMatchesNodeSemver(t *testing.T) {
	cases := loadSemverCases(t)
	vs := make([]Version, len(cases.CompareVersions))
	for i, s := range cases.CompareVersions {
		vs[i] = MustParseVersion(s)
	}
	if len(cases.Compare) != len(vs) {
		t.Fatalf("compare matrix has %d rows for %d versions", len(cases.Compare), len(vs))
	}
	for i, row := range cases.Compare {
		for j, want := range row {
			got := "<=>"[vs[i].Compare(vs[j])+1]
			if rune(got) != want {
				t.Errorf("%s.Compare(%s) is %c, node-semver says %c", vs[i], vs[j], got, want)
			}
		}
	}
}

// TestPrecedenceChain is the example from SemVer 2.0.0, item 11.
func TestPrecedenceChain(t *testing.T) {
	chain := []string{
		"1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
		"1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0",
		"1.0.1", "1.1.0", "1.9.0", "1.10.0", "2.0.0", "10.0.0",
	}
	for i := range chain {
		for j := range chain {
			got := MustParseVersion(chain[i]).Compare(MustParseVersion(chain[j]))
			if want := cmpInt(i, j); got != want {
				t.Errorf("%s.Compare(%s) = %d, want %d", chain[i], chain[j], got, want)
			}
		}
	}
	shuffled := []Version{}
	for _, i := range []int{7, 3, 12, 0, 5, 9, 1, 13, 4, 11, 2, 8, 6, 10} {
		shuffled = append(shuffled, MustParseVersion(chain[i]))
	}
	slices.SortFunc(shuffled, Version.Compare)
	for i, v := range shuffled {
		if v.String() != chain[i] {
			t.Errorf("sorted[%d] = %s, want %s", i, v, chain[i])
		}
	}
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func TestCompareIgnoresBuild(t *testing.T) {
	for _, pair := range [][2]string{
		{"1.0.0+a", "1.0.0+b"}, {"1.0.0", "1.0.0+20130313144700"}, {"1.0.0-rc.1+x", "1.0.0-rc.1"},
	} {
		if c := MustParseVersion(pair[0]).Compare(MustParseVersion(pair[1])); c != 0 {
			t.Errorf("%s.Compare(%s) = %d, want 0", pair[0], pair[1], c)
		}
	}
	// Numeric identifiers compare by value at any size, not as text.
	big, bigger := MustParseVersion("1.0.0-99999999999999999999"), MustParseVersion("1.0.0-100000000000000000000")
	if big.Compare(bigger) != -1 || bigger.Compare(big) != 1 {
		t.Error("huge numeric prerelease identifiers compare as text")
	}
}

func TestParseVersionFields(t *testing.T) {
	v := MustParseVersion("18446744073709551615.0.7-rc.01a.11.x-y+build.007")
	want := Version{Major: 1<<64 - 1, Minor: 0, Patch: 7, Pre: []PreID{"rc", "01a", "11", "x-y"}, Build: []string{"build", "007"}}
	if v.Major != want.Major || v.Minor != want.Minor || v.Patch != want.Patch ||
		!slices.Equal(v.Pre, want.Pre) || !slices.Equal(v.Build, want.Build) {
		t.Errorf("got %#v\nwant %#v", v, want)
	}
	if !v.IsPrerelease() || MustParseVersion("1.0.0+b").IsPrerelease() {
		t.Error("IsPrerelease is wrong")
	}
	if s := (Version{Major: 1, Pre: []PreID{"a", "1"}, Build: []string{"b"}}).String(); s != "1.0.0-a.1+b" {
		t.Errorf("String() = %q", s)
	}
}

func TestParseVersionErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `invalid version "": empty string; want MAJOR.MINOR.PATCH, as in 1.2.3`},
		{"v1.2.3", `invalid version "v1.2.3": leading 'v'; write the bare version, as in 1.2.3`},
		{"=1.2.3", `invalid version "=1.2.3": leading '='; write the bare version, as in 1.2.3`},
		{"1.2", `invalid version "1.2": "1.2" has 2 dot-separated numbers, want 3 (MAJOR.MINOR.PATCH)`},
		{"1.2.3.4", `invalid version "1.2.3.4": "1.2.3.4" has 4 dot-separated numbers, want 3 (MAJOR.MINOR.PATCH)`},
		{"01.2.3", `invalid version "01.2.3": major version "01" has a leading zero`},
		{"1.02.3", `invalid version "1.02.3": minor version "02" has a leading zero`},
		{"1.2.x", `invalid version "1.2.x": patch version "x" is not a number`},
		{"1..3", `invalid version "1..3": minor version is empty`},
		{"1.2.3-", `invalid version "1.2.3-": empty prerelease`},
		{"1.2.3+", `invalid version "1.2.3+": empty build metadata`},
		{"1.2.3-a..b", `invalid version "1.2.3-a..b": prerelease identifier 2 of "a..b" is empty`},
		{"1.2.3-01", `invalid version "1.2.3-01": numeric prerelease identifier "01" has a leading zero`},
		{"1.2.3-a_b", `invalid version "1.2.3-a_b": prerelease identifier "a_b" has '_' at 1; identifiers use 0-9 A-Z a-z -`},
		{"1.2.3+a+b", `invalid version "1.2.3+a+b": build metadata identifier "a+b" has '+' at 1; identifiers use 0-9 A-Z a-z -`},
		{"1.2.3-\xff", `invalid version "1.2.3-\xff": prerelease identifier "\xff" has byte 0xff at 0; identifiers use 0-9 A-Z a-z -`},
		{"18446744073709551616.0.0", `invalid version "18446744073709551616.0.0": major version 18446744073709551616 does not fit in 64 bits`},
		{" 1.2.3", `invalid version " 1.2.3": major version " 1" is not a number`},
	}
	for _, tt := range tests {
		_, err := ParseVersion(tt.in)
		if !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("ParseVersion(%q) error = %v, want ErrInvalidVersion", tt.in, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("ParseVersion(%q) error:\n got %s\nwant %s", tt.in, err, tt.want)
		}
	}
	long := "1.2.3-" + strings.Repeat("a", MaxVersionLen)
	if _, err := ParseVersion(long); err == nil || !strings.Contains(err.Error(), "limit is 256") {
		t.Errorf("over-long version: error %v, want one naming the limit", err)
	}
}

func TestMustParseVersionPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil {
			t.Error("MustParseVersion(\"1.2\") did not panic")
		} else if err, ok := r.(error); !ok || !errors.Is(err, ErrInvalidVersion) {
			t.Errorf("panic value %v does not wrap ErrInvalidVersion", r)
		}
	}()
	MustParseVersion("1.2")
}
