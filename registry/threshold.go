package registry

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadThreshold is returned by ParseThresholds for a word that is not
// ROLE=N.
var ErrBadThreshold = errors.New("not ROLE=N")

// ParseThresholds parses thresholds as a person writes them, each
// "ROLE=N" (root=2, publish=1), into the map a RootChange takes; a later
// word for a role replaces an earlier one, and no words give nil. Only
// the form is checked here: the roles and the numbers are checked when
// the change is made (NewRoot, NextRoot: ErrRootChange). A word that is
// not ROLE=N wraps ErrBadThreshold.
func ParseThresholds(words []string) (map[string]int, error) {
	var out map[string]int
	for _, w := range words {
		role, n, ok := strings.Cut(w, "=")
		v, err := strconv.Atoi(n)
		if !ok || err != nil {
			return nil, fmt.Errorf("%q is %w", w, ErrBadThreshold)
		}
		if out == nil {
			out = map[string]int{}
		}
		out[role] = v
	}
	return out, nil
}
