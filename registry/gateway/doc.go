// Package gateway serves a registry over HTTP: an IPFS gateway for its
// blocks (boxo/gateway), its IPNS names through the signed records in the
// local index, friendly /svc/NAME@RANGE/ addresses, and delegated routing
// for IPNS records (boxo/routing/http/server). `svcreg serve` (cmd/svcreg)
// wires it to a home directory.
//
// # Paths
//
//	GET  /ipfs/<cid>/…              files, directory listings, index.html, ?format=raw|car|…
//	GET  /ipns/<name>/…             the same, through <name>'s verified record
//	GET  /ipns/<name>?format=ipns-record   the signed record itself
//	GET  /svc/<service>@<range>/…   the release the range resolves to (see below)
//	GET  /routing/v1/ipns/<name>    the signed record (IPIP-0379)
//	PUT  /routing/v1/ipns/<name>    a newer record for a registry this home follows
//
// As in kubo, 127.0.0.1 (and any other host) is a path gateway and
// "localhost" a subdomain gateway: http://localhost:8080/ipfs/<cid>/
// redirects to http://<cid>.ipfs.localhost:8080/, which gives each root its
// own origin (and _redirects support). Both return deserialized responses
// (files, HTML) as well as the trustless ones (raw blocks, CAR, records).
// DNSLink is not resolved.
//
// Blocks are read through the store's verified blockstore: a block that does
// not hash to its CID is an error, never served. The server never writes
// blocks.
//
// # The index and its lock
//
// bbolt holds a file lock for as long as the index is open (a shared one
// for read-only opens, an exclusive one for writers), so a server that kept
// it open would lock every `svcreg publish` out for its lifetime. The server
// therefore never keeps the index open. It keeps in memory the heads it has
// read, each with its verified IPNS record, and re-reads a head (a
// read-only open, one View transaction, close: well under a millisecond)
// when the index file's size or modification time has changed since, or
// when the copy is older than Config.MaxStale. A change made by another
// process is therefore seen on the next request. When a writer holds the
// lock for longer than Config.ReadWait, the server answers from the copy
// it has (a verified head, at most as old as the writer's transaction) or,
// having none, with 503 and Retry-After. A PUT of a record opens the index
// for writing for that one compare-and-swap, waiting up to
// Config.WriteWait, as any svcreg command does.
//
// # IPNS
//
// A head read from the index is not trusted: its record must verify
// (registry/ipns.Verify: signature by the name's key, value /ipfs/<root>)
// and agree with the head's root and sequence. /ipns/<name> resolves only
// while that record is valid; after its end of life it fails, as in kubo,
// until a newer record is stored (any svcreg change signs one).
//
// # Friendly URLs
//
// /svc/<service>@<range>/<path> resolves the range in the registry named by
// Config.Registry (an npm range, a tag or an exact version, URL-escaped
// where needed: /svc/tts@%5E1/ and /svc/tts@^1/ are the same) and serves
// <path> of that release by rewriting the request to /ipfs/<cid>/<path>
// inside the server: the address bar keeps the friendly URL, relative
// asset URLs resolve under it, and the query string reaches the page
// unchanged. A <path> with a "." or ".." segment, or an escaped slash,
// is refused with 400 before it is rewritten (however it is escaped: %2e%2e
// too), so a friendly URL never reaches another root. /svc/<spec> without the slash redirects to /svc/<spec>/. The
// answer depends on the registry's current head, so these responses carry
// "Cache-Control: no-cache" (a browser revalidates each use; the ETag is
// the content's CID, so an unchanged release answers 304) and a
// Svcreg-Release header naming the release. A page loaded this way may
// fetch its assets after a newer release appeared; publish a new major
// range, or link /ipfs/<cid>/ (svcreg url --immutable), when that matters.
// A friendly URL keeps working after the record's end of life, as
// `svcreg resolve` does, because the record's signature is still checked.
//
// # Slow and large requests
//
// Request bodies (PUTs of records) are read into memory before anything
// else is done with them: at most Config.MaxBodies at once (more are
// answered 503 with Retry-After and their connection closed), each within
// Config.BodyTimeout (else 408) and up to Config.MaxBodySize bytes (else
// 413). Clients that send a body slowly therefore hold at most MaxBodies
// connections for at most BodyTimeout each, and requests without a body
// never wait for them. svcreg serve also bounds headers (10 s, 64 KiB).
//
// # Accepting records
//
// PUT /routing/v1/ipns/<name> stores a record only if the index already
// has a head for <name> (this home's own registry or one it follows), the
// record verifies, its sequence is above the registry's rollback floor
// (registry.Cache.SwapHead), and its manifest root block is already in the
// block store and is that registry's state at that sequence. Record-only
// heads are refused with 422: a head always points at blocks this home
// has, so svcreg resolve, ls and this gateway keep working; push the blocks
// (a CAR) first, then the record.
//
// Everything that needs no write is decided first, from the head read
// without the write lock (a shared read or the copy in memory): a record
// that does not verify (400), a name with no head (403), a sequence below
// the head (409), missing blocks or another registry's manifest (422), the
// current head again (200). Only a record that may become the head opens
// the index for writing, so refusals never lock publishers out.
package gateway
