package registry_test

import (
	"errors"
	"maps"
	"testing"

	"github.com/svcreg/svcreg/registry"
)

func TestParseThresholds(t *testing.T) {
	for _, tc := range []struct {
		words []string
		want  map[string]int
		bad   bool
	}{
		{words: nil, want: nil},
		{words: []string{"root=2"}, want: map[string]int{"root": 2}},
		{words: []string{"root=2", "publish=1", "root=3"}, want: map[string]int{"root": 3, "publish": 1}},
		{words: []string{"publish=0"}, want: map[string]int{"publish": 0}}, // refused by NewRoot, not here
		{words: []string{"publish"}, bad: true},
		{words: []string{"publish=x"}, bad: true},
		{words: []string{"root=2", "=", "publish=1"}, bad: true},
	} {
		got, err := registry.ParseThresholds(tc.words)
		if tc.bad {
			if !errors.Is(err, registry.ErrBadThreshold) || got != nil {
				t.Errorf("ParseThresholds(%q) = %v, %v; want ErrBadThreshold", tc.words, got, err)
			}
			continue
		}
		if err != nil || !maps.Equal(got, tc.want) || (tc.want == nil) != (got == nil) {
			t.Errorf("ParseThresholds(%q) = %v, %v; want %v", tc.words, got, err, tc.want)
		}
	}
}
