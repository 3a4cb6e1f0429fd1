package unixfs

import (
	"encoding/json"
	"path"
	"strings"
)

// Why Import left an entry out, as Skipped.Reason says.
const (
	SkipHidden   = "hidden"   // a name starting with '.', without Options.Hidden
	SkipIgnored  = "ignored"  // matched by a rule of the directory's IgnoreFile
	SkipExcluded = "excluded" // matched by a pattern of Options.Exclude
)

// Skipped is an entry of an imported directory that Import left out, with
// everything under it.
type Skipped struct {
	Path   string // slash-separated, relative to the imported directory
	Dir    bool   // a directory
	Reason string // SkipHidden, SkipIgnored or SkipExcluded
	Rule   string // the pattern that matched ("" for SkipHidden)
	Line   int    // for SkipIgnored, the rule's line in IgnoreFile
}

// Entry returns the path left out, ending in "/" for a directory.
func (s Skipped) Entry() string {
	if s.Dir {
		return s.Path + "/"
	}
	return s.Path
}

// MarshalJSON writes s as {path, reason, rule, line}, path as Entry
// says.
func (s Skipped) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Path   string `json:"path"`
		Reason string `json:"reason"`
		Rule   string `json:"rule"` // "" for SkipHidden
		Line   int    `json:"line"` // 0 but for SkipIgnored
	}{s.Entry(), s.Reason, s.Rule, s.Line})
}

// filter decides which entries an import leaves out: dotfiles unless
// hidden, then the rules of IgnoreFile followed by Options.Exclude (the
// last matching rule wins, as in git; a negated one includes again).
type filter struct {
	hidden bool
	rules  []rule
}

// newFilter reads dir's IgnoreFile and compiles opts.Exclude.
func newFilter(dir string, opts Options) (*filter, error) {
	rules, err := readIgnoreFile(dir)
	if err != nil {
		return nil, err
	}
	for _, p := range opts.Exclude {
		r, ok, err := parseRule(p, "exclude", SkipExcluded)
		if err != nil {
			return nil, err
		}
		if ok {
			rules = append(rules, r)
		}
	}
	return &filter{hidden: opts.Hidden, rules: rules}, nil
}

// skip reports whether the entry at rel (slash-separated, relative to the
// imported directory) is left out, and why.
func (f *filter) skip(rel string, isDir bool) (Skipped, bool) {
	if !f.hidden && strings.HasPrefix(path.Base(rel), ".") {
		return Skipped{Path: rel, Dir: isDir, Reason: SkipHidden}, true
	}
	var last *rule
	for i := range f.rules {
		if f.rules[i].matches(rel, isDir) {
			last = &f.rules[i]
		}
	}
	if last == nil || last.negate {
		return Skipped{}, false
	}
	return Skipped{Path: rel, Dir: isDir, Reason: last.reason, Rule: last.original, Line: last.line}, true
}

// joinRel joins a relative path and a name with a slash.
func joinRel(rel, name string) string {
	if rel == "" {
		return name
	}
	return rel + "/" + name
}
