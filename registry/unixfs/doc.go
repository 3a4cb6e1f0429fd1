// Package unixfs imports service directories into IPFS and exports them
// back, wrapping boxo's UnixFS importer and exporter.
//
// # Byte-exactness with kubo
//
// Import produces, block for block, the DAG that kubo 0.43.1 builds for
// `ipfs add -r DIR` after `ipfs config profile apply <profile>`, so a
// service's CID is the same whether svcreg or any kubo node adds it.
// testdata/golden.txt holds CIDs produced by a real kubo (see
// testdata/gen-golden.sh) and the tests compare against them.
//
// Files are cut by a fixed-size chunker and laid out with boxo's balanced
// layout; directories are boxo dynamic directories (uio.NewDirectory) that
// turn into HAMT shards past the profile's threshold. This is the same code
// kubo reaches through MFS, and gives identical CIDs.
//
// A file of more than one chunk is read and hashed on every core: workers
// read chunks ahead at their offsets and hash the leaf blocks, while boxo's
// balanced layout builds the tree in file order as usual and takes each
// leaf's CID from the worker that hashed exactly those bytes (a
// cid.Builder and chunk.Splitter pair; see leaves.go). Internal nodes and
// directories are hashed by boxo as before, so the DAG is the same.
// Hash computes the same Result storing nothing (like `ipfs add -n`); as
// its nodes are dropped as soon as they are made, it reuses chunk buffers.
//
// # Profiles
//
// ProfileV1 ("unixfs-v1-2025", the default) and ProfileV0
// ("unixfs-v0-2015") are boxo's uio.UnixFS_v1_2025 and uio.UnixFS_v0_2015:
//
//	           CID  leaves  chunk    links/node  HAMT when estimate > 256 KiB
//	v1-2025    v1   raw     1 MiB    1024        exact dag-pb block size
//	v0-2015    v0   dag-pb  256 KiB  174         sum of name + CID lengths
//
// Both shard with fanout 256 and encode dag-pb links first. Note that
// kubo's `--cid-version=1` alone is neither profile.
//
// Import passes every setting explicitly to boxo, and also sets boxo's
// process-wide import globals (chunk size, links per block, HAMT threshold,
// estimation mode, fanout, dag-pb field order) to the profile before each
// import, as uio.UnixFSProfile.ApplyGlobals would, writing only values that
// change. Imports hold a package mutex, so concurrent imports with
// different profiles run one after the other and never see each other's
// settings. Nothing is restored afterwards.
//
// # What is imported
//
//   - Hidden files: names starting with '.' are skipped at every depth
//     unless Options.Hidden is set, like kubo without --hidden.
//   - Paths matching a rule of the directory's IgnoreFile (.svcregignore)
//     or a pattern of Options.Exclude, in gitignore syntax, are skipped
//     (kubo's --ignore-rules-path and --ignore, matched against the whole
//     relative path). Options.Skipped hears of every entry left out.
//   - A tree that still holds a directory of Options.Homes, a directory
//     laid out as a svcreg home or a svcreg private key file (ed25519, or
//     a small age passphrase-encrypted role key) is refused
//     with an UnsafeTreeError (ErrUnsafeTree), after one walk of the tree
//     and before anything is imported.
//   - Symlinks are stored as UnixFS symlink nodes holding the target as
//     written, and are never followed (the walk uses lstat semantics), like
//     kubo's default. Only the directory passed to Import is resolved if it
//     is itself a symlink.
//   - Sockets, devices and fifos are an error (ErrSpecialFile).
//   - Empty files and empty directories are kept.
//   - No mode or mtime is stored.
//   - Entries are visited in byte order of their names; the context is
//     checked before each entry.
//
// # Export
//
// Export reads every block through a wrapper that rehashes it and fails
// with ErrCorruptBlock on a mismatch, writes the tree into a temporary
// sibling of the destination and renames it into place, so a failed export
// leaves nothing behind. HAMT-sharded directories and raw-leaf files are
// read with boxo's unixfile. Files are written 0644 and directories 0755,
// less the umask. Symlinks with an absolute target, or whose ".." elements
// could leave the destination, are refused with ErrUnsafeSymlink, and
// entry names that are not a single path element with ErrUnsafeName.
// CheckTree lists every such entry of a stored tree by the same rule,
// writing nothing, and Import with Options.SafeSymlinks refuses such
// symlinks before they are stored.
//
// # Expansion
//
// A directory may link one subtree any number of times, so a DAG of a few
// blocks can stand for terabytes in billions of files. Before writing,
// Export expands the tree as it would be written (CheckRelease, a
// memoised walk: each distinct directory block and file root is read
// once, however often it is linked) and refuses, with ErrTooLarge, a tree
// beyond its Limits: DefaultMaxSize bytes of files, DefaultMaxFiles
// entries, DefaultMaxDepth levels unless the caller sets others.
// ExportSize also holds the tree to the size its release records
// (ErrSizeMismatch). While writing, each file must yield the bytes its
// node declares and the totals are counted against the Limits again.
package unixfs
