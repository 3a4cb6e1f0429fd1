package project

import (
	"errors"

	ipnsrec "github.com/ipfs/boxo/ipns"

	"github.com/svcreg/svcreg/manifest"
	"github.com/svcreg/svcreg/registry/home"
	"github.com/svcreg/svcreg/registry/target"
)

// Target is the registry cfg names (name, as Load resolved it) as the
// home hm follows it: from gateways when any are given (a command line's
// --gateway), else from cfg's own, and Own when hm holds the registry's
// key (its publisher locks against the copy it publishes). A home without
// a key is a consumer's, which needs none; a key that cannot be loaded is
// an error.
func Target(hm *home.Home, cfg *manifest.Project, name ipnsrec.Name, gateways []string) (target.Target, error) {
	if len(gateways) == 0 {
		gateways = cfg.Gateways
	}
	key, err := hm.Key()
	if err != nil && !errors.Is(err, home.ErrNoKey) {
		return target.Target{}, err
	}
	own := key != nil && key.Name() == name.String()
	return target.Target{Name: name, Gateways: gateways, Own: own}, nil
}
