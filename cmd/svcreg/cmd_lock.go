package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	ipnsrec "github.com/ipfs/boxo/ipns"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
	"github.com/svcreg/svcreg/registry/remote"
	"github.com/svcreg/svcreg/registry/target"
)

// The files of a consuming project; docs/LOCKFILE.md describes them.
const (
	projectFile = project.FileName
	lockFile    = project.LockFileName
)

func newLockCommand() *cli.Command {
	return &cli.Command{
		Name:  "lock",
		Usage: "resolve every service in svcreg.json and write svcreg.lock",
		Description: `Resolves each service's range or tag in the registry svcreg.json names and
records the exact version, CID, size and import profile in svcreg.lock, next
to svcreg.json. With an existing lock, entries whose version still satisfies
svcreg.json are kept (as npm and Cargo keep theirs); new services and changed
ranges the locked version no longer meets are resolved at the newest state.
Yanked versions are never newly locked. When nothing changes the file is left
as it is, byte for byte. 'svcreg update' re-resolves on purpose.

Examples:
   svcreg lock
   svcreg lock --project ./web/svcreg.json --json`,
		Flags:  lockFlags(),
		Action: func(c *cli.Context) error { return runLock(c, registry.LockOptions{}) },
	}
}

// lockFlags are the flags of the commands that work on a project.
func lockFlags(fs ...cli.Flag) []cli.Flag {
	return withCommon(append([]cli.Flag{
		&cli.StringFlag{Name: "project", Value: projectFile, Usage: "the project file; its lock is the same path ending in .lock (svcreg.json: svcreg.lock)"},
		&cli.StringFlag{Name: "lock", Usage: "the lock file (default: --project's path ending in .lock)"},
		&cli.BoolFlag{Name: "offline", Usage: "use only what SVCREG_HOME holds; never ask a gateway"},
		&cli.StringSliceFlag{Name: "gateway", Usage: "trustless gateway `URL` to fetch from; repeat for several (replaces svcreg.json's gateways)"},
		&cli.BoolFlag{Name: "refresh", Usage: "ask the gateways for a newer state even if the copy here is within its TTL"},
		&cli.DurationFlag{Name: "timeout", Value: remote.DefaultTimeout, Usage: "give up on a gateway after this long without data"},
	}, fs...)...)
}

type lockChangeOut struct {
	Service   string `json:"service"`
	Change    string `json:"change"` // added, updated, removed
	From      string `json:"from"`
	To        string `json:"to"`
	CID       string `json:"cid"`
	Range     string `json:"range"`      // the range or tag locked for
	FromRange string `json:"from_range"` // the previous one, when it changed
}

type lockOut struct {
	Lockfile string          `json:"lockfile"`
	Written  bool            `json:"written"`
	Registry string          `json:"registry"`
	Root     string          `json:"root"`
	Seq      uint64          `json:"seq"`
	Services int             `json:"services"`
	Changes  []lockChangeOut `json:"changes"`
	Warnings []string        `json:"warnings"`
}

// runLock is lock and update: it resolves, and writes the lock when it
// changed or was not in canonical form.
func runLock(c *cli.Context, opts registry.LockOptions) error {
	_, paths, err := loadProject(c)
	if err != nil {
		return err
	}
	old, err := project.ReadLock(paths.lock)
	if err != nil && !errors.Is(err, project.ErrLockMissing) {
		return lockErr(err, paths)
	}
	h, notes, err := openProjectRegistry(c, paths.proj.Config, paths.registry)
	if err != nil {
		return err
	}
	defer h.Close()
	for _, n := range notes {
		warn(c, []string{n.Message})
	}
	res, err := paths.proj.Lock(c.Context, h.reg, old, opts)
	if err != nil {
		return lockErr(err, paths)
	}
	out := lockOut{Lockfile: paths.lock, Written: res.Written, Registry: res.Lock.Registry, Root: res.Lock.Root.String(),
		Seq: res.Lock.Seq, Services: len(res.Lock.Services), Changes: []lockChangeOut{}, Warnings: []string{}}
	for _, f := range append(notes, res.Findings...) {
		out.Warnings = append(out.Warnings, f.Message)
	}
	lockWarnings := out.Warnings[len(notes):] // the notes were printed already
	for _, ch := range res.Changes {
		out.Changes = append(out.Changes, changeJSON(ch))
	}
	return emit(c, out, func(w io.Writer) {
		for _, ch := range out.Changes {
			fmt.Fprintln(w, changeText(ch))
		}
		state := "is up to date"
		if res.Written {
			state = "written"
		}
		fmt.Fprintf(w, "%s %s: %s from %s at seq %d\n", paths.lock, state, services(out.Services), out.Registry, out.Seq)
		warn(c, lockWarnings)
	})
}

func changeJSON(ch registry.LockChange) lockChangeOut {
	out := lockChangeOut{Service: string(ch.Service)}
	switch {
	case ch.Old == nil:
		out.Change, out.To, out.CID, out.Range = "added", ch.New.Version.String(), ch.New.CID.String(), ch.New.Range
	case ch.New == nil:
		out.Change, out.From = "removed", ch.Old.Version.String()
	default:
		out.Change, out.From, out.To, out.CID, out.Range = "updated", ch.Old.Version.String(), ch.New.Version.String(), ch.New.CID.String(), ch.New.Range
		if ch.Old.Range != ch.New.Range {
			out.FromRange = ch.Old.Range
		}
	}
	return out
}

func changeText(ch lockChangeOut) string {
	switch {
	case ch.Change == "added":
		return fmt.Sprintf("added   %s@%s %s", ch.Service, ch.To, ch.CID)
	case ch.Change == "removed":
		return fmt.Sprintf("removed %s@%s", ch.Service, ch.From)
	case ch.From == ch.To && ch.FromRange != "":
		return fmt.Sprintf("updated %s@%s: range %q -> %q", ch.Service, ch.To, ch.FromRange, ch.Range)
	}
	return fmt.Sprintf("updated %s %s -> %s %s", ch.Service, ch.From, ch.To, ch.CID)
}

// warn prints warnings on stderr.
func warn(c *cli.Context, msgs []string) {
	for _, m := range msgs {
		fmt.Fprintf(c.App.ErrWriter, "svcreg: warning: %s\n", m)
	}
}

// projectPaths is a loaded project with the flags that name its files.
type projectPaths struct {
	proj          *project.Project
	project, lock string       // proj.Path and proj.LockPath
	flags         string       // the --project and --lock flags that name them, for hints
	registry      ipnsrec.Name // proj.Registry
}

// cmd returns the svcreg command line that runs verb on this project.
func (p projectPaths) cmd(verb string, args ...string) string {
	return strings.Join(append([]string{"svcreg", verb}, args...), " ") + p.flags
}

// loadProject reads --project and checks the registry name in it.
func loadProject(c *cli.Context) (*manifest.Project, projectPaths, error) {
	paths := projectPaths{project: c.String("project"), lock: c.String("lock")}
	if paths.lock == "" {
		paths.lock = project.LockPathFor(paths.project)
	}
	if c.IsSet("project") && paths.project != projectFile {
		paths.flags += " --project " + paths.project
	}
	if c.IsSet("lock") {
		paths.flags += " --lock " + paths.lock
	}
	p, err := project.Load(c.Context, paths.project, paths.lock, target.New(target.Config{DNSLink: dnsLinkConfig(c)}))
	var ne *project.NameError
	switch {
	case errors.Is(err, project.ErrSameFile):
		return nil, paths, usageErr(err, "pass --lock FILE")
	case errors.Is(err, project.ErrProjectUnreadable):
		return nil, paths, withHint(err, "create "+projectFile+` with {"registry": "k51…", "services": {"NAME": "^1.0.0"}}, or pass --project FILE`)
	case errors.As(err, &ne):
		if err := dnsLinkErr(ne.Err); errors.As(err, new(*cliError)) {
			return nil, paths, err
		}
		return nil, paths, withHint(err, "\"registry\" is the IPNS name 'svcreg name' prints (k51…)")
	case err != nil:
		return nil, paths, withHint(err, "docs/LOCKFILE.md describes "+projectFile)
	}
	paths.proj, paths.registry = p, p.Registry
	return p.Config, paths, nil
}

// readLock reads and decodes a lockfile, returning its bytes too. A
// missing file wraps fs.ErrNotExist.
func readLock(path string) (*manifest.Lock, []byte, error) {
	lf, err := project.ReadLock(path)
	if err != nil {
		return nil, nil, err
	}
	return lf.Lock, lf.Data, nil
}

// unreadableLockHint is the hint for a lockfile that cannot be decoded.
func unreadableLockHint(paths projectPaths) string {
	return "fix the file (a merge conflict?) or delete it and run '" + paths.cmd("lock") + "'; svcreg never repairs a lock silently"
}

// lockErr adds the hint that fits a lock command's error.
func lockErr(err error, paths projectPaths) error {
	var le *registry.LockEntryError
	switch {
	case errors.Is(err, manifest.ErrInvalidLock):
		return withHint(err, unreadableLockHint(paths))
	case errors.Is(err, registry.ErrLockMismatch) && errors.As(err, &le):
		return withHint(err, "the lock disagrees with the registry's signed manifest; if the lock was edited, restore it, else run '"+paths.cmd("update", string(le.Service))+"' to re-resolve")
	case errors.Is(err, registry.ErrLockMismatch):
		return withHint(err, "the lock disagrees with the registry's signed manifest; if the lock was edited, restore it, else run '"+paths.cmd("update")+"' to re-resolve")
	case errors.Is(err, registry.ErrUnverifiable):
		return withHint(err, "this home has no copy of the registry "+paths.project+" names, or an older one: list a gateway that has it under \"gateways\" in "+
			paths.project+" (or pass --gateway URL), or 'svcreg import' a CAR of it; a consumer needs no key and no 'svcreg init'")
	case errors.Is(err, manifest.ErrYanked):
		return withHint(err, "pick another version in "+paths.project)
	case errors.Is(err, registry.ErrServiceNotFound):
		return withHint(err, "check the service names in "+paths.project+"; 'svcreg update NAME' takes names from it")
	}
	return err
}

// openProjectRegistry opens, for reading, the registry a project names.
// It is the one place the lock commands get a registry from: the copy in
// SVCREG_HOME (the publisher's own home, or any home that follows the
// registry, with or without a key), brought up to date from the project's
// gateways (or --gateway) unless --offline or the copy was confirmed less
// than its TTL ago. Blocks missing here are fetched from the gateways and
// verified. The signed IPNS record of the head is verified again.
//
// Problems that leave a usable copy (a gateway down, an expired record)
// come back as warnings; having no copy at all is left to the caller,
// where Registry.Lock and Registry.Check report ErrUnverifiable.
func openProjectRegistry(c *cli.Context, p *manifest.Project, name ipnsrec.Name) (*home, []registry.Finding, error) {
	h, err := openBlocks(c)
	if err != nil {
		return nil, nil, err
	}
	ok := false
	defer func() {
		if !ok {
			h.Close()
		}
	}()
	gateways := p.Gateways
	if c.IsSet("gateway") {
		gateways = c.StringSlice("gateway")
	}
	key, err := loadKey(h.dir)
	if err != nil && !errors.Is(err, errNoKey) {
		return nil, nil, err
	}
	own := key != nil && key.Name() == name.String()
	if err := h.follow(c, target.Target{Name: name, Gateways: gateways, Own: own}); err != nil {
		return nil, nil, err
	}
	notes, err := project.Refresh(c.Context, h.net.follower, h.cache, name, c.Bool("refresh"), time.Now())
	if err != nil {
		return nil, nil, err
	}
	ok = true
	return h, notes, nil
}
