package main

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/svcreg/svcreg/registry/ipns"
)

// expiryWarning is how close to its end of life a record makes 'svcreg
// name' warn.
const expiryWarning = 12 * time.Hour

// nameOut is the JSON of 'svcreg name': the head and when its record
// expires.
type nameOut struct {
	headOut
	Expires string `json:"expires"`
}

func newNameCommand() *cli.Command {
	return &cli.Command{
		Name:   "name",
		Flags:  withCommon(),
		Action: withArgs(0, 0, "no arguments", runName),
	}
}

func runName(c *cli.Context) error {
	h, err := openHome(c, false)
	if err != nil {
		return err
	}
	defer h.Close()
	head, err := h.Registry.Head(c.Context)
	if err != nil {
		return err
	}
	rec, err := ipns.VerifyHead(head, time.Time{})
	if err != nil && !errors.Is(err, ipns.ErrExpiredRecord) {
		return err
	}
	out := nameOut{headOut: headJSON(head), Expires: rec.Validity.UTC().Format(time.RFC3339)}
	left := time.Until(rec.Validity)
	switch {
	case err != nil:
		warnf(c, "the record expired at %s: run 'svcreg republish' to re-sign it", out.Expires)
	case left < expiryWarning:
		warnf(c, "the record expires in %s: run 'svcreg republish' (or keep 'svcreg serve' running) to re-sign it", left.Round(time.Second))
	}
	return emit(c, out, func(w io.Writer) {
		fmt.Fprintf(w, "name: %s\nroot: %s\nseq:  %d\nexpires: %s (in %s)\n", head.Name, head.Root, head.Seq, out.Expires, left.Round(time.Second))
	})
}
