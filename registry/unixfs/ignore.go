package unixfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// IgnoreFile is the file at the root of an imported directory whose
// gitignore-style rules, one a line, name paths Import leaves out (as
// kubo's --ignore-rules-path and npm's .npmignore do). It is a dotfile, so
// it is itself imported only with Options.Hidden.
const IgnoreFile = ".svcregignore"

// maxIgnoreFile bounds how much of IgnoreFile is read.
const maxIgnoreFile = 1 << 20

// rule is one gitignore pattern.
type rule struct {
	segs     []string // slash-separated parts, "**" for any number of them
	negate   bool     // "!pattern": include again what an earlier rule left out
	dirOnly  bool     // "pattern/": directories only
	origin   string   // where the rule was written, for errors
	line     int      // its line in IgnoreFile, 0 for Options.Exclude
	reason   string   // SkipIgnored or SkipExcluded
	original string   // the pattern as written
}

// parseRule parses one line of gitignore syntax
// (https://git-scm.com/docs/gitignore): blank lines and "#" comments are
// nothing; "!" negates; a trailing "/" matches directories only; a
// pattern with a "/" elsewhere is anchored at the root, one without it
// matches a name at any depth; "*", "?" and "[…]" match within one path
// element, "**" any number of them; "\" escapes. ok is false for lines
// that are no rule.
func parseRule(line, origin, reason string) (r rule, ok bool, err error) {
	p := strings.TrimSuffix(line, "\r")
	for strings.HasSuffix(p, " ") && !strings.HasSuffix(p, `\ `) {
		p = p[:len(p)-1]
	}
	if p == "" || strings.HasPrefix(p, "#") {
		return rule{}, false, nil
	}
	r = rule{origin: origin, reason: reason, original: p}
	if strings.HasPrefix(p, "!") {
		r.negate, p = true, p[1:]
	}
	if strings.HasSuffix(p, "/") {
		r.dirOnly, p = true, strings.TrimRight(p, "/")
	}
	anchored := strings.Contains(p, "/")
	p = strings.TrimLeft(p, "/")
	if p == "" {
		return rule{}, false, nil
	}
	r.segs = strings.Split(p, "/")
	if !anchored {
		r.segs = append([]string{"**"}, r.segs...)
	}
	for _, s := range r.segs {
		if _, err := path.Match(s, ""); err != nil {
			return rule{}, false, fmt.Errorf("%s: %q: %w", origin, line, ErrInvalidPattern)
		}
	}
	return r, true, nil
}

// matches reports whether r matches the slash-separated path rel.
func (r *rule) matches(rel string, isDir bool) bool {
	return (isDir || !r.dirOnly) && matchSegs(r.segs, strings.Split(rel, "/"))
}

// matchSegs matches path elements against pattern elements, "**"
// standing for any number of elements (at least one when it ends the
// pattern: "dir/**" is what is inside dir, not dir).
func matchSegs(pat, name []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			if len(pat) == 1 {
				return len(name) > 0
			}
			for i := range len(name) + 1 {
				if matchSegs(pat[1:], name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], name[0]); !ok {
			return false
		}
		pat, name = pat[1:], name[1:]
	}
	return len(name) == 0
}

// readIgnoreFile returns the rules of dir's IgnoreFile; none when there
// is no such file.
func readIgnoreFile(dir string) ([]rule, error) {
	p := filepath.Join(dir, IgnoreFile)
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() || fi.Size() > maxIgnoreFile {
		return nil, fmt.Errorf("%s: not a regular file of at most %d bytes: %w", IgnoreFile, maxIgnoreFile, ErrInvalidPattern)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		return nil, err
	}
	var rules []rule
	for i, line := range strings.Split(string(b), "\n") {
		r, ok, err := parseRule(line, fmt.Sprintf("%s:%d", IgnoreFile, i+1), SkipIgnored)
		if err != nil {
			return nil, err
		}
		if ok {
			r.line = i + 1
			rules = append(rules, r)
		}
	}
	return rules, nil
}
