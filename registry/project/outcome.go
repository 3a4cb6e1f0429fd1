package project

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
)

// Outcome is the verdict on a lockfile: OK, or the class of failing
// finding that decides what to do first. Each failing class is its own
// outcome, spelled as the finding kind.
type Outcome string

// The outcomes, in the order Classify ranks them: a security problem
// first (a registry whose trust root does not descend from the lock's
// before an entry that disagrees with it), then broken content, then what a developer must redo, and last
// "could not tell".
const (
	OK           Outcome = "ok"
	Missing      Outcome = Outcome(registry.FindingMissing)
	Diverged     Outcome = Outcome(registry.FindingDiverged)
	Mismatch     Outcome = Outcome(registry.FindingMismatch)
	Tampered     Outcome = Outcome(registry.FindingTampered)
	Content      Outcome = Outcome(registry.FindingContent)
	Stale        Outcome = Outcome(registry.FindingStale)
	Yanked       Outcome = Outcome(registry.FindingYanked)
	Unverifiable Outcome = Outcome(registry.FindingUnverifiable)
)

// ranked is every failing outcome, the one that matters most first.
var ranked = []Outcome{Missing, Diverged, Mismatch, Tampered, Content, Stale, Yanked, Unverifiable}

// Classify returns what findings mean as a whole: OK when there are only
// warnings, else the outcome of the highest ranked class among the
// failing findings.
func Classify(findings []registry.Finding) Outcome {
	for _, o := range ranked {
		if slices.ContainsFunc(findings, func(f registry.Finding) bool { return failing(f, registry.FindingKind(o)) }) {
			return o
		}
	}
	return OK
}

// failing reports whether f is a failure of kind.
func failing(f registry.Finding, kind registry.FindingKind) bool {
	return f.Kind == kind && !f.Warning
}

// Summary counts the failing findings by class: "2 problems (content)".
func Summary(findings []registry.Finding) string {
	var kinds []string
	n := 0
	for _, f := range findings {
		if f.Warning {
			continue
		}
		n++
		if !slices.Contains(kinds, string(f.Kind)) {
			kinds = append(kinds, string(f.Kind))
		}
	}
	noun := "problems"
	if n == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("%d %s (%s)", n, noun, strings.Join(kinds, ", "))
}

// Services returns the services of the failing findings of kind, sorted
// and each once.
func Services(findings []registry.Finding, kind registry.FindingKind) []manifest.Name {
	var names []manifest.Name
	for _, f := range findings {
		if failing(f, kind) && f.Service != "" && !slices.Contains(names, f.Service) {
			names = append(names, f.Service)
		}
	}
	slices.Sort(names)
	return names
}

// Unsafe reports whether a failing content finding is a release that
// installing would refuse (registry.ErrUnsafeContent), rather than
// missing or damaged blocks.
func Unsafe(findings []registry.Finding) bool {
	return slices.ContainsFunc(findings, func(f registry.Finding) bool {
		return failing(f, registry.FindingContent) && errors.Is(f.Err, registry.ErrUnsafeContent) && !errors.Is(f.Err, registry.ErrCorruptBlock)
	})
}
