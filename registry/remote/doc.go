// Package remote fetches registries from HTTP gateways that speak the IPFS
// trustless gateway protocol, kubo's among them. [Gateway] implements
// registry.Source:
//
//   - Record: GET /ipns/<name> with Accept: application/vnd.ipfs.ipns-record,
//     falling back to the delegated routing API, GET /routing/v1/ipns/<name>.
//   - Block: GET /ipfs/<cid>?format=raw (application/vnd.ipld.raw).
//   - DAG: GET /ipfs/<cid>?format=car&dag-scope=all (application/vnd.ipld.car,
//     order=dfs, dups=n), for a release's whole content in one request.
//
// Nothing here is trusted: the registry verifies records and blocks from
// Record and Block; DAG checks every block against its CID and accepts
// only blocks reachable from the requested root, in depth-first order,
// before handing them on.
//
// # Limits
//
// Records are read up to 10 KiB (the IPNS limit), blocks up to 2 MiB.
// Every request is abandoned when no byte arrives for Options.Timeout:
// waiting for the response headers or, mid-body, for the next read. A
// request that fails fast (connection refused or reset, HTTP 429, 502,
// 503, 504) is tried again up to Options.Retries times, 100 ms then 200 ms
// apart; a time-out is not retried. Failures wrap registry.ErrUnreachable;
// a 404 or 410 wraps registry.ErrRecordNotFound or registry.ErrBlockNotFound.
//
// The package uses net/http only (not boxo/gateway, whose start-up cost
// every svcreg command would pay).
package remote
