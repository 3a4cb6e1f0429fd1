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
//	GET  /                          the browse page (HTML, or JSON for Accept: application/json); /browse/ too
//	GET  /browse/<registry>/[<service>/]   a registry's and a service's pages
//	GET  /routing/v1/ipns/<name>    the signed record (IPIP-0379); 404 when there is no live one
//	PUT  /routing/v1/ipns/<name>    a newer record: a followed registry's head, or any other name's record
//
// As in kubo, "localhost" is a subdomain gateway and 127.0.0.1 (and any
// other host) a path gateway: http://localhost:8080/ipfs/<cid>/ redirects
// to http://<cid>.ipfs.localhost:8080/, which gives each root its own
// origin (and _redirects support). Both return deserialized responses
// (files, HTML) as well as the trustless ones (raw blocks, CAR, records).
//
// # An origin per release
//
// localhost and each host in Config.SubdomainHosts are subdomain gateways
// the way kubo's Gateway.PublicGateways makes one (boxo's hostname handler): /ipfs/<cid>/
// and /ipns/<name>/ on HOST redirect to <cid>.ipfs.HOST and
// <name>.ipns.HOST (CIDv0 converted to CIDv1 base32, base36 when base32
// does not fit a DNS label, DNSLink names inlined into one label). It also
// gives every release of every registry with a head in the index (the
// served one and those followed) an origin of its own:
//
//	http://<version>.<service>.<registry>.svc.HOST/
//	http://1-2-0.say.k51qzi5uqu5d….svc.localhost:8080/
//
// (<version> is the version with '.' written '-' and its prerelease after
// "--": 2.0.0-rc.1 is 2-0-0--rc-1; a release whose name does not fit DNS
// labels is served from its content's origin, <cid>.ipfs.HOST, instead;
// OriginHost gives either for a gateway URL, as svcreg url prints it).
// /svc/<service>@<range>/<path> on HOST answers 302 to <path> on the
// origin of the release the range resolves to now, so a bookmarked range
// follows new releases while each release keeps its own storage, cookies
// and service workers. A browser's page load of a release's path there
// (/ipns/<registry>/services/…/content/…, or …/services/…/content/… on
// <registry>.ipns.HOST) goes to the release's origin too. A release origin
// serves its content the way a subdomain gateway serves a root: _redirects
// applies, dot segments are refused, and every path is the release's
// (Config.NodePaths, /browse/, /svc/ and /routing/v1/ answer only on the
// node's own hosts).
//
// On a loopback address (127.0.0.1, [::1]) /svc/ and release paths stay a
// path gateway for programs, but a browser loading one as a page (by
// Sec-Fetch-Dest, or an Accept naming text/html; never a ?format=
// request) is redirected to the release's origin under localhost on the
// same port, so no release runs in an origin it shares with another, and
// the browse pages there link each release to its origin. A request that a
// proxy forwarded (X-Forwarded-Host, Forwarded) is not sent to localhost.
//
// Blocks are read through the store's verified blockstore: a block that does
// not hash to its CID is an error, never served. The server never writes
// blocks. What an /ipfs/ path resolved to is remembered (it is
// immutable), and so are boxo's answers to plain GETs of small files,
// which are replayed with their block read and verified again.
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
// A tag that points at a yanked version answers 410 Gone with the yank
// reason and the version's own address, where it is still served.
// A friendly URL keeps working after the record's end of life, as
// `svcreg resolve` does, because the record's signature is still checked.
//
// # Browsers on other origins
//
// Pages and service workers of any origin may read GET and HEAD answers:
// /ipfs/ and /ipns/ (boxo's CORS headers) and /routing/v1/ (errors too)
// carry Access-Control-Allow-Origin: *, and OPTIONS on /routing/v1/
// answers a preflight with 204, allowing GET, HEAD and OPTIONS. PUTs of
// records carry no CORS headers, so no page can send one.
//
// # Slow and large requests
//
// Request bodies (PUTs of records) are read into memory before anything
// else is done with them: at most Config.MaxBodies at once and
// Config.MaxClientBodies of them from one client address (an IPv4
// address, or an IPv6 /64; more are answered 503 with Retry-After and
// their connection closed), each within Config.BodyTimeout (else 408) and
// up to Config.MaxBodySize bytes (else 413). Clients that send a body
// slowly therefore hold at most MaxBodies connections for at most
// BodyTimeout each, one address no more than MaxClientBodies of them, and
// requests without a body never wait for them. PUTs are rationed per
// client address by a token bucket (Config.PutBurst at once, then
// Config.PutRate a second; more are answered 429 with Retry-After).
// svcreg serve also bounds headers (10 s, 64 KiB) and connections.
//
// # Names not followed
//
// With Config.RecordsDir, PUT /routing/v1/ipns/<name> for a name with no
// head in the index (a third party's, of any key type) stores the record
// there, one file per name, if it validates (signature by the name's key,
// end of life) and is better than the one stored (higher sequence, then
// later end of life); the index is not opened. /ipns/<name>/…,
// ?format=ipns-record and GET /routing/v1/ipns/<name> then serve it while
// it is valid, its value followed through /ipfs/, /ipns/ and stored
// records (up to 8 links). Such a record is never a head: svcreg commands
// do not see it. At most Config.MaxRecords names are kept, each only
// until its end of life (by Config.Now): expired records are removed when
// room is needed and when the directory is first read (PruneRecords, for
// svcreg gc, removes them too); when the live ones fill it, a record of a
// new name evicts the one closest to its end of life if it ends later,
// and is refused with 507 otherwise. Without RecordsDir such PUTs are
// refused with 403.
//
// # DNSLink
//
// With Config.DNSLink, /ipns/<domain>/… resolves through the domain's
// DNSLink record (registry/dnslink), and a request whose Host is a domain
// with a record (not localhost, not a subdomain host) is served as a
// DNSLink gateway: the whole path belongs to the site, with _redirects.
// The resolver keeps answers and failures and asks DNS once per domain at
// a time, so a DNS server that never answers holds up requests for a
// domain once per failure TTL. Config.NoDNSLink (kubo's
// Gateway.NoDNSLink) never looks up the Host: DNSLink is then served
// only as /ipns/<domain>.
//
// # Accepting records
//
// PUT /routing/v1/ipns/<name> stores a record only if the index already
// has a head for <name> (this home's own registry or one it follows), the
// record verifies, its sequence is above the registry's rollback floor
// (registry.Index.SwapHead), and its manifest root block is already in the
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
//
// # Embedding
//
// New takes a block store that verifies what it returns (registry/flatfs,
// or follow.ReadThrough over it), the index file and, for /svc/, the
// registry (boxo's ipns.Name, as registry/target gives it); Server.Serve
// runs it on a listener with bounded connections and a graceful shutdown,
// or mount the Server, an http.Handler, anywhere. NodeProvider gives
// Config.Provider from the node's own key file, and PruneRecords removes
// expired records of names not followed (svcreg gc). See the Example.
package gateway
