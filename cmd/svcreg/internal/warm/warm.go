// Package warm runs registry/home/warm's Main in its init, so that a warm
// `svcreg resolve` is answered before Go initialises the rest of the
// program. It imports nothing else: Go initialises a package as soon as
// its imports are, choosing by import path among those ready, and this
// one is ready right after the runtime's own packages
// (docs/ARCHITECTURE.md § One binary, and a warm resolve that does not
// wait for it).
package warm

import "github.com/svcreg/svcreg/registry/home/warm"

func init() { warm.Main() }
