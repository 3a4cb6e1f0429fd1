// Package kubo pushes registries to a kubo (go-ipfs) node through its RPC
// API (POST /api/v0/…), with net/http only: svcreg does not import kubo.
//
//   - Import: dag/import of a CAR stream, roots not pinned (pin-roots=false),
//     so a partial CAR never fails on pinning.
//   - Pin, UpdatePin, Pinned: pin/add (recursive), pin/update (from one
//     manifest root to the next: kubo walks only the difference), pin/ls.
//   - PutRecord: name/put of a record signed elsewhere, with allow-offline,
//     so an offline node stores it locally and an online one also
//     publishes it. kubo refuses a sequence not above the one it holds
//     unless the bytes are the same: that comes back as *SeqError.
//   - Resolve: name/resolve offline, which says what the node currently
//     serves for a name (a hint only: nothing from it is trusted).
//
// Connection failures wrap registry.ErrUnreachable; errors kubo reports
// are *Error with its message.
package kubo
