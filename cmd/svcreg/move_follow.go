package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/project"
)

// followMove is lock's answer to a registry that moved, the move verified
// from the Roots the project pins and its lock records: the project
// follows it (project.Project.FollowMove) and the new registry is opened,
// its Root checked to descend from the move's. It returns what runLock
// goes on with: the new registry, its notes, the project's paths and the
// lock to start from.
func followMove(c *cli.Context, paths projectPaths, old *project.LockFile, e *registry.MovedError) (*home, []registry.Finding, projectPaths, *project.LockFile, error) {
	p, start, err := paths.proj.FollowMove(c.Context, e, old, projectResolver(c))
	if err != nil {
		return nil, nil, paths, old, err
	}
	fmt.Fprintf(c.App.ErrWriter, "svcreg: registry %s moved to %s (root v%d %s, verified from the trusted root); %s now names %s\n",
		e.From, e.To, e.RootVersion, e.Root, p.Path, e.To)
	paths = pathsOf(c, p)
	h, notes, err := openProjectRegistry(c, p.Config, p.Registry, start.Lock)
	return h, notes, paths, start, err
}

// movedHint names the registry's new name.
func movedHint(e *registry.MovedError) string {
	return fmt.Sprintf("the registry's owner moved it to %s: run 'svcreg lock' to follow the move in %s and %s (it checks the move against their root), "+
		"or use --registry %s (a home that never verified the registry's root trusts the move on first use: confirm the new name with its owner)", e.To, projectFile, lockFile, e.To)
}

// burntHint says what a burnt name means.
const burntHint = "the registry's IPNS key was stolen and its name burnt: no later state can replace that record; " +
	"the copy here is unchanged: ask the registry's owner for its new name (they move it with 'svcreg move')"
