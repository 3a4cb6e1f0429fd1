// Package suggest finds what a mistyped word was meant to be, for the
// "did you mean …?" of an unknown command or flag: [Nearest] of a list
// of candidates by Damerau–Levenshtein distance, or the one candidate the
// word begins.
package suggest

import (
	"slices"
	"strings"
)

// Nearest returns the candidate nearest to s, if it is near enough to be
// what was meant: at most one edit in four characters (at least one), or
// s is a prefix (of two or more characters) of exactly one candidate.
// It returns "" when none is.
func Nearest(s string, candidates []string) string {
	best, bestD := "", len(s)/4+1
	for _, c := range candidates {
		if d := distance(s, c); d < bestD || d == bestD && best == "" {
			best, bestD = c, d
		}
	}
	if best != "" && best != s {
		return best
	}
	var prefixed []string
	for _, c := range candidates {
		if len(s) >= 2 && strings.HasPrefix(c, s) && !slices.Contains(prefixed, c) {
			prefixed = append(prefixed, c)
		}
	}
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return ""
}

// distance is the Damerau–Levenshtein distance (optimal string
// alignment) of a and b, so a swap of two letters counts as one edit.
func distance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}
