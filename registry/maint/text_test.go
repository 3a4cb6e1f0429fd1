package maint_test

import (
	"testing"

	"github.com/svcreg/svcreg/registry/maint"
)

func TestReportText(t *testing.T) {
	rep := &maint.Report{Index: maint.IndexRebuilt, Stored: 7,
		Registries: []maint.RegistryReport{
			{Name: "k51own", Own: true, Seq: 3, Blocks: 5, Missing: 1},
			{Name: "k51other", Seq: 1, Blocks: 2, Corrupt: 2},
		},
		Repaired: []string{"rebuilt the index"}, Notes: []string{"a note"}, Problems: []string{"a problem"}}
	want := "index: rebuilt\n" +
		"registry k51own (own): seq 3, 5 blocks ok, 1 missing, 0 corrupt\n" +
		"registry k51other (followed): seq 1, 2 blocks ok, 0 missing, 2 corrupt\n" +
		"stored blocks: 7\nrepaired: rebuilt the index\nnote: a note\nproblem: a problem\n"
	if got := rep.Text(); got != want {
		t.Errorf("Text:\n%s\nwant:\n%s", got, want)
	}
	if got, want := (&maint.Report{Index: maint.IndexOK}).Text(), "index: ok\nstored blocks: 0\n"; got != want {
		t.Errorf("empty report: %q, want %q", got, want)
	}
}
