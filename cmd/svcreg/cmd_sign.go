package main

import (
	"fmt"
	"io"

	"github.com/urfave/cli/v2"

	svchome "github.com/svcreg/svcreg/registry/home"
)

func newSignCommand() *cli.Command {
	return &cli.Command{
		Name:      "sign",
		ArgsUsage: "FILE --key FILE",
		Flags:     withCommon(publishKeyFlag()),
		Action:    withArgs(1, 1, "FILE", runSign),
	}
}

func runSign(c *cli.Context) error {
	if c.String("key") == "" {
		return usageErr(fmt.Errorf("sign: no --key"), "pass the publish key to sign with: --key PUBLISH.key (or SVCREG_PUBLISH_KEY)")
	}
	k, err := loadPublishKey(c)
	if err != nil {
		return err
	}
	file := c.Args().First()
	sum, added, err := svchome.SignChange(c.Context, file, k)
	if err != nil {
		return proposalErr(err)
	}
	return emit(c, sum, func(io.Writer) {
		showChange(c, sum)
		how := "signed"
		if !added {
			how = "already signed (counted once)"
		}
		next := fmt.Sprintf("%d more needed", sum.Threshold-len(sum.SignedBy))
		if sum.Ready() {
			next = fmt.Sprintf("ready: run 'svcreg submit %s' in the registry's home", quoteName(file))
		}
		fmt.Fprintf(c.App.ErrWriter, "svcreg: %s seq %d of %s (manifest %s) with key %s; %s\n", how, sum.Seq, sum.Registry, sum.Manifest, k.KeyID(), next)
	})
}
