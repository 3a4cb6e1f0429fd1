//go:build linux && (amd64 || arm64)

package warm

// sum256 and sum512 are SHA-256 and SHA-512 (FIPS 180-4), for the few
// bytes the warm path hashes: crypto/sha256 and crypto/sha512 bring
// crypto/internal/fips140, which Go initialises late (see the package
// comment). They allocate nothing, keep the message schedule to its last
// 16 words and their state in sha, so that their stack frames stay small
// (see ed25519.go), and write the sum to out. The tests check them against the standard library.
func sum256(out *[32]byte, msg []byte) {
	h := &sha.h256
	*h = [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
	n := len(msg) &^ 63
	for i := 0; i < n; i += 64 {
		block256(h, msg[i:i+64])
	}
	last := padded(sha.tail[:2*64], msg, n, 64, 8)
	for i := 0; i < len(last); i += 64 {
		block256(h, last[i:i+64])
	}
	for i, v := range h {
		out[4*i], out[4*i+1], out[4*i+2], out[4*i+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
}

func block256(h *[8]uint32, blk []byte) {
	w := &sha.w256
	for i := range w {
		w[i] = uint32(blk[4*i])<<24 | uint32(blk[4*i+1])<<16 | uint32(blk[4*i+2])<<8 | uint32(blk[4*i+3])
	}
	a, b, c, d, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
	for i := 0; i < 64; i++ {
		if i >= 16 {
			w15, w2 := w[(i-15)&15], w[(i-2)&15]
			s0 := rotr32(w15, 7) ^ rotr32(w15, 18) ^ w15>>3
			s1 := rotr32(w2, 17) ^ rotr32(w2, 19) ^ w2>>10
			w[i&15] += s0 + w[(i-7)&15] + s1
		}
		t1 := hh + (rotr32(e, 6) ^ rotr32(e, 11) ^ rotr32(e, 25)) + (e&f ^ ^e&g) + k256[i] + w[i&15]
		t2 := (rotr32(a, 2) ^ rotr32(a, 13) ^ rotr32(a, 22)) + (a&b ^ a&c ^ b&c)
		a, b, c, d, e, f, g, hh = t1+t2, a, b, c, d+t1, e, f, g
	}
	h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7] = h[0]+a, h[1]+b, h[2]+c, h[3]+d, h[4]+e, h[5]+f, h[6]+g, h[7]+hh
}

func sum512(out *[64]byte, msg []byte) {
	h := &sha.h512
	*h = [8]uint64{0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
		0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179}
	n := len(msg) &^ 127
	for i := 0; i < n; i += 128 {
		block512(h, msg[i:i+128])
	}
	last := padded(sha.tail[:], msg, n, 128, 16)
	for i := 0; i < len(last); i += 128 {
		block512(h, last[i:i+128])
	}
	for i, v := range h {
		for j := 0; j < 8; j++ {
			out[8*i+j] = byte(v >> (56 - 8*j))
		}
	}
}

func block512(h *[8]uint64, blk []byte) {
	w := &sha.w512
	for i := range w {
		w[i] = be64(blk[8*i:])
	}
	a, b, c, d, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
	for i := 0; i < 80; i++ {
		if i >= 16 {
			w15, w2 := w[(i-15)&15], w[(i-2)&15]
			s0 := rotr64(w15, 1) ^ rotr64(w15, 8) ^ w15>>7
			s1 := rotr64(w2, 19) ^ rotr64(w2, 61) ^ w2>>6
			w[i&15] += s0 + w[(i-7)&15] + s1
		}
		t1 := hh + (rotr64(e, 14) ^ rotr64(e, 18) ^ rotr64(e, 41)) + (e&f ^ ^e&g) + k512[i] + w[i&15]
		t2 := (rotr64(a, 28) ^ rotr64(a, 34) ^ rotr64(a, 39)) + (a&b ^ a&c ^ b&c)
		a, b, c, d, e, f, g, hh = t1+t2, a, b, c, d+t1, e, f, g
	}
	h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7] = h[0]+a, h[1]+b, h[2]+c, h[3]+d, h[4]+e, h[5]+f, h[6]+g, h[7]+hh
}

// sha holds the state, the message schedule and the padded last blocks
// of the message being hashed.
var sha struct {
	h256 [8]uint32
	w256 [16]uint32
	h512 [8]uint64
	w512 [16]uint64
	tail [2 * 128]byte
	sum  [32]byte // decodeResolution's
}

// padded writes into tail (two blocks) the last part of msg, from offset
// n on (less than a block), padded as SHA-2 pads it, in blocks of size
// bytes with the message's length in bits taking lenSize bytes,
// big-endian, and returns those one or two blocks.
func padded(tail, msg []byte, n, size, lenSize int) []byte {
	rest := len(msg) - n
	total := rest + 1 + lenSize
	total += (size - total%size) % size
	t := tail[:total]
	clear(t)
	copy(t, msg[n:])
	t[rest] = 0x80
	bitLen := uint64(len(msg)) * 8
	for i := 0; i < 8; i++ {
		t[total-1-i] = byte(bitLen >> (8 * i))
	}
	return t
}

// rotr32 and rotr64 rotate right by a constant, which the compiler makes
// one instruction (math/bits.RotateLeft, without importing math/bits).
func rotr32(x uint32, k uint) uint32 { return x>>k | x<<(32-k) }
func rotr64(x uint64, k uint) uint64 { return x>>k | x<<(64-k) }

func be64(b []byte) uint64 {
	return uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
		uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
}
