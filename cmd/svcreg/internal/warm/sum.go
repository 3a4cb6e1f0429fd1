//go:build linux && (amd64 || arm64)

package warm

import "math/bits"

// sum256 and sum512 are SHA-256 and SHA-512 (FIPS 180-4), for the few
// bytes the warm path hashes: crypto/sha256 and crypto/sha512 bring
// crypto/internal/fips140, which Go initialises late (see the package
// comment). The tests check them against the standard library.
func sum256(msg []byte) [32]byte {
	h := [8]uint32{0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}
	for _, blk := range pad(msg, 64, 8) {
		var w [64]uint32
		for i := 0; i < 16; i++ {
			w[i] = uint32(blk[4*i])<<24 | uint32(blk[4*i+1])<<16 | uint32(blk[4*i+2])<<8 | uint32(blk[4*i+3])
		}
		for i := 16; i < 64; i++ {
			s0 := bits.RotateLeft32(w[i-15], -7) ^ bits.RotateLeft32(w[i-15], -18) ^ w[i-15]>>3
			s1 := bits.RotateLeft32(w[i-2], -17) ^ bits.RotateLeft32(w[i-2], -19) ^ w[i-2]>>10
			w[i] = w[i-16] + s0 + w[i-7] + s1
		}
		a, b, c, d, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
		for i := 0; i < 64; i++ {
			t1 := hh + (bits.RotateLeft32(e, -6) ^ bits.RotateLeft32(e, -11) ^ bits.RotateLeft32(e, -25)) + (e&f ^ ^e&g) + k256[i] + w[i]
			t2 := (bits.RotateLeft32(a, -2) ^ bits.RotateLeft32(a, -13) ^ bits.RotateLeft32(a, -22)) + (a&b ^ a&c ^ b&c)
			a, b, c, d, e, f, g, hh = t1+t2, a, b, c, d+t1, e, f, g
		}
		h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7] = h[0]+a, h[1]+b, h[2]+c, h[3]+d, h[4]+e, h[5]+f, h[6]+g, h[7]+hh
	}
	var out [32]byte
	for i, v := range h {
		out[4*i], out[4*i+1], out[4*i+2], out[4*i+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	}
	return out
}

func sum512(msg []byte) [64]byte {
	h := [8]uint64{0x6a09e667f3bcc908, 0xbb67ae8584caa73b, 0x3c6ef372fe94f82b, 0xa54ff53a5f1d36f1,
		0x510e527fade682d1, 0x9b05688c2b3e6c1f, 0x1f83d9abfb41bd6b, 0x5be0cd19137e2179}
	for _, blk := range pad(msg, 128, 16) {
		var w [80]uint64
		for i := 0; i < 16; i++ {
			w[i] = be64(blk[8*i:])
		}
		for i := 16; i < 80; i++ {
			s0 := bits.RotateLeft64(w[i-15], -1) ^ bits.RotateLeft64(w[i-15], -8) ^ w[i-15]>>7
			s1 := bits.RotateLeft64(w[i-2], -19) ^ bits.RotateLeft64(w[i-2], -61) ^ w[i-2]>>6
			w[i] = w[i-16] + s0 + w[i-7] + s1
		}
		a, b, c, d, e, f, g, hh := h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]
		for i := 0; i < 80; i++ {
			t1 := hh + (bits.RotateLeft64(e, -14) ^ bits.RotateLeft64(e, -18) ^ bits.RotateLeft64(e, -41)) + (e&f ^ ^e&g) + k512[i] + w[i]
			t2 := (bits.RotateLeft64(a, -28) ^ bits.RotateLeft64(a, -34) ^ bits.RotateLeft64(a, -39)) + (a&b ^ a&c ^ b&c)
			a, b, c, d, e, f, g, hh = t1+t2, a, b, c, d+t1, e, f, g
		}
		h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7] = h[0]+a, h[1]+b, h[2]+c, h[3]+d, h[4]+e, h[5]+f, h[6]+g, h[7]+hh
	}
	var out [64]byte
	for i, v := range h {
		for j := 0; j < 8; j++ {
			out[8*i+j] = byte(v >> (56 - 8*j))
		}
	}
	return out
}

// pad returns msg padded as SHA-2 pads it, in blocks of size bytes, the
// message's length in bits taking lenSize bytes, big-endian.
func pad(msg []byte, size, lenSize int) [][]byte {
	n := len(msg) + 1 + lenSize
	n += (size - n%size) % size
	b := make([]byte, n)
	copy(b, msg)
	b[len(msg)] = 0x80
	bitLen := uint64(len(msg)) * 8
	for i := 0; i < 8; i++ {
		b[n-1-i] = byte(bitLen >> (8 * i))
	}
	blocks := make([][]byte, 0, n/size)
	for i := 0; i < n; i += size {
		blocks = append(blocks, b[i:i+size])
	}
	return blocks
}

func be64(b []byte) uint64 {
	return uint64(b[0])<<56 | uint64(b[1])<<48 | uint64(b[2])<<40 | uint64(b[3])<<32 |
		uint64(b[4])<<24 | uint64(b[5])<<16 | uint64(b[6])<<8 | uint64(b[7])
}
