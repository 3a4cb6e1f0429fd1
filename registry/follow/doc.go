// Package follow keeps a local copy of a registry in step with its
// upstreams and pushes it on: the one place where svcreg's rules for
// following a registry live. The CLI (resolve, ls, get, lock, push, …)
// and the server use it alike.
//
// # Upstreams
//
// An upstream is a trustless HTTP gateway: kubo's, a public one, or
// another svcreg node (svcreg serve is one), or another registry.Source
// (Config.Sources: the node's peer on the IPFS network, asked after the
// gateways; whole DAGs come as CARs from gateways only, block by block
// from the others). Nothing an upstream says is
// trusted: a record must verify against the registry's name and may not
// go below the rollback floor, every block must hash to its CID, and the
// manifest a record points at must name the same registry and sequence
// (see registry.Fetcher). Upstreams that were unreachable are asked last.
//
// # Freshness
//
// A copy is fresh while its record is live and the upstreams gave a valid
// answer less than the record's TTL ago. That time is kept in the index
// (Index.MarkChecked), so every process on a home shares it. Sync asks
// the upstreams only when the copy is not fresh, or when asked to.
//
// # Adopting a record
//
// A record becomes the head through one compare-and-swap on the index
// after its manifest block was fetched and checked. Whether a stored
// record still matches its head is decided by ipns.VerifyHead, with one
// expiry rule: a record is live until and including its end of life.
//
// # Locks
//
// bbolt's file lock is the home's. A Follower that waits on the network
// is given a *bolt.Transient index, which opens the file for one
// operation at a time: no request and no push runs while the index is
// locked.
//
// # Mirroring and health
//
// A Node mirrors a followed registry release by release: the registry's
// own blocks first, then each release's content on its own. A release
// the upstreams cannot deliver is skipped, reported (Status, Metrics) and
// tried again after MinMirrorRetry, doubling up to MaxMirrorRetry; the
// rest is kept. Node.Health says a registry is degraded, and why, when it
// has no record, its record is past its end of life, its last sync or
// re-signing failed or releases are not mirrored. Node.Restore reports
// the stored heads before any upstream is asked, so a restarted node
// tells its real state at once.
//
// # Serving
//
// A server's block store is a ReadThrough: a block missing here is
// fetched from the upstreams in the request, but only when a followed
// registry reaches it (ReadThroughConfig.FetchAny lifts that), one fetch
// per block shared by its readers and cancelled when they have all gone,
// at most ReadThroughConfig.MaxFetches at once.
//
// # Example
//
//	name, _ := ipns.ParseRegistryName("k51…") // once, at the edge
//	f, err := follow.New(follow.Config{
//		Name: name, Blocks: store, Index: bolt.NewTransient("index.db", nil),
//		Gateways: []string{"https://gw.example", "http://mirror-a:8080"},
//	})
//	s, err := f.Sync(ctx, false)        // ask the upstreams if the copy is not fresh
//	r, err := f.Registry().Resolve(ctx, spec) // blocks fetched on demand, verified
//	res, err := f.Push(ctx, kuboClient, follow.PushOptions{Pin: true})
package follow
