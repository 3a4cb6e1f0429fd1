// Package ipns signs and verifies the IPNS records that point a registry's
// name at its manifest root, and stores the registry's ed25519 key.
//
// Signer implements registry.Signer with boxo's ipns package: records
// carry both the V2 (DAG-CBOR) and the V1 compatibility signatures, live
// DefaultLifetime and have a DefaultTTL cache hint, like `ipfs name
// publish`. Verify checks records that arrive from disk or the network.
//
// Key files hold the libp2p protobuf cleartext encoding of the private key
// (the format of `ipfs key export` and `ipfs key import`), mode 0600.
//
// Only ed25519 keys are supported, so a registry name is always the
// inlined-key form k51… (12D3KooW… as a peer ID).
package ipns
