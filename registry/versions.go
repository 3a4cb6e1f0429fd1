package registry

import (
	"context"
	"fmt"

	"github.com/ipfs/go-cid"

	"github.com/svcreg/svcreg/manifest"
)

// versionTree is the VersionIndex of one large service as a shardTree:
// versions to releases. New nodes go to put (nil for reads); cache, when
// not nil, keeps the nodes decoded so far (a change looks up two versions
// and then inserts along the same paths).
func versionTree(get getFunc, put func(manifest.Block), leafMax int, cache map[cid.Cid]manifest.VersionNode) shardTree[manifest.Release] {
	return shardTree[manifest.Release]{
		load: func(ctx context.Context, c cid.Cid) (shardNode[manifest.Release], error) {
			n, ok := cache[c]
			if !ok {
				data, err := get(ctx, c)
				if err != nil {
					return shardNode[manifest.Release]{}, fmt.Errorf("load version index %s: %w", c, err)
				}
				if n, err = manifest.DecodeVersionNode(data); err != nil {
					return shardNode[manifest.Release]{}, fmt.Errorf("load version index %s: %w", c, err)
				}
				if cache != nil {
					cache[c] = n
				}
			}
			return shardNode[manifest.Release]{leaf: n.Releases, children: n.Children}, nil
		},
		store: func(n shardNode[manifest.Release]) (cid.Cid, error) {
			b, err := manifest.EncodeVersionNode(manifest.VersionNode{Releases: n.leaf, Children: n.children})
			if err != nil {
				return cid.Undef, err
			}
			put(b)
			return b.CID, nil
		},
		size:    manifest.ReleasesSize,
		leafMax: leafMax,
	}
}

// versionReader reads a VersionIndex with get.
func versionReader(get getFunc) shardTree[manifest.Release] { return versionTree(get, nil, 0, nil) }

// loadVersions adds to s.Releases, for a sharded service, those of
// versions that exist and are not there yet, and returns what it added.
// Empty strings are skipped.
func loadVersions(ctx context.Context, t shardTree[manifest.Release], s *manifest.Service, versions ...string) (map[string]manifest.Release, error) {
	added := map[string]manifest.Release{}
	if !s.Sharded() {
		return added, nil
	}
	for _, v := range versions {
		if _, ok := s.Releases[v]; ok || v == "" {
			continue
		}
		r, ok, _, _, err := t.lookup(ctx, s.VersionIndex, v)
		if err != nil {
			return nil, err
		}
		if ok {
			s.Releases[v], added[v] = r, r
		}
	}
	return added, nil
}

// loadAllVersions adds every release of a sharded service to s.Releases
// (keeping those already there: they may be changes not yet stored) and
// returns what it added.
func loadAllVersions(ctx context.Context, t shardTree[manifest.Release], s *manifest.Service) (map[string]manifest.Release, error) {
	added := map[string]manifest.Release{}
	if !s.Sharded() {
		return added, nil
	}
	err := t.walk(ctx, s.VersionIndex, map[cid.Cid]bool{}, false, nil, func(v string, r manifest.Release, misfiled error) error {
		if misfiled != nil {
			return misfiled
		}
		if _, ok := s.Releases[v]; !ok {
			s.Releases[v], added[v] = r, r
		}
		return nil
	})
	return added, err
}
