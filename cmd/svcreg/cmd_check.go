package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strings"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func newCheckCommand() *cli.Command {
	return &cli.Command{
		Name:  "check",
		Usage: "check that svcreg.lock is complete, current and true (for CI)",
		Description: `Checks svcreg.lock against svcreg.json (every service locked, same ranges,
same registry, canonical form) and against the registry's signed manifest
(every locked version has exactly the locked CID, size and profile; the
lock's root is in the registry's history). Prints one line per finding and
never changes a file. The exit code says what failed; when several classes
fail, the first of 12, 18, 14, 11, 13, 15 wins:

   10  svcreg.lock is missing
   11  svcreg.lock is stale: out of date with svcreg.json, not canonical, unreadable
   12  svcreg.lock disagrees with the registry: tampered or republished
   13  a locked version is yanked (only with --strict; else a warning)
   14  locked content is missing from SVCREG_HOME or corrupt (with --content)
   15  nothing to verify against: no copy of the registry here
   18  svcreg.lock was edited by hand: its seq is not its root's

Examples:
   svcreg check
   svcreg check --strict --content --offline
   svcreg check --json > report.json`,
		Flags: lockFlags(
			&cli.BoolFlag{Name: "strict", Usage: "a yanked locked version is an error (exit 13), not a warning"},
			&cli.BoolFlag{Name: "content", Usage: "also check every block of every locked release in SVCREG_HOME (online: fetch what is missing first)"},
		),
		Action: runCheck,
	}
}

type findingOut struct {
	Kind     string `json:"kind"`
	Severity string `json:"severity"` // "error" or "warning"
	Service  string `json:"service"`
	Version  string `json:"version"`
	Message  string `json:"message"`
}

type checkOut struct {
	OK       bool         `json:"ok"`
	Exit     int          `json:"exit"`
	Lockfile string       `json:"lockfile"`
	Registry string       `json:"registry"`
	Root     string       `json:"root"` // the registry state checked against
	Seq      uint64       `json:"seq"`
	Services int          `json:"services"`
	Findings []findingOut `json:"findings"`
}

// findingMissing is the class of a lockfile that does not exist.
const findingMissing = "missing"

func runCheck(c *cli.Context) error {
	if err := needArgs(c, 0, 0, "no arguments"); err != nil {
		return err
	}
	p, paths, err := loadProject(c)
	if err != nil {
		return err
	}
	out := checkOut{Lockfile: paths.lock, Registry: p.Registry, Findings: []findingOut{}}
	l, data, err := readLock(paths.lock)
	hint := ""
	switch {
	case errors.Is(err, fs.ErrNotExist):
		out.Findings = append(out.Findings, findingOut{Kind: findingMissing, Severity: "error", Message: paths.lock + " does not exist"})
	case errors.Is(err, manifest.ErrInvalidLock):
		out.Findings = append(out.Findings, findingOut{Kind: string(registry.FindingStale), Severity: "error", Message: err.Error()})
		hint = unreadableLockHint(paths)
	case err != nil:
		return err
	default:
		out.Services = len(l.Services)
		if err := checkLock(c, p, paths.registry, l, data, &out); err != nil {
			return err
		}
	}
	out.Exit = checkExit(out.Findings)
	out.OK = out.Exit == exitOK
	if err := emit(c, out, func(w io.Writer) { printCheck(w, out) }); err != nil {
		return err
	}
	if out.OK {
		return nil
	}
	if hint == "" && paths.domain != "" && l != nil && l.Registry != p.Registry {
		hint = fmt.Sprintf("svcreg.json names the registry by %s, whose DNSLink record now gives %s; the lock was made for %s: "+
			"run 'svcreg lock' only if the move is meant", paths.domain, p.Registry, l.Registry)
	}
	if hint == "" {
		hint = checkHint(out.Exit, paths, out.Findings)
	}
	return &cliError{err: fmt.Errorf("check %s: %s", paths.lock, summary(out.Findings)), code: out.Exit, hint: hint}
}

// checkLock adds the findings about a lockfile that could be read.
func checkLock(c *cli.Context, p *manifest.Project, reg ipnsrec.Name, l *manifest.Lock, data []byte, out *checkOut) error {
	var canon bytes.Buffer
	if err := manifest.EncodeLock(&canon, l); err != nil {
		return err
	}
	var extra []registry.Finding
	if !bytes.Equal(canon.Bytes(), data) {
		extra = append(extra, registry.Finding{Kind: registry.FindingStale,
			Message: out.Lockfile + " is not in canonical form (edited by hand or by another tool); 'svcreg lock' rewrites it"})
	}
	h, notes, err := openProjectRegistry(c, p, reg)
	if err != nil {
		return err
	}
	defer h.Close()
	opts := registry.CheckOptions{Strict: c.Bool("strict")}
	if c.Bool("content") {
		opts.Content = func(ctx context.Context, root cid.Cid) error {
			if err := ensureContent(c, h, root); err != nil {
				return err
			}
			return unixfs.CheckTree(ctx, h.blocks.Blockstore(), root)
		}
	}
	rep, err := h.reg.Check(c.Context, p, l, opts)
	if err != nil {
		return err
	}
	if rep.Head.Root.Defined() {
		out.Root, out.Seq = rep.Head.Root.String(), rep.Head.Seq
	}
	out.Findings = append(out.Findings, findingsJSON(slices.Concat(extra, notes, rep.Findings))...)
	return nil
}

func findingsJSON(fs []registry.Finding) []findingOut {
	out := make([]findingOut, 0, len(fs))
	for _, f := range fs {
		sev := "error"
		if f.Warning {
			sev = "warning"
		}
		out = append(out, findingOut{Kind: string(f.Kind), Severity: sev, Service: string(f.Service), Version: f.Version, Message: f.Message})
	}
	return out
}

func printCheck(w io.Writer, out checkOut) {
	for _, f := range out.Findings {
		label := f.Kind
		if f.Severity == "warning" {
			label += " (warning)"
		}
		fmt.Fprintf(w, "%s: %s\n", label, escapeControls(f.Message))
	}
	if out.OK {
		fmt.Fprintf(w, "%s: ok: %s, true to %s at seq %d\n", out.Lockfile, services(out.Services), out.Registry, out.Seq)
	}
}

// checkExit returns the exit code for a check's findings: 0 when there
// are only warnings, else the code of the first class found in the order
// missing, mismatch, tampered, content, stale, yanked, unverifiable: a
// security problem first, then broken content, then what a developer must
// redo, and last "could not tell".
func checkExit(findings []findingOut) int {
	order := []struct {
		kind string
		code int
	}{
		{findingMissing, exitLockMissing},
		{string(registry.FindingMismatch), exitLockMismatch},
		{string(registry.FindingTampered), exitLockTampered},
		{string(registry.FindingContent), exitContent},
		{string(registry.FindingStale), exitLockStale},
		{string(registry.FindingYanked), exitLockYanked},
		{string(registry.FindingUnverifiable), exitUnverifiable},
	}
	for _, o := range order {
		if slices.ContainsFunc(findings, func(f findingOut) bool { return f.Kind == o.kind && f.Severity == "error" }) {
			return o.code
		}
	}
	return exitOK
}

// services says "1 service" or "N services".
func services(n int) string {
	if n == 1 {
		return "1 service"
	}
	return fmt.Sprintf("%d services", n)
}

// summary counts the failing findings by class.
func summary(findings []findingOut) string {
	var kinds []string
	n := 0
	for _, f := range findings {
		if f.Severity != "error" {
			continue
		}
		n++
		if !slices.Contains(kinds, f.Kind) {
			kinds = append(kinds, f.Kind)
		}
	}
	noun := "problems"
	if n == 1 {
		noun = "problem"
	}
	return fmt.Sprintf("%d %s (%s)", n, noun, strings.Join(kinds, ", "))
}

// checkHint is the hint for a failed check or install: the command that
// fixes what findings report.
func checkHint(code int, paths projectPaths, findings []findingOut) string {
	switch code {
	case exitLockMissing:
		return "run '" + paths.cmd("lock") + "' and commit " + paths.lock
	case exitLockStale:
		return "run '" + paths.cmd("lock") + "' to bring " + paths.lock + " up to date with " + paths.project + ", and commit it"
	case exitLockMismatch:
		fix := "'" + paths.cmd("lock") + "' records the registry's signed state in it"
		if names := findingServices(findings, string(registry.FindingMismatch)); len(names) > 0 {
			fix = "'" + paths.cmd("update", names...) + "' re-resolves what disagrees; review the diff"
		}
		return "the lock disagrees with the registry's signed manifest: restore " + paths.lock + " from version control if it was edited, else " + fix
	case exitLockTampered:
		return paths.lock + " was edited by hand: restore it from version control, or run '" + paths.cmd("lock") + "' to record the registry's signed state in it"
	case exitLockYanked:
		return "run '" + paths.cmd("update", findingServices(findings, string(registry.FindingYanked))...) + "' to move off the yanked versions"
	case exitContent:
		if findingsSay(findings, string(registry.FindingContent), "install would refuse it") {
			return unsafeContentHint + "; lock another version meanwhile"
		}
		return "the release's blocks in SVCREG_HOME are missing or damaged; fetch them again from a gateway (--gateway URL), or run 'svcreg fsck --repair'"
	case exitUnverifiable:
		return "SVCREG_HOME has no (recent enough) copy of the registry " + paths.project + " names; fetch it, or check where one is cached"
	}
	return ""
}

// findingsSay reports whether a failing finding of kind says what.
func findingsSay(findings []findingOut, kind, what string) bool {
	return slices.ContainsFunc(findings, func(f findingOut) bool {
		return f.Kind == kind && f.Severity == "error" && strings.Contains(f.Message, what)
	})
}

// findingServices returns the services of the failing findings of kind,
// sorted and each once.
func findingServices(findings []findingOut, kind string) []string {
	var names []string
	for _, f := range findings {
		if f.Kind == kind && f.Severity == "error" && f.Service != "" && !slices.Contains(names, f.Service) {
			names = append(names, f.Service)
		}
	}
	slices.Sort(names)
	return names
}
