//go:build linux && (amd64 || arm64)

package warm

import "math/bits"

// The public half of an Ed25519 key from its seed (RFC 8032, 5.1.5), so
// that the warm path refuses a key file whose halves disagree, as the full
// path does, without crypto/ed25519 or filippo.io/edwards25519, which Go
// initialises late (see the package comment). The arithmetic follows
// filippo.io/edwards25519's generic code: field elements mod 2^255-19 in
// five 51-bit limbs, points in extended coordinates with one complete
// addition formula, and a scalar multiplication whose steps do not depend
// on the scalar's bits. The tests check it against crypto/ed25519.
//
// The operations take pointers and keep their temporaries in one
// package-level workspace, so that no stack frame is large: Go starts
// the goroutine that runs init on a 2 KiB stack, and growing it copies
// the stack and touches fresh pages (a dozen page faults). The warm
// path runs on that one goroutine; nothing here is safe for concurrent
// use.

type fe [5]uint64

const maskLow51 = 1<<51 - 1

// carry reduces v's limbs to 51 bits (plus a small carry into the first).
func (v *fe) carry() {
	c0, c1, c2, c3, c4 := v[0]>>51, v[1]>>51, v[2]>>51, v[3]>>51, v[4]>>51
	v[0] = v[0]&maskLow51 + c4*19
	v[1] = v[1]&maskLow51 + c0
	v[2] = v[2]&maskLow51 + c1
	v[3] = v[3]&maskLow51 + c2
	v[4] = v[4]&maskLow51 + c3
}

// feAdd sets v = a + b.
func feAdd(v, a, b *fe) {
	v[0], v[1], v[2], v[3], v[4] = a[0]+b[0], a[1]+b[1], a[2]+b[2], a[3]+b[3], a[4]+b[4]
	v.carry()
}

// feSub sets v = a - b, computed as a + 2p - b so that no limb goes
// below zero.
func feSub(v, a, b *fe) {
	v[0], v[1], v[2], v[3], v[4] = a[0]+0xFFFFFFFFFFFDA-b[0], a[1]+0xFFFFFFFFFFFFE-b[1], a[2]+0xFFFFFFFFFFFFE-b[2],
		a[3]+0xFFFFFFFFFFFFE-b[3], a[4]+0xFFFFFFFFFFFFE-b[4]
	v.carry()
}

// mac returns hi:lo + x·y (128 bits).
func mac(hi, lo, x, y uint64) (uint64, uint64) {
	h, l := bits.Mul64(x, y)
	l, c := bits.Add64(l, lo, 0)
	return hi + h + c, l
}

// wide holds the five 128-bit limbs of a product, hi and lo, for reduce:
// kept here rather than in locals, so that feMul's frame stays small.
var wide [10]uint64

// reduce sets v from wide, each limb reduced to 51 bits and its carry
// added to the next (times 19 from the last to the first).
func (v *fe) reduce() {
	w := &wide
	c0, c1, c2, c3, c4 := w[0]<<13|w[1]>>51, w[2]<<13|w[3]>>51, w[4]<<13|w[5]>>51, w[6]<<13|w[7]>>51, w[8]<<13|w[9]>>51
	v[0] = w[1]&maskLow51 + c4*19
	v[1] = w[3]&maskLow51 + c0
	v[2] = w[5]&maskLow51 + c1
	v[3] = w[7]&maskLow51 + c2
	v[4] = w[9]&maskLow51 + c3
	v.carry()
}

// feMul sets v = a·b; v may be a or b.
func feMul(v, a, b *fe) {
	a1x19, a2x19, a3x19, a4x19 := a[1]*19, a[2]*19, a[3]*19, a[4]*19
	w := &wide
	w[0], w[1] = bits.Mul64(a[0], b[0])
	w[0], w[1] = mac(w[0], w[1], a1x19, b[4])
	w[0], w[1] = mac(w[0], w[1], a2x19, b[3])
	w[0], w[1] = mac(w[0], w[1], a3x19, b[2])
	w[0], w[1] = mac(w[0], w[1], a4x19, b[1])
	w[2], w[3] = bits.Mul64(a[0], b[1])
	w[2], w[3] = mac(w[2], w[3], a[1], b[0])
	w[2], w[3] = mac(w[2], w[3], a2x19, b[4])
	w[2], w[3] = mac(w[2], w[3], a3x19, b[3])
	w[2], w[3] = mac(w[2], w[3], a4x19, b[2])
	w[4], w[5] = bits.Mul64(a[0], b[2])
	w[4], w[5] = mac(w[4], w[5], a[1], b[1])
	w[4], w[5] = mac(w[4], w[5], a[2], b[0])
	w[4], w[5] = mac(w[4], w[5], a3x19, b[4])
	w[4], w[5] = mac(w[4], w[5], a4x19, b[3])
	w[6], w[7] = bits.Mul64(a[0], b[3])
	w[6], w[7] = mac(w[6], w[7], a[1], b[2])
	w[6], w[7] = mac(w[6], w[7], a[2], b[1])
	w[6], w[7] = mac(w[6], w[7], a[3], b[0])
	w[6], w[7] = mac(w[6], w[7], a4x19, b[4])
	w[8], w[9] = bits.Mul64(a[0], b[4])
	w[8], w[9] = mac(w[8], w[9], a[1], b[3])
	w[8], w[9] = mac(w[8], w[9], a[2], b[2])
	w[8], w[9] = mac(w[8], w[9], a[3], b[1])
	w[8], w[9] = mac(w[8], w[9], a[4], b[0])
	v.reduce()
}

// feSquare sets v = a², with the cross products doubled once instead of
// computed twice (15 multiplications instead of 25); v may be a.
func feSquare(v, a *fe) {
	l0x2, l1x2 := a[0]*2, a[1]*2
	w := &wide
	w[0], w[1] = bits.Mul64(a[0], a[0])
	w[0], w[1] = mac(w[0], w[1], a[1]*38, a[4])
	w[0], w[1] = mac(w[0], w[1], a[2]*38, a[3])
	w[2], w[3] = bits.Mul64(l0x2, a[1])
	w[2], w[3] = mac(w[2], w[3], a[2]*38, a[4])
	w[2], w[3] = mac(w[2], w[3], a[3]*19, a[3])
	w[4], w[5] = bits.Mul64(l0x2, a[2])
	w[4], w[5] = mac(w[4], w[5], a[1], a[1])
	w[4], w[5] = mac(w[4], w[5], a[3]*38, a[4])
	w[6], w[7] = bits.Mul64(l0x2, a[3])
	w[6], w[7] = mac(w[6], w[7], l1x2, a[2])
	w[6], w[7] = mac(w[6], w[7], a[4]*19, a[4])
	w[8], w[9] = bits.Mul64(l0x2, a[4])
	w[8], w[9] = mac(w[8], w[9], l1x2, a[3])
	w[8], w[9] = mac(w[8], w[9], a[2], a[2])
	v.reduce()
}

// feSquareN sets v = a^(2^n); v may be a.
func feSquareN(v, a *fe, n int) {
	feSquare(v, a)
	for range n - 1 {
		feSquare(v, v)
	}
}

// feInvert sets v = 1/z as z^(p-2) = z^(2^255-21), with the addition
// chain of filippo.io/edwards25519's Element.Invert: 254 squarings and
// 11 multiplications.
func feInvert(v, z *fe) {
	w := &ws
	feSquare(&w.z2, z)           // 2
	feSquareN(&w.t, &w.z2, 2)    // 8
	feMul(&w.z9, &w.t, z)        // 9
	feMul(&w.z11, &w.z9, &w.z2)  // 11
	feSquare(&w.t, &w.z11)       // 22
	feMul(&w.z5, &w.t, &w.z9)    // 2^5 - 1
	feSquareN(&w.t, &w.z5, 5)    //
	feMul(&w.z10, &w.t, &w.z5)   // 2^10 - 1
	feSquareN(&w.t, &w.z10, 10)  //
	feMul(&w.z20, &w.t, &w.z10)  // 2^20 - 1
	feSquareN(&w.t, &w.z20, 20)  //
	feMul(&w.t, &w.t, &w.z20)    // 2^40 - 1
	feSquareN(&w.t, &w.t, 10)    //
	feMul(&w.z50, &w.t, &w.z10)  // 2^50 - 1
	feSquareN(&w.t, &w.z50, 50)  //
	feMul(&w.z100, &w.t, &w.z50) // 2^100 - 1
	feSquareN(&w.t, &w.z100, 100)
	feMul(&w.t, &w.t, &w.z100) // 2^200 - 1
	feSquareN(&w.t, &w.t, 50)
	feMul(&w.t, &w.t, &w.z50) // 2^250 - 1
	feSquareN(&w.t, &w.t, 5)
	feMul(v, &w.t, &w.z11) // 2^255 - 2^5 + 11
}

// bytes writes the canonical little-endian encoding of v to out.
func (v *fe) bytes(out *[32]byte) {
	v.carry()
	c := (v[0] + 19) >> 51
	c = (v[1] + c) >> 51
	c = (v[2] + c) >> 51
	c = (v[3] + c) >> 51
	c = (v[4] + c) >> 51 // 1 if v >= p
	v[0] += 19 * c
	v[1] += v[0] >> 51
	v[0] &= maskLow51
	v[2] += v[1] >> 51
	v[1] &= maskLow51
	v[3] += v[2] >> 51
	v[2] &= maskLow51
	v[4] += v[3] >> 51
	v[3] &= maskLow51
	v[4] &= maskLow51
	*out = [32]byte{}
	for i, l := range v {
		for j := 0; j < 51; j++ {
			bit := 51*i + j
			out[bit/8] |= byte(l>>j&1) << (bit % 8)
		}
	}
}

// feSelect sets v to a if cond is 1 and leaves it if cond is 0, in
// constant time.
func feSelect(v, a *fe, cond uint64) {
	m := -cond
	for i := range v {
		v[i] = a[i]&m | v[i]&^m
	}
}

type point struct{ x, y, z, t fe }

// niels is a point in affine coordinates as (y+x, y-x, 2d·x·y), the form
// baseTable holds.
type niels struct{ yPlusX, yMinusX, t2d fe }

// ws is the workspace of addNiels, feInvert and publicKey.
var ws struct {
	a, b, c, d, e, f, g, h                  fe
	z2, z9, z11, z5, z10, z20, z50, z100, t fe
	r                                       point
	q                                       niels
	zInv, x, y                              fe
	hash                                    [64]byte
	xb, pub                                 [32]byte
}

// addNiels sets p = p + q, with madd-2008-hwcd-3 (Z of q is 1), complete
// on edwards25519.
func addNiels(p *point, q *niels) {
	w := &ws
	feSub(&w.a, &p.y, &p.x)
	feMul(&w.a, &w.a, &q.yMinusX)
	feAdd(&w.b, &p.y, &p.x)
	feMul(&w.b, &w.b, &q.yPlusX)
	feMul(&w.c, &p.t, &q.t2d)
	feAdd(&w.d, &p.z, &p.z)
	feSub(&w.e, &w.b, &w.a)
	feSub(&w.f, &w.d, &w.c)
	feAdd(&w.g, &w.d, &w.c)
	feAdd(&w.h, &w.b, &w.a)
	feMul(&p.x, &w.e, &w.f)
	feMul(&p.y, &w.g, &w.h)
	feMul(&p.z, &w.f, &w.g)
	feMul(&p.t, &w.e, &w.h)
}

// publicKey writes to out the Ed25519 public key of seed (32 bytes): the
// clamped scalar s from SHA-512(seed) times B, as the sum over the 128
// two-bit digits d of s of d·4^w·B, each chosen from baseTable in
// constant time (the identity, (1, 1, 0), for a zero digit).
func publicKey(out *[32]byte, seed []byte) {
	w := &ws
	sum512(&w.hash, seed)
	s := w.hash[:32]
	s[0] &= 248
	s[31] &= 127
	s[31] |= 64
	w.r = point{y: fe{1}, z: fe{1}}
	for i := 0; i < 128; i++ {
		digit := uint64(s[i/4]>>(2*(i%4))) & 3
		w.q = niels{yPlusX: fe{1}, yMinusX: fe{1}}
		for j := uint64(1); j <= 3; j++ {
			eq := ((digit ^ j) - 1) >> 63 // 1 if digit == j
			e := &baseTable[i][j-1]
			feSelect(&w.q.yPlusX, &e.yPlusX, eq)
			feSelect(&w.q.yMinusX, &e.yMinusX, eq)
			feSelect(&w.q.t2d, &e.t2d, eq)
		}
		addNiels(&w.r, &w.q)
	}
	feInvert(&w.zInv, &w.r.z)
	feMul(&w.x, &w.r.x, &w.zInv)
	feMul(&w.y, &w.r.y, &w.zInv)
	w.x.bytes(&w.xb)
	w.y.bytes(out)
	out[31] |= w.xb[0] & 1 << 7
}
