package manifest

import (
	"reflect"
	"testing"
)

// TestSpecOf: SpecOf gives what ParseSpec gives for the bare name.
func TestSpecOf(t *testing.T) {
	for _, n := range []Name{"web", "a", "_x.y-z"} {
		want, err := ParseSpec(string(n))
		if err != nil {
			t.Fatal(err)
		}
		if got := SpecOf(n); !reflect.DeepEqual(got, want) {
			t.Errorf("SpecOf(%s) = %#v, want %#v", n, got, want)
		}
	}
}

// TestExactSpec: ExactSpec gives what ParseSpec gives for name@version.
func TestExactSpec(t *testing.T) {
	for _, v := range []string{"0.0.0", "1.2.3", "1.0.0-rc.1", "2.0.0-alpha.beta.11"} {
		want, err := ParseSpec("web@" + v)
		if err != nil {
			t.Fatal(err)
		}
		got := ExactSpec("web", MustParseVersion(v))
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ExactSpec(web, %s) = %#v, want %#v", v, got, want)
		}
		if got.String() != "web@"+v {
			t.Errorf("ExactSpec(web, %s).String() = %q", v, got.String())
		}
	}
	if got := ExactSpec("web", MustParseVersion("1.0.0+build.5")).String(); got != "web@1.0.0" {
		t.Errorf("build metadata kept: %q", got)
	}
}
