package main

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/manifest/trust"
	"github.com/svcreg/svcreg/registry"
	svchome "github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/ipns"
)

func newRootCommand() *cli.Command {
	outFlag := func(required bool) cli.Flag {
		return &cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: required, Usage: "root `FILE` (CAR) to write"}
	}
	changeFlags := func() []cli.Flag {
		return []cli.Flag{
			&cli.StringSliceFlag{Name: "threshold", Usage: "`ROLE=N`: how many keys of the role (root, publish) must sign; repeatable"},
			&cli.DurationFlag{Name: "expires", Value: svchome.RootLifetime, Usage: "the new root expires this long from now"},
		}
	}
	return &cli.Command{
		Name: "root",
		Subcommands: []*cli.Command{
			{
				Name:      "init",
				ArgsUsage: "--root-key K.pub… --publish-key K.pub… -o FILE",
				Flags: withCommon(append(changeFlags(),
					&cli.StringSliceFlag{Name: "root-key", Required: true, Usage: "public key `FILE` (.pub) of a root key; repeatable"},
					&cli.StringSliceFlag{Name: "publish-key", Required: true, Usage: "public key `FILE` (.pub) of a publish key; repeatable"},
					outFlag(true))...),
				Action: withArgs(0, 0, "no arguments", runRootInit),
			},
			{
				Name: "rotate", ArgsUsage: "-o FILE",
				Flags: withCommon(append(changeFlags(),
					&cli.StringSliceFlag{Name: "add-key", Usage: "public key `FILE` (.pub) to add, to the role of the --role at the same place; repeatable"},
					&cli.StringSliceFlag{Name: "role", Usage: "`ROLE` (root, publish) of the --add-key at the same place"},
					&cli.StringSliceFlag{Name: "remove-key", Usage: "public key FILE or key `ID` to remove from every role; repeatable"},
					outFlag(true))...),
				Action: withArgs(0, 0, "no arguments", runRootRotate),
			},
			{
				Name: "sign", ArgsUsage: "FILE --key K",
				Flags: withCommon(
					&cli.StringFlag{Name: "key", Required: true, Usage: "root key `FILE`"},
					outFlag(false)),
				Action: withArgs(1, 1, "FILE", runRootSign),
			},
			{
				Name: "submit", ArgsUsage: "FILE --key PUBLISH.key",
				Flags:  withCommon(append(signFlags(), publishKeyFlag())...),
				Action: withArgs(1, 1, "FILE", runRootSubmit),
			},
			{
				Name: "show", ArgsUsage: "[TARGET]",
				Flags:  withCommon(readFlags()...),
				Action: withArgs(0, 1, "[TARGET]", runRootShow),
			},
		},
	}
}

// rootChange reads the change flags into a registry.RootChange.
func rootChange(c *cli.Context) (registry.RootChange, error) {
	ch := registry.RootChange{Expires: time.Now().Add(c.Duration("expires"))}
	if c.Duration("expires") <= 0 {
		return ch, usageErr(fmt.Errorf("%s: --expires %s is not a positive duration", commandPath(c), c.Duration("expires")), "write a duration such as --expires 8760h (a year)")
	}
	var err error
	if ch.Thresholds, err = registry.ParseThresholds(c.StringSlice("threshold")); err != nil {
		return ch, fmt.Errorf("%s: --threshold %w", commandPath(c), err)
	}
	var add []svchome.RoleKeyFile
	for _, p := range c.StringSlice("root-key") {
		add = append(add, svchome.RoleKeyFile{Role: trust.RoleRoot, Path: p})
	}
	for _, p := range c.StringSlice("publish-key") {
		add = append(add, svchome.RoleKeyFile{Role: trust.RolePublish, Path: p})
	}
	keys, roles := c.StringSlice("add-key"), c.StringSlice("role")
	if len(keys) != len(roles) {
		return ch, usageErr(fmt.Errorf("%s: %d --add-key and %d --role", commandPath(c), len(keys), len(roles)), "give each --add-key K.pub its --role root|publish")
	}
	for i, k := range keys {
		add = append(add, svchome.RoleKeyFile{Role: roles[i], Path: k})
	}
	return ch, svchome.RootChangeKeys(&ch, add, c.StringSlice("remove-key"))
}

func runRootInit(c *cli.Context) error {
	return writeNextRoot(c, func(h *home, ch registry.RootChange) (*trust.SignedRoot, *trust.SignedRoot, error) {
		sr, err := h.Registry.FirstRoot(c.Context, ch, ipns.MaxLifetime)
		return sr, nil, err
	})
}

func runRootRotate(c *cli.Context) error {
	return writeNextRoot(c, func(h *home, ch registry.RootChange) (*trust.SignedRoot, *trust.SignedRoot, error) {
		return h.Registry.RotateRoot(c.Context, ch)
	})
}

// writeNextRoot makes the next Root of the home's registry with next and
// writes it, with the Root it follows, to -o.
func writeNextRoot(c *cli.Context, next func(*home, registry.RootChange) (*trust.SignedRoot, *trust.SignedRoot, error)) error {
	ch, err := rootChange(c)
	if err != nil {
		return err
	}
	h, err := openHome(c, false)
	if err != nil {
		return err
	}
	defer h.Close()
	sr, prev, err := next(h, ch)
	if err != nil {
		return err
	}
	rc, err := svchome.WriteRootFile(c.Context, c.String("output"), sr, prev, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.ErrWriter, "svcreg: root v%d of %s written to %s unsigned: sign it with 'svcreg root sign %s --key ROOT.key' (the root keys of v%d and of v%d), then 'svcreg root submit %s --key PUBLISH.key'\n",
		sr.Root.Version, sr.Root.Registry, c.String("output"), c.String("output"), max(sr.Root.Version-1, 1), sr.Root.Version, c.String("output"))
	return emitRoot(c, rc, sr, prev)
}

func runRootSign(c *cli.Context) error {
	key, err := loadRoleKey(c, c.String("key"))
	if err != nil {
		return err
	}
	s, err := svchome.SignRootFile(c.Context, c.Args().First(), c.String("output"), key)
	if err != nil {
		return fmt.Errorf("root sign: %w", err)
	}
	switch {
	case s.Move != nil && !s.Added:
		fmt.Fprintf(c.App.ErrWriter, "svcreg: the move was signed by this key before; its signature counts once\n")
	case !s.Added:
		fmt.Fprintf(c.App.ErrWriter, "svcreg: root v%d was signed by this key before; its signature counts once\n", s.Signed.Root.Version)
	}
	if s.Move != nil {
		return emitMove(c, s.Move, cmp.Or(c.String("output"), c.Args().First()))
	}
	return emitRoot(c, s.CID, s.Signed, s.Prev)
}

func runRootSubmit(c *cli.Context) error {
	rf, err := svchome.ReadRootFile(c.Args().First())
	if err != nil {
		return err
	}
	h, err := openHome(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	head, err := h.Registry.SubmitRoot(c.Context, rf.Signed)
	if errors.Is(err, registry.ErrUntrusted) {
		return withHint(err, "submit takes the next root version, signed ('svcreg root sign') by the root thresholds of the current root and of its own, with --key a publish key of the new root")
	} else if err != nil {
		return err
	}
	return emit(c, submitOut{headJSON(head), rf.Signed.Root.Version}, func(w io.Writer) {
		fmt.Fprintf(w, "root v%d of %s is current, seq %d\n", rf.Signed.Root.Version, head.Name, head.Seq)
	})
}

type submitOut struct {
	headOut
	RootVersion uint64 `json:"root_version"`
}

func runRootShow(c *cli.Context) error {
	if t := c.Args().First(); t != "" {
		if c.String("registry") != "" {
			return usageErr(fmt.Errorf("root show: TARGET and --registry both name a registry"), "name the registry once")
		}
		if err := c.Set("registry", t); err != nil {
			return err
		}
	}
	h, err := openTarget(c, true)
	if err != nil {
		return err
	}
	defer h.Close()
	sr, rc, err := h.Registry.CurrentRoot(c.Context)
	if err != nil {
		return err
	}
	if sr == nil {
		return &cliError{err: fmt.Errorf("root show: %s: %w", h.Registry.Name(), registry.ErrNoRoot), code: exitNotFound,
			hint: "a plain registry has no root: its owner gives it one with 'svcreg root init'"}
	}
	return emitRoot(c, rc, sr, nil)
}

// emitRoot prints the description of sr (registry.NewRootInfo).
func emitRoot(c *cli.Context, rc cid.Cid, sr, prev *trust.SignedRoot) error {
	info := registry.NewRootInfo(rc, sr, prev)
	return emit(c, info, func(w io.Writer) { fmt.Fprint(w, info.Text()) })
}
