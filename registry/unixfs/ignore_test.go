package unixfs

import (
	"encoding/json"
	"errors"
	"testing"
)

// TestFilterRules checks the gitignore syntax of IgnoreFile and Exclude.
func TestFilterRules(t *testing.T) {
	cases := []struct {
		rules []string
		path  string
		dir   bool
		skip  bool
	}{
		{[]string{"*.log"}, "a.log", false, true},
		{[]string{"*.log"}, "deep/er/a.log", false, true},
		{[]string{"*.log"}, "a.logx", false, false},
		{[]string{"/state"}, "state", true, true},
		{[]string{"/state"}, "sub/state", true, false},
		{[]string{"state/"}, "sub/state", true, true},
		{[]string{"state/"}, "state", false, false}, // directories only
		{[]string{"docs/*.md"}, "docs/a.md", false, true},
		{[]string{"docs/*.md"}, "docs/x/a.md", false, false},
		{[]string{"docs/*.md"}, "x/docs/a.md", false, false},
		{[]string{"**/cache"}, "a/b/cache", true, true},
		{[]string{"a/**/z"}, "a/z", false, true},
		{[]string{"a/**/z"}, "a/b/c/z", false, true},
		{[]string{"out/**"}, "out", true, false},
		{[]string{"out/**"}, "out/x", false, true},
		{[]string{"f?le.[ch]"}, "file.c", false, true},
		{[]string{"*.key", "!keep.key"}, "keep.key", false, false},
		{[]string{"*.key", "!keep.key"}, "drop.key", false, true},
		{[]string{"# comment", "", `\#hash`}, "#hash", false, true},
		{[]string{`\!bang`}, "!bang", false, true},
		{[]string{"trailing   "}, "trailing", false, true},
	}
	for _, tc := range cases {
		f := &filter{hidden: true}
		for _, l := range tc.rules {
			r, ok, err := parseRule(l, "test", SkipExcluded)
			if err != nil {
				t.Fatalf("%q: %v", l, err)
			}
			if ok {
				f.rules = append(f.rules, r)
			}
		}
		if _, got := f.skip(tc.path, tc.dir); got != tc.skip {
			t.Errorf("rules %q, path %q (dir %t): skip %t, want %t", tc.rules, tc.path, tc.dir, got, tc.skip)
		}
	}
	if _, _, err := parseRule("[a-", "test", SkipExcluded); !errors.Is(err, ErrInvalidPattern) {
		t.Errorf("malformed pattern: %v, want ErrInvalidPattern", err)
	}
}

func TestSkippedJSON(t *testing.T) {
	for _, tc := range []struct {
		s    Skipped
		want string
	}{
		{Skipped{Path: ".env", Reason: SkipHidden}, `{"path":".env","reason":"hidden","rule":"","line":0}`},
		{Skipped{Path: "state", Dir: true, Reason: SkipExcluded, Rule: "/state/"}, `{"path":"state/","reason":"excluded","rule":"/state/","line":0}`},
		{Skipped{Path: "a.log", Reason: SkipIgnored, Rule: "*.log", Line: 3}, `{"path":"a.log","reason":"ignored","rule":"*.log","line":3}`},
	} {
		b, err := json.Marshal(tc.s)
		if err != nil || string(b) != tc.want {
			t.Errorf("json.Marshal(%+v) = %s, %v; want %s", tc.s, b, err, tc.want)
		}
	}
}
