package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func newCheckCommand() *cli.Command {
	return &cli.Command{
		Name: "check",
		Flags: lockFlags(
			&cli.BoolFlag{Name: "strict", Usage: "a yanked locked version is an error (exit 13), not a warning"},
			&cli.BoolFlag{Name: "content", Usage: "also check every block of every locked release in SVCREG_HOME (online: fetch what is missing first)"},
		),
		Action: withArgs(0, 0, "no arguments", runCheck),
	}
}

// checkOut is the report check --json prints: the verdict, then the
// overview.
type checkOut struct {
	OK   bool `json:"ok"`
	Exit int  `json:"exit"`
	project.Overview
}

func runCheck(c *cli.Context) error {
	_, paths, err := loadProject(c)
	if err != nil {
		return err
	}
	rep, err := paths.proj.Inspect()
	if err != nil {
		return err
	}
	if rep.Lock != nil {
		if err := checkLock(c, paths, rep); err != nil {
			return err
		}
	}
	for i, f := range rep.Findings {
		if errors.Is(f.Err, project.ErrNotCanonical) {
			rep.Findings[i].Message += "; 'svcreg lock' rewrites it"
		}
	}
	out := checkOut{Exit: outcomeExit[rep.Outcome()], Overview: paths.proj.Overview(rep)}
	out.OK = out.Exit == exitOK
	if err := emit(c, out, func(w io.Writer) { fmt.Fprint(w, out.Text(out.OK)) }); err != nil {
		return err
	}
	if out.OK {
		return nil
	}
	var hint string
	switch {
	case errors.Is(rep.LockErr, project.ErrLockUnreadable):
		hint = unreadableLockHint(paths)
	case paths.proj.Moved(rep.Lock):
		hint = fmt.Sprintf("svcreg.json names the registry by %s, whose DNSLink record now gives %s; the lock was made for %s: "+
			"run 'svcreg lock' only if the move is meant", paths.proj.Domain, paths.registry, rep.Lock.Registry)
	default:
		hint = checkHint(out.Exit, paths, rep.Findings)
	}
	return &cliError{err: fmt.Errorf("check %s: %s", paths.lock, project.Summary(rep.Findings)), code: out.Exit, hint: hint}
}

// checkLock opens the project's registry and checks rep's lock
// against it.
func checkLock(c *cli.Context, paths projectPaths, rep *project.Report) error {
	h, notes, err := openProjectRegistry(c, paths.proj.Config, paths.registry, rep.Lock)
	if err != nil {
		return err
	}
	defer h.Close()
	opts := registry.CheckOptions{Strict: c.Bool("strict")}
	if c.Bool("content") {
		opts.Content = func(ctx context.Context, root cid.Cid) error {
			if err := h.makeLocal(c, root); err != nil {
				return err
			}
			return unixfs.CheckTree(ctx, h.Blocks().Blockstore(), root)
		}
	}
	return paths.proj.CheckRegistry(c.Context, rep, h.Registry, notes, opts)
}

// findingsErr is the error of a command that stops on the findings of a
// lock check (what names the command and the lock): each warning is one
// warning line; a single error finding is the error line itself, several
// are one line each followed by a summary.
func findingsErr(c *cli.Context, paths projectPaths, what string, findings []registry.Finding, code int) error {
	var errs []registry.Finding
	for _, f := range findings {
		if !f.Warning {
			errs = append(errs, f)
		} else {
			fmt.Fprintf(c.App.ErrWriter, "svcreg: warning: %s\n", oneLine(f.Message))
		}
	}
	if len(errs) == 1 {
		return &cliError{err: fmt.Errorf("%s: %s: %s", what, errs[0].Kind, errs[0].Message), code: code, hint: checkHint(code, paths, findings)}
	}
	for _, f := range errs {
		fmt.Fprintf(c.App.ErrWriter, "svcreg: %s: %s\n", f.Kind, oneLine(f.Message))
	}
	return &cliError{err: fmt.Errorf("%s: %s", what, project.Summary(findings)), code: code, hint: checkHint(code, paths, findings)}
}

// checkHint is the hint for a failed check or install: the command that
// fixes what findings report.
func checkHint(code int, paths projectPaths, findings []registry.Finding) string {
	switch code {
	case exitLockMissing:
		return "run '" + paths.cmd("lock") + "' and commit " + paths.lock
	case exitLockStale:
		return "run '" + paths.cmd("lock") + "' to bring " + paths.lock + " up to date with " + paths.project + ", and commit it"
	case exitLockMismatch:
		fix := "'" + paths.cmd("lock") + "' records the registry's signed state in it"
		if names := project.Services(findings, registry.FindingMismatch); len(names) > 0 {
			fix = "'" + paths.cmd("update", names...) + "' re-resolves what disagrees; review the diff"
		}
		return "the lock disagrees with the registry's signed manifest: restore " + paths.lock + " from version control if it was edited, else " + fix
	case exitLockTampered:
		return paths.lock + " was edited by hand: restore it from version control, or run '" + paths.cmd("lock") + "' to record the registry's signed state in it"
	case exitRootDiverged:
		return rootDivergedHint(paths.project, paths.lock, paths.cmd("lock"))
	case exitLockYanked:
		return "run '" + paths.cmd("update", project.Services(findings, registry.FindingYanked)...) + "' to move off the yanked versions"
	case exitContent:
		if project.Unsafe(findings) {
			return unsafeContentHint + "; lock another version meanwhile"
		}
		return "the release's blocks in SVCREG_HOME are missing or damaged; fetch them again from a gateway (--gateway URL), or run 'svcreg fsck --repair'"
	case exitUnverifiable:
		return "SVCREG_HOME has no (recent enough) copy of the registry " + paths.project + " names; fetch it, or check where one is cached"
	}
	return ""
}
