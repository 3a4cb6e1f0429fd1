package project_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
)

func fail(kind registry.FindingKind, service manifest.Name) registry.Finding {
	return registry.Finding{Kind: kind, Service: service, Message: string(kind)}
}

func warning(kind registry.FindingKind) registry.Finding {
	return registry.Finding{Kind: kind, Warning: true, Message: string(kind)}
}

// TestClassify: only warnings pass; else the failing class that matters
// most decides, in the order missing, diverged, mismatch, tampered,
// content, stale, yanked, unverifiable.
func TestClassify(t *testing.T) {
	tests := []struct {
		name     string
		findings []registry.Finding
		want     project.Outcome
	}{
		{"none", nil, project.OK},
		{"warnings only", []registry.Finding{warning(registry.FindingYanked), warning(registry.FindingMismatch)}, project.OK},
		{"missing first", []registry.Finding{fail(registry.FindingUnverifiable, ""), fail(registry.FindingMissing, "")}, project.Missing},
		{"missing before diverged", []registry.Finding{fail(registry.FindingDiverged, ""), fail(registry.FindingMissing, "")}, project.Missing},
		{"diverged before mismatch", []registry.Finding{fail(registry.FindingMismatch, "web"), fail(registry.FindingDiverged, "")}, project.Diverged},
		{"mismatch before tampered", []registry.Finding{fail(registry.FindingTampered, ""), fail(registry.FindingMismatch, "web")}, project.Mismatch},
		{"tampered before content", []registry.Finding{fail(registry.FindingContent, "web"), fail(registry.FindingTampered, "")}, project.Tampered},
		{"content before stale", []registry.Finding{fail(registry.FindingStale, ""), fail(registry.FindingContent, "web")}, project.Content},
		{"stale before yanked", []registry.Finding{fail(registry.FindingYanked, "web"), fail(registry.FindingStale, "")}, project.Stale},
		{"yanked before unverifiable", []registry.Finding{fail(registry.FindingUnverifiable, ""), fail(registry.FindingYanked, "web")}, project.Yanked},
		{"unverifiable", []registry.Finding{warning(registry.FindingMismatch), fail(registry.FindingUnverifiable, "")}, project.Unverifiable},
		{"a warning does not rank", []registry.Finding{warning(registry.FindingMismatch), fail(registry.FindingYanked, "web")}, project.Yanked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := project.Classify(tt.findings); got != tt.want {
				t.Errorf("Classify = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestSummaryAndServices(t *testing.T) {
	findings := []registry.Finding{
		fail(registry.FindingMismatch, "web"), warning(registry.FindingYanked), fail(registry.FindingMismatch, "api"),
		fail(registry.FindingContent, "web"), fail(registry.FindingMismatch, "web"),
	}
	if got, want := project.Summary(findings), "4 problems (mismatch, content)"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got, want := project.Summary(findings[:1]), "1 problem (mismatch)"; got != want {
		t.Errorf("Summary = %q, want %q", got, want)
	}
	if got, want := project.Services(findings, registry.FindingMismatch), []manifest.Name{"api", "web"}; !slices.Equal(got, want) {
		t.Errorf("Services = %v, want %v", got, want)
	}
	if got := project.Services(findings, registry.FindingYanked); got != nil {
		t.Errorf("Services of warnings = %v", got)
	}
}

func TestUnsafe(t *testing.T) {
	content := func(err error, warn bool) []registry.Finding {
		return []registry.Finding{{Kind: registry.FindingContent, Service: "web", Warning: warn, Err: err}}
	}
	unsafe := fmt.Errorf("web: %w", registry.ErrUnsafeContent)
	for _, tt := range []struct {
		name     string
		findings []registry.Finding
		want     bool
	}{
		{"unsafe", content(unsafe, false), true},
		{"a warning", content(unsafe, true), false},
		{"corrupt", content(fmt.Errorf("%w, %w", registry.ErrCorruptBlock, registry.ErrUnsafeContent), false), false},
		{"missing", content(registry.ErrBlockNotFound, false), false},
	} {
		if got := project.Unsafe(tt.findings); got != tt.want {
			t.Errorf("%s: Unsafe = %t", tt.name, got)
		}
	}
}
