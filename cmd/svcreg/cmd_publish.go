package main

import (
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

Dotfiles are skipped unless --hidden; symlinks are stored as symlinks and
never followed.

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
   svcreg publish --dry-run tts@1.0.2 ./tts`,
		Flags: withCommon(append(signFlags(),
			&cli.StringFlag{Name: "profile", Value: unixfs.ProfileV1, Usage: "UnixFS import profile: unixfs-v1-2025 or unixfs-v0-2015"},
			&cli.BoolFlag{Name: "hidden", Usage: "include dotfiles, as 'ipfs add --hidden'"},
			&cli.BoolFlag{Name: "dry-run", Usage: "hash only: print the CID and what would change; store and sign nothing"},
		)...),
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
	opts := unixfs.Options{Profile: profile, Hidden: c.Bool("hidden")}
	if c.Bool("dry-run") {
		return runPublishDryRun(c, name, v, dir, opts)
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if err := h.requireWritable(); err != nil {
		return err
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
	m.finish()
	if err == nil {
		err = batch.Commit(c.Context)
	}
	if err != nil {
		return err
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
		Profile: profile, Changed: changed, Root: head.Root.String(), Seq: head.Seq}
	return emit(c, out, func(w io.Writer) {
		fmt.Fprintf(w, "%s@%s %s\n", name, v, res.Root)
		if !changed {
			fmt.Fprintf(c.App.ErrWriter, "svcreg: %s@%s was already published with this content; nothing changed\n", name, v)
		}
	})
}
