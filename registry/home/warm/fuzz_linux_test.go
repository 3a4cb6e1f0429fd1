//go:build linux && (amd64 || arm64)

package warm

import (
	"bytes"
	"crypto/sha256"
	"encoding/base32"
	"encoding/binary"
	"testing"
)

// refField is field with encoding/binary: a big-endian uint32 length,
// then that many bytes.
func refField(b []byte) (f, rest []byte, ok bool) {
	if len(b) < 4 || uint64(binary.BigEndian.Uint32(b)) > uint64(len(b)-4) {
		return nil, nil, false
	}
	n := binary.BigEndian.Uint32(b)
	return b[4 : 4+n], b[4+n:], true
}

// FuzzDecodeHead: decodeHead accepts exactly the heads the index writes
// (format 1, a root, a sequence above zero, a record, nothing after) and
// returns their root.
func FuzzDecodeHead(f *testing.F) {
	f.Add(head("\x01\x71root", 1))
	f.Add(head("", 1))
	f.Add(head("r", 0))
	f.Add(append(head("r", 2), 0))
	f.Fuzz(func(t *testing.T, b []byte) {
		var want string
		wantOK := len(b) > 0 && b[0] == 1
		root, rest, ok := refField(b[min(1, len(b)):])
		wantOK = wantOK && ok && len(root) > 0 && len(rest) >= 8 && binary.BigEndian.Uint64(rest) > 0
		if wantOK {
			_, rest, ok = refField(rest[8:])
			wantOK, want = ok && len(rest) == 0, string(root)
		}
		got, ok := decodeHead(b)
		if ok != wantOK || ok && got != want {
			t.Fatalf("decodeHead(%x) = %q, %v; want %q, %v", b, got, ok, want, wantOK)
		}
	})
}

// FuzzDecodeResolution: decodeResolution gives the CID of a cached
// answer only when its check (SHA-256 over the domain, the registry
// name, the key and the value) matches and the CID is a CIDv1, and then
// gives it in base32 with its multibase prefix.
func FuzzDecodeResolution(f *testing.F) {
	cid := append([]byte{1, 0x55, 0x12, 0x20}, bytes.Repeat([]byte{7}, 32)...)
	good := cachedAnswer("k51name", "root\x00svc@^1", "svc", "1.0.0", cid)
	f.Add("k51name", "root\x00svc@^1", good)
	f.Add("k51other", "root\x00svc@^1", good)
	f.Add("k51name", "root\x00svc@^1", cachedAnswer("k51name", "root\x00svc@^1", "svc", "1.0.0", cid[1:]))
	f.Add("k51name", "root\x00svc@^1", cachedAnswer("k51name", "root\x00svc@^1", "", "1.0.0", cid))
	f.Fuzz(func(t *testing.T, name, key string, b []byte) {
		var want string
		wantOK := len(b) > 0 && b[0] == 2
		service, rest, ok1 := refField(b[min(1, len(b)):])
		version, rest, ok2 := refField(rest)
		c, rest, ok3 := refField(rest)
		wantOK = wantOK && ok1 && ok2 && ok3 && len(rest) == 32 && len(service) > 0 && len(version) > 0
		if wantOK {
			in := putField(putField([]byte("svcreg resolution\x00"), []byte(name)), []byte(key))
			sum := sha256.Sum256(append(in, b[:len(b)-32]...))
			wantOK = bytes.Equal(sum[:], rest) && len(c) >= 4 && c[0] == 1
			want = "b" + base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding).EncodeToString(c)
		}
		resetArena()
		got, ok := decodeResolution(name, []byte(key), b)
		if !ok && len(name)+len(key)+len(b) > len(arena.buf)/2 {
			return // more than the arena holds: no answer, the full path's
		}
		if ok != wantOK || ok && string(got) != want {
			t.Fatalf("decodeResolution(%q, %q, %x) = %q, %v; want %q, %v", name, key, b, got, ok, want, wantOK)
		}
	})
}
