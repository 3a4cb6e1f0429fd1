package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry"
	"github.com/svcreg/svcreg/registry/unixfs"
)

func newPublishCommand() *cli.Command {
	return &cli.Command{
		Name:      "publish",
		Usage:     "import a directory and record it as NAME@VERSION",
		ArgsUsage: "NAME@VERSION [DIR]",
		Description: `Adds DIR (default: the current directory) to the local block store exactly
as 'ipfs add -r' of kubo 0.43.1 does with the chosen profile, records
NAME@VERSION -> CID in a new signed manifest state and prints
"NAME@VERSION CID". Publishing the same content again is a no-op; other
content for a published version is refused (exit 4).

Dotfiles are left out unless --hidden; so are paths that match a rule of
DIR/.svcregignore or an --exclude pattern (gitignore syntax, the command
line's patterns last). Stderr says how many were left out and why;
--verbose (and --dry-run) lists them. Empty directories are kept, as kubo
keeps them. Symlinks are stored as symlinks and never followed. A symlink
whose target is absolute or leaves DIR is refused (exit 6): svcreg get and
install would never write it.

A directory that holds the home in use, anything laid out as a svcreg home
or a svcreg private key file is refused (exit 17) before a block is
stored, naming the path: move it out, or leave it out with --exclude.

The blocks are written first and synced together, once, before the
registry's head moves; content already stored is not written again.

--dry-run hashes DIR the same way (on every core) and prints the line a
publish would print, then says on stderr what would change. It stores,
signs and locks nothing, and works without a registry (like
'ipfs add -n'); a registry in the home is only read.

Examples:
   svcreg publish tts@1.0.0 ./tts
   svcreg publish tts@1.1.0-beta.1 ./tts --profile unixfs-v0-2015
   svcreg publish tts@1.0.1 --json
   svcreg publish --dry-run tts@1.0.2 ./tts
   svcreg publish app@1.0.0 . --exclude /state/ --exclude '*.log'`,
		Flags: withCommon(append(append(signFlags(),
			&cli.StringFlag{Name: "profile", Value: unixfs.ProfileV1, Usage: "UnixFS import profile: unixfs-v1-2025 or unixfs-v0-2015"},
			&cli.BoolFlag{Name: "hidden", Usage: "include dotfiles, as 'ipfs add --hidden'"},
			&cli.BoolFlag{Name: "dry-run", Usage: "hash only: print the CID, what would change and what is left out; store and sign nothing"},
			excludeFlag(),
			&cli.BoolFlag{Name: "verbose", Usage: "list every path left out and why"},
		), limitFlags()...)...),
		Action: runPublish,
	}
}

type publishOut struct {
	Service string `json:"service"`
	Version string `json:"version"`
	CID     string `json:"cid"`
	Size    uint64 `json:"size"`
	Profile string `json:"profile"`
	Changed bool   `json:"changed"`
	Root    string `json:"root"`
	Seq     uint64 `json:"seq"`
	// Skipped lists what was left out: dotfiles, .svcregignore, --exclude.
	Skipped []skippedOut `json:"skipped"`
}

func runPublish(c *cli.Context) error {
	if err := needArgs(c, 1, 2, "NAME@VERSION [DIR]"); err != nil {
		return err
	}
	name, v, err := manifest.ParseExact(c.Args().Get(0))
	if err != nil {
		return err
	}
	profile, err := unixfs.ParseProfile(c.String("profile"))
	if err != nil {
		return err
	}
	dir := c.Args().Get(1)
	if dir == "" {
		dir = "."
	}
	lim, err := exportLimits(c)
	if err != nil {
		return err
	}
	home, err := homeDir(c)
	if err != nil {
		return err
	}
	var skipped []unixfs.Skipped
	opts := importOptions(c, home, profile, c.Bool("hidden"), &skipped)
	opts.SafeSymlinks = true
	if c.Bool("dry-run") {
		return runPublishDryRun(c, name, v, dir, opts, &skipped)
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.requireWritable(); err != nil {
		return err
	}
	if _, err := loadKey(h.dir); err != nil {
		return err // before any block is stored: a failed publish changes nothing
	}
	if err := h.startLease(); err != nil { // gc keeps the blocks until the head moves
		return err
	}
	// Write every block unsynced, then sync them all at once (flatfs.Batch)
	// before the registry, which syncs its own few blocks, moves the head.
	batch := h.blocks.NewBatch()
	defer batch.Discard()
	m, update := importMeter(c, "publishing", dir, opts.Hidden)
	opts.Progress = update
	opts.PutCopies = true // a batch writes each block to a file at once
	res, err := unixfs.Import(c.Context, batch.Blockstore(), dir, opts)
	m.Finish()
	if err == nil {
		// What consumers will expand, checked before anything is stored.
		_, err = unixfs.CheckRelease(c.Context, batch.Blockstore(), res.Root, res.Size, lim)
	}
	if err == nil {
		err = batch.Commit(c.Context)
	}
	if err != nil {
		return importErr(err)
	}
	if err := h.open(c, true); err != nil {
		return err
	}
	head, changed, err := h.reg.Publish(c.Context, registry.Publication{
		Service: name, Version: v, Content: res.Root, Size: res.Size, Profile: profile, Hidden: opts.Hidden,
	})
	if err != nil {
		return err
	}
	out := publishOut{Service: string(name), Version: v.String(), CID: res.Root.String(), Size: res.Size,
		Profile: profile, Changed: changed, Root: head.Root.String(), Seq: head.Seq, Skipped: skippedJSON(skipped)}
	return emit(c, out, func(w io.Writer) {
		fmt.Fprintf(w, "%s@%s %s\n", name, v, res.Root)
		reportSkipped(c, skipped, c.Bool("verbose"))
		if !changed {
			fmt.Fprintf(c.App.ErrWriter, "svcreg: %s@%s was already published with this content; nothing changed\n", name, v)
		}
	})
}

// importErr gives an import error its exit code: a symlink that svcreg
// get and install would refuse to write is the input's fault (exit 6).
func importErr(err error) error {
	if errors.Is(err, unixfs.ErrUnsafeSymlink) {
		return &cliError{err: err, code: exitInput,
			hint: "make the link relative and pointing inside the directory, or remove it (or make it a copy of what it points to): svcreg get and install would refuse to write it"}
	}
	return err
}
