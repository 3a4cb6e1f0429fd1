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

type fe [5]uint64

const maskLow51 = 1<<51 - 1

func (v fe) carry() fe {
	c := [5]uint64{v[0] >> 51, v[1] >> 51, v[2] >> 51, v[3] >> 51, v[4] >> 51}
	return fe{v[0]&maskLow51 + c[4]*19, v[1]&maskLow51 + c[0], v[2]&maskLow51 + c[1], v[3]&maskLow51 + c[2], v[4]&maskLow51 + c[3]}
}

func feAdd(a, b fe) fe {
	return fe{a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3], a[4] + b[4]}.carry()
}

// feSub returns a - b, computed as a + 2p - b so that no limb goes below zero.
func feSub(a, b fe) fe {
	return fe{a[0] + 0xFFFFFFFFFFFDA - b[0], a[1] + 0xFFFFFFFFFFFFE - b[1], a[2] + 0xFFFFFFFFFFFFE - b[2],
		a[3] + 0xFFFFFFFFFFFFE - b[3], a[4] + 0xFFFFFFFFFFFFE - b[4]}.carry()
}

type u128 struct{ hi, lo uint64 }

func mul64(a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	return u128{hi, lo}
}

func addMul64(v u128, a, b uint64) u128 {
	hi, lo := bits.Mul64(a, b)
	lo, c := bits.Add64(lo, v.lo, 0)
	hi, _ = bits.Add64(hi, v.hi, c)
	return u128{hi, lo}
}

func shr51(v u128) uint64 { return v.hi<<(64-51) | v.lo>>51 }

func feMul(a, b fe) fe {
	a1, a2, a3, a4 := a[1]*19, a[2]*19, a[3]*19, a[4]*19
	r0 := addMul64(addMul64(addMul64(addMul64(mul64(a[0], b[0]), a1, b[4]), a2, b[3]), a3, b[2]), a4, b[1])
	r1 := addMul64(addMul64(addMul64(addMul64(mul64(a[0], b[1]), a[1], b[0]), a2, b[4]), a3, b[3]), a4, b[2])
	r2 := addMul64(addMul64(addMul64(addMul64(mul64(a[0], b[2]), a[1], b[1]), a[2], b[0]), a3, b[4]), a4, b[3])
	r3 := addMul64(addMul64(addMul64(addMul64(mul64(a[0], b[3]), a[1], b[2]), a[2], b[1]), a[3], b[0]), a4, b[4])
	r4 := addMul64(addMul64(addMul64(addMul64(mul64(a[0], b[4]), a[1], b[3]), a[2], b[2]), a[3], b[1]), a[4], b[0])
	c0, c1, c2, c3, c4 := shr51(r0), shr51(r1), shr51(r2), shr51(r3), shr51(r4)
	return fe{r0.lo&maskLow51 + c4*19, r1.lo&maskLow51 + c0, r2.lo&maskLow51 + c1, r3.lo&maskLow51 + c2, r4.lo&maskLow51 + c3}.carry()
}

// feSquare returns a², with the cross products doubled once instead of
// computed twice (15 multiplications instead of 25).
func feSquare(a fe) fe {
	l0, l1, l2, l3, l4 := a[0], a[1], a[2], a[3], a[4]
	l0x2, l1x2 := l0*2, l1*2
	l1x38, l2x38, l3x38 := l1*38, l2*38, l3*38
	l3x19, l4x19 := l3*19, l4*19
	r0 := addMul64(addMul64(mul64(l0, l0), l1x38, l4), l2x38, l3)
	r1 := addMul64(addMul64(mul64(l0x2, l1), l2x38, l4), l3x19, l3)
	r2 := addMul64(addMul64(mul64(l0x2, l2), l1, l1), l3x38, l4)
	r3 := addMul64(addMul64(mul64(l0x2, l3), l1x2, l2), l4x19, l4)
	r4 := addMul64(addMul64(mul64(l0x2, l4), l1x2, l3), l2, l2)
	c0, c1, c2, c3, c4 := shr51(r0), shr51(r1), shr51(r2), shr51(r3), shr51(r4)
	return fe{r0.lo&maskLow51 + c4*19, r1.lo&maskLow51 + c0, r2.lo&maskLow51 + c1, r3.lo&maskLow51 + c2, r4.lo&maskLow51 + c3}.carry()
}

// feSquareN returns a^(2^n).
func feSquareN(a fe, n int) fe {
	for range n {
		a = feSquare(a)
	}
	return a
}

// feInvert returns 1/z as z^(p-2) = z^(2^255-21), with the addition
// chain of filippo.io/edwards25519's Element.Invert: 254 squarings and
// 11 multiplications.
func feInvert(z fe) fe {
	z2 := feSquare(z)                  // 2
	z9 := feMul(feSquareN(z2, 2), z)   // 9
	z11 := feMul(z9, z2)               // 11
	z2_5_0 := feMul(feSquare(z11), z9) // 2^5 - 1
	z2_10_0 := feMul(feSquareN(z2_5_0, 5), z2_5_0)
	z2_20_0 := feMul(feSquareN(z2_10_0, 10), z2_10_0)
	z2_40_0 := feMul(feSquareN(z2_20_0, 20), z2_20_0)
	z2_50_0 := feMul(feSquareN(z2_40_0, 10), z2_10_0)
	z2_100_0 := feMul(feSquareN(z2_50_0, 50), z2_50_0)
	z2_200_0 := feMul(feSquareN(z2_100_0, 100), z2_100_0)
	z2_250_0 := feMul(feSquareN(z2_200_0, 50), z2_50_0)
	return feMul(feSquareN(z2_250_0, 5), z11) // 2^255 - 2^5 + 11
}

// bytes returns the canonical little-endian encoding of v.
func (v fe) bytes() [32]byte {
	v = v.carry()
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
	var out [32]byte
	for i, l := range v {
		for j := 0; j < 51; j++ {
			bit := 51*i + j
			out[bit/8] |= byte(l>>j&1) << (bit % 8)
		}
	}
	return out
}

// feSelect returns a if cond is 1 and b if it is 0, in constant time.
func feSelect(a, b fe, cond uint64) fe {
	m := -cond
	var r fe
	for i := range r {
		r[i] = a[i]&m | b[i]&^m
	}
	return r
}

type point struct{ x, y, z, t fe }

// niels is a point in affine coordinates as (y+x, y-x, 2d·x·y), the form
// baseTable holds.
type niels struct{ yPlusX, yMinusX, t2d fe }

// addNiels is madd-2008-hwcd-3 (Z of q is 1), complete on edwards25519.
func addNiels(p point, q niels) point {
	a := feMul(feSub(p.y, p.x), q.yMinusX)
	b := feMul(feAdd(p.y, p.x), q.yPlusX)
	c := feMul(p.t, q.t2d)
	d := feAdd(p.z, p.z)
	e, f, g, h := feSub(b, a), feSub(d, c), feAdd(d, c), feAdd(b, a)
	return point{feMul(e, f), feMul(g, h), feMul(f, g), feMul(e, h)}
}

// publicKey returns the Ed25519 public key of seed (32 bytes): the
// clamped scalar s from SHA-512(seed) times B, as the sum over the 128
// two-bit digits d of s of d·4^w·B, each chosen from baseTable in
// constant time (the identity, (1, 1, 0), for a zero digit).
func publicKey(seed []byte) [32]byte {
	h := sum512(seed)
	s := h[:32]
	s[0] &= 248
	s[31] &= 127
	s[31] |= 64
	r := point{fe{}, fe{1}, fe{1}, fe{}}
	for w := 0; w < 128; w++ {
		digit := uint64(s[w/4]>>(2*(w%4))) & 3
		q := niels{fe{1}, fe{1}, fe{}}
		for i := uint64(1); i <= 3; i++ {
			eq := ((digit ^ i) - 1) >> 63 // 1 if digit == i
			e := &baseTable[w][i-1]
			q = niels{feSelect(e.yPlusX, q.yPlusX, eq), feSelect(e.yMinusX, q.yMinusX, eq), feSelect(e.t2d, q.t2d, eq)}
		}
		r = addNiels(r, q)
	}
	zInv := feInvert(r.z)
	x, y := feMul(r.x, zInv).bytes(), feMul(r.y, zInv).bytes()
	y[31] |= x[0] & 1 << 7
	return y
}
