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
