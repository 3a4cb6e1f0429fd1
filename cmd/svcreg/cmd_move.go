package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
	"github.com/svcreg/svcreg/registry/kubo"
)

func newMoveCommand() *cli.Command {
	return &cli.Command{
		Name:      "move",
		ArgsUsage: "--to NEW.key [--key ROOT.key]… [--publish-key PUBLISH.key] [-o FILE] [--submit FILE]",
		Flags: withCommon(append(signFlags(),
			&cli.StringFlag{Name: "to", Usage: "the new name's IPNS key `FILE` (the home key's format)"},
			&cli.StringSliceFlag{Name: "key", Usage: "root key `FILE` that signs the move; repeatable"},
			&cli.StringFlag{Name: "publish-key", EnvVars: []string{"SVCREG_PUBLISH_KEY"}, Usage: "publish key `FILE` of the new Root that signs the new name's first manifest"},
			passphraseFileFlag(),
			&cli.DurationFlag{Name: "expires", Value: svchome.RootLifetime, Usage: "the new Root expires this long from now"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the move to `FILE` (CAR) for offline signing instead of moving"},
			&cli.StringFlag{Name: "submit", Usage: "move with the signed move `FILE` that -o wrote"},
		)...),
		Action: withArgs(0, 0, "no arguments", runMove),
	}
}

// moveOut is the JSON of move: the move (registry.NewMoveInfo), and
// what submitting it did or the file it was written to.
type moveOut struct {
	registry.MoveInfo
	Seq         uint64 `json:"seq,omitempty"`
	FinalRecord string `json:"final_record,omitempty"`
	File        string `json:"file,omitempty"`
}

func runMove(c *cli.Context) error {
	out, submit := c.String("output"), c.String("submit")
	switch {
	case out != "" && submit != "":
		return usageErr(fmt.Errorf("move: -o and --submit both given"), "write the move with -o FILE, sign it, then submit it with --submit FILE")
	case c.String("to") == "":
		return usageErr(fmt.Errorf("move: --to NEW.key is required"), "make the new name's key in a new home ('svcreg init' there) and pass its key file")
	case c.Duration("expires") <= 0:
		return usageErr(fmt.Errorf("move: --expires %s is not a positive duration", c.Duration("expires")), "write a duration such as --expires 8760h (a year)")
	}
	pass, err := readPassphrase(c)
	if err != nil {
		return err
	}
	to, err := svchome.LoadIPNSKey(c.String("to"), pass)
	if err != nil {
		return err
	}
	h, err := openBlocks(c)
	if err != nil {
		return err
	}
	defer h.Close()
	if h.Registry, err = h.Signing(c.Duration("lifetime"), c.Duration("ttl")); err != nil {
		return err
	}
	var m *registry.Move
	if submit != "" {
		if m, err = svchome.ReadMoveFile(submit); err != nil {
			return fmt.Errorf("move: %w", err)
		}
	} else if m, err = h.Registry.PrepareMove(c.Context, to.Name(), registry.RootChange{Expires: time.Now().Add(c.Duration("expires"))}); err != nil {
		return err
	}
	if err := signMove(c, m, c.StringSlice("key")...); err != nil {
		return err
	}
	if out != "" {
		return writeMove(c, out, m)
	}
	return submitMove(c, h, m, to)
}

// signMove signs m with each root key file.
func signMove(c *cli.Context, m *registry.Move, paths ...string) error {
	for _, p := range paths {
		key, err := loadRoleKey(c, p)
		if err != nil {
			return err
		}
		if _, err := m.Sign(key); err != nil {
			return err
		}
	}
	return nil
}

// submitMove moves the home's registry with m (registry/home's
// Home.SubmitMove), with --publish-key's publish key, and says where the
// old name's final record is.
func submitMove(c *cli.Context, h *home, m *registry.Move, to *ipns.Key) error {
	pass, err := readPassphrase(c)
	if err != nil {
		return err
	}
	if p := c.String("publish-key"); p != "" {
		pk, err := svchome.LoadPublishKey(p, pass)
		if err != nil {
			return err
		}
		h.Registry.UsePublishKeys(pk)
	}
	res, err := h.SubmitMove(c.Context, h.Registry, m, to, c.Duration("lifetime"), c.Duration("ttl"))
	if errors.Is(err, registry.ErrExists) {
		return &cliError{err: err, code: exitConflict, hint: "this home holds a registry under the new key's name: make a new key (svcreg init in a new home)"}
	} else if err != nil {
		return withHint(err, moveSubmitHint(err))
	}
	o := moveOut{MoveInfo: registry.NewMoveInfo(m)}
	o.Seq, o.FinalRecord = res.New.Seq, h.FinalRecordPath(res.Final.Name)
	return emit(c, o, func(w io.Writer) {
		fmt.Fprintf(w, "moved %s to %s: root v%d %s, seq %d\n", o.From, o.To, o.RootVersion, o.Root, o.Seq)
		fmt.Fprintf(w, "the final record of %s (the highest sequence, pointing at the move) is %s: publish it where %s was\n", o.From, o.FinalRecord, o.From)
	})
}

// moveSubmitHint is the hint of a refused move.
func moveSubmitHint(err error) string {
	if isAny(err, registry.ErrUntrusted) {
		return "the move needs the root keys of the current root and of the new one on the root, then the new root's on the move: sign with --key ROOT.key (or 'svcreg root sign FILE'); --publish-key is a publish key of the new root"
	}
	return ""
}

// writeMove writes m to path atomically and says what is left to do.
func writeMove(c *cli.Context, path string, m *registry.Move) error {
	if err := svchome.WriteMoveFile(c.Context, path, m); err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "svcreg: the move of %s to %s is in %s: the root keys sign it with 'svcreg root sign %s --key ROOT.key' (the Root first, then the Moved block), then 'svcreg move --submit %s --to NEW.key --publish-key PUBLISH.key'\n",
		m.Moved.From, m.Moved.To, path, path, path)
	return emitMove(c, m, path)
}

// emitMove prints the move m, written to path.
func emitMove(c *cli.Context, m *registry.Move, path string) error {
	o := moveOut{MoveInfo: registry.NewMoveInfo(m)}
	o.File = path
	return emit(c, o, func(w io.Writer) { fmt.Fprint(w, o.Text()) })
}

// pushFinalRecords sends the final records of the names the home's
// registry moved from to the kubo node (Home.PushFinals), after its new
// name's blocks, and says so on stderr.
func pushFinalRecords(c *cli.Context, h *home, k *kubo.Client) error {
	done, err := h.PushFinals(c.Context, k, time.Now())
	for _, p := range done {
		fmt.Fprintf(c.App.ErrWriter, "svcreg: the final record of %s (moved) is on %s: %s\n", p.Name, k, p.How)
	}
	return err
}
