package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

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
		Name:   "lock",
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
	h, notes, err := openProjectRegistry(c, paths.proj.Config, paths.registry, project.LockOf(old))
	var moved *registry.MovedError
	if errors.As(err, &moved) {
		h, notes, paths, old, err = followMove(c, paths, old, moved)
	}
	if err != nil {
		return err
	}
	defer h.Close()
	warnFindings(c, notes)
	res, err := paths.proj.Lock(c.Context, h.Registry, old, opts)
	if err != nil {
		return lockErr(err, paths)
	}
	found := res.Findings // the notes were printed already
	res.Findings = append(notes, found...)
	return emit(c, res, func(w io.Writer) {
		fmt.Fprint(w, res.Text())
		warnFindings(c, found)
	})
}

// warnFindings prints the messages of findings as warnings on stderr.
func warnFindings(c *cli.Context, findings []registry.Finding) {
	for _, f := range findings {
		fmt.Fprintf(c.App.ErrWriter, "svcreg: warning: %s\n", f.Message)
	}
}

// projectPaths is a loaded project with the flags that name its files.
type projectPaths struct {
	proj          *project.Project
	project, lock string       // proj.Path and proj.LockPath
	flags         string       // the --project and --lock flags that name them, for hints
	registry      ipnsrec.Name // proj.Registry
}

// cmd returns the svcreg command line that runs verb on services of this
// project.
func (p projectPaths) cmd(verb string, services ...manifest.Name) string {
	words := []string{"svcreg", verb}
	for _, n := range services {
		words = append(words, string(n))
	}
	return strings.Join(words, " ") + p.flags
}

// loadProject reads --project and checks the registry name in it.
func loadProject(c *cli.Context) (*manifest.Project, projectPaths, error) {
	p, err := project.Load(c.Context, c.String("project"), c.String("lock"), projectResolver(c))
	var ne *project.NameError
	switch {
	case errors.Is(err, project.ErrSameFile):
		return nil, projectPaths{}, usageErr(err, "pass --lock FILE")
	case errors.Is(err, project.ErrProjectUnreadable):
		return nil, projectPaths{}, withHint(err, "create "+projectFile+` with {"registry": "k51…", "services": {"NAME": "^1.0.0"}}, or pass --project FILE`)
	case errors.As(err, &ne):
		if err := dnsLinkErr(ne.Err); errors.As(err, new(*cliError)) {
			return nil, projectPaths{}, err
		}
		return nil, projectPaths{}, withHint(err, "\"registry\" is the IPNS name 'svcreg name' prints (k51…)")
	case err != nil:
		return nil, projectPaths{}, withHint(err, "docs/LOCKFILE.md describes "+projectFile)
	}
	return p.Config, pathsOf(c, p), nil
}

// projectResolver resolves the registry a project file names.
func projectResolver(c *cli.Context) project.Resolver {
	return target.New(target.Config{DNSLink: dnsLinkConfig(c)})
}

// pathsOf returns the paths of the loaded project p.
func pathsOf(c *cli.Context, p *project.Project) projectPaths {
	paths := projectPaths{proj: p, project: p.Path, lock: p.LockPath, registry: p.Registry}
	if c.IsSet("project") && p.Path != projectFile {
		paths.flags += " --project " + p.Path
	}
	if c.IsSet("lock") {
		paths.flags += " --lock " + p.LockPath
	}
	return paths
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
	case errors.Is(err, registry.ErrRootDiverged):
		return withHint(err, rootDivergedHint(paths.project, paths.lock, paths.cmd("lock")))
	case errors.Is(err, registry.ErrLockMismatch):
		var update []manifest.Name // the service that disagrees, if one does
		if errors.As(err, &le) {
			update = append(update, le.Service)
		}
		return withHint(err, "the lock disagrees with the registry's signed manifest; if the lock was edited, restore it, else run '"+paths.cmd("update", update...)+"' to re-resolve")
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

// openProjectRegistry opens, for reading, the registry a project names
// (project.OpenRegistry): the copy in SVCREG_HOME, brought up to date
// from the gateways unless --offline or the copy is fresh.
func openProjectRegistry(c *cli.Context, p *manifest.Project, name ipnsrec.Name, l *manifest.Lock) (*home, []registry.Finding, error) {
	dir, o, err := homeArgs(c)
	if err != nil {
		return nil, nil, err
	}
	gateways := c.StringSlice("gateway")
	if len(gateways) == 0 {
		gateways = p.Gateways
	}
	warnReadOnly(c, dir, target.Target{Gateways: gateways})
	s, notes, err := project.OpenRegistry(c.Context, dir, o, p, name, l, project.OpenOptions{
		Gateways: gateways, Follow: followOptions(c), Refresh: c.Bool("refresh")})
	if err != nil {
		return nil, nil, followErr(err)
	}
	return &home{Session: s, c: c}, notes, nil
}
