#!/usr/bin/env node
// gen.js writes manifest/testdata/semver/cases.json: the answers the real
// node-semver (the exact version pinned in package.json) gives for the
// versions and ranges listed below. The Go tests in package manifest load that
// file and check svcreg's own SemVer code against every answer.
//
// Regenerate with:
//
//   cd tools/semvercases && npm install && node gen.js
//
// Nothing here may depend on svcreg's Go code: expected values come only from
// node-semver and from the SemVer 2.0.0 regular expression on semver.org.
'use strict'

const fs = require('fs')
const path = require('path')
const semver = require('semver')

const OUT = path.join(__dirname, '..', '..', 'manifest', 'testdata', 'semver', 'cases.json')

// The regular expression recommended by https://semver.org (SemVer 2.0.0,
// "Is there a suggested regular expression (RegEx) to check a SemVer string?").
const SEMVER_ORG = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/

// Strings checked for strict SemVer 2.0.0 parsing.
const versionInputs = [
  // Valid, from semver.org and its regex test suite.
  '0.0.4', '1.2.3', '10.20.30', '1.1.2-prerelease+meta', '1.1.2+meta',
  '1.1.2+meta-valid', '1.0.0-alpha', '1.0.0-beta', '1.0.0-alpha.beta',
  '1.0.0-alpha.beta.1', '1.0.0-alpha.1', '1.0.0-alpha0.valid',
  '1.0.0-alpha.0valid', '1.0.0-alpha-a.b-c-somethinglong+build.1-aef.1-its-okay',
  '1.0.0-rc.1+build.1', '2.0.0-rc.1+build.123', '1.2.3-beta', '10.2.3-DEV-SNAPSHOT',
  '1.2.3-SNAPSHOT-123', '1.0.0', '2.0.0', '1.1.7', '2.0.0+build.1848',
  '2.0.1-alpha.1227', '1.0.0-alpha+beta', '1.2.3----RC-SNAPSHOT.12.9.1--.12+788',
  '1.2.3----R-S.12.9.1--.12+meta', '1.2.3----RC-SNAPSHOT.12.9.1--.12',
  '1.0.0+0.build.1-rc.10000aaa-kk-0.1', '1.0.0-0A.is.legal',
  '1.0.0-x.7.z.92', '1.0.0-x-y-z.--', '1.0.0+20130313144700',
  '1.0.0-beta+exp.sha.5114f85', '1.0.0+21AF26D3----117B344092BD',
  '0.0.0', '0.0.0-0', '1.2.3-0', '1.2.3-00a', '1.2.3-0-0', '1.2.3+00',
  '1.2.3+0.0', '1.2.3--', '1.2.3-a.-', '9007199254740991.0.0',
  '0.9007199254740991.0', '1.2.3-9007199254740991', '1.2.3-99999999999999999999',
  // Invalid.
  '', ' ', '1', '1.2', '1.2.3.4', '1.2.3-0123', '1.2.3-0123.0123',
  '1.1.2+.123', '+invalid', '-invalid', '-invalid+invalid', '-invalid.01',
  'alpha', 'alpha.beta', 'alpha.beta.1', 'alpha.1', 'alpha+beta', 'alpha_beta',
  'alpha.', 'alpha..', 'beta', '1.0.0-alpha_beta', '-alpha.', '1.0.0-alpha..',
  '1.0.0-alpha..1', '1.0.0-alpha...1', '1.0.0-alpha....1', '1.0.0-alpha.....1',
  '1.0.0-alpha......1', '1.0.0-alpha.......1', '01.1.1', '1.01.1', '1.1.01',
  '1.2', '1.2.3.DEV', '1.2-SNAPSHOT', '1.2.31.2.3----RC-SNAPSHOT.12.09.1--..12+788',
  '1.2-RC-SNAPSHOT', '-1.0.3-gamma+b7718', '+justmeta', '9.8.7+meta+meta',
  '9.8.7-whatever+meta+meta', 'v1.2.3', 'V1.2.3', '=1.2.3', ' 1.2.3', '1.2.3 ',
  '1.2.3\n', '\t1.2.3', '1.2.3-', '1.2.3+', '1.2.3-+b', '1.2.3-a+', '1.2.3-a.',
  '1.2.3-.a', '1.2.3+a..b', '1.2.3-é', '1.2.3+ß', '1.2.3-a b', '1.2.3-a$',
  '1..3', '.1.2.3', '1.2.3.', 'x.2.3', '1.x.3', '1.2.x', '1.2.*', '*', '^1.2.3',
  '~1.2.3', '>=1.2.3', '1.2.3 - 2.3.4', '1.2.3||1.2.4', '1.-2.3', '1.+2.3',
  '0x1.2.3', '1e3.2.3', '1.2.3-01', '1.2.3-a.01', '00.0.0',
  // Integer limits: node-semver stops at 2^53-1, svcreg at 2^64-1, semver.org's
  // regex at nothing.
  '9007199254740992.0.0', '18446744073709551615.0.0', '18446744073709551616.0.0',
  '0.0.18446744073709551615', '99999999999999999999999999.0.0',
  // Length: node-semver refuses more than 256 characters.
  '1.2.3-' + 'a'.repeat(250), '1.2.3-' + 'a'.repeat(251),
  '1.2.3+' + 'b'.repeat(250), '1.2.3+' + 'b'.repeat(251),
]

// Valid versions whose pairwise precedence is compared.
const compareInputs = [
  '0.0.0-0', '0.0.0', '0.0.1', '0.1.0', '1.0.0-0', '1.0.0-1', '1.0.0-2', '1.0.0-10',
  '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-alpha.beta', '1.0.0-beta',
  '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '1.0.0+build',
  '1.0.0+other', '1.0.0-rc.1+build.1', '1.0.0-A', '1.0.0-a', '1.0.0-Z',
  '1.0.0--', '1.0.0-0a', '1.0.0-1a', '1.0.0-a.b.c', '1.0.0-a.b', '1.0.0-a.1.b',
  '1.0.0-a.2', '1.0.0-a.10', '1.0.1', '1.1.0', '1.10.0', '1.9.0', '2.0.0',
  '10.0.0', '9.99.999', '1.0.0-99', '1.0.0-100',
]

// Versions every range is tested against.
const pool = [
  '0.0.0-0', '0.0.0', '0.0.1', '0.0.2', '0.0.3-beta', '0.0.3', '0.0.4',
  '0.1.0', '0.1.1', '0.1.9', '0.2.0-rc.1', '0.2.0', '0.2.3-beta', '0.2.3',
  '0.2.4', '0.2.9', '0.3.0', '0.9.9', '1.0.0-0', '1.0.0-alpha', '1.0.0-alpha.1',
  '1.0.0-beta', '1.0.0-rc.1', '1.0.0', '1.0.1', '1.0.2', '1.1.0', '1.1.1',
  '1.2.0-pre', '1.2.0', '1.2.2', '1.2.3-0', '1.2.3-alpha', '1.2.3-beta.2',
  '1.2.3-pr.1', '1.2.3', '1.2.3+build.5', '1.2.4-pre', '1.2.4', '1.2.9',
  '1.3.0-0', '1.3.0-rc.1', '1.3.0', '1.4.7', '1.9.9', '2.0.0-0', '2.0.0-alpha',
  '2.0.0-rc.1', '2.0.0', '2.0.1', '2.1.0', '2.3.3', '2.3.4-beta', '2.3.4',
  '2.3.5', '2.4.0-rc.2', '2.4.0', '2.9.9', '3.0.0-alpha', '3.0.0', '3.4.5',
  '3.4.6', '3.5.0', '4.0.0', '10.0.0', '10.2.3-dev', '10.2.3',
]

// Hand-written ranges: the README's examples and the corners around them.
const handRanges = [
  // Any.
  '', ' ', '*', 'x', 'X', 'x.x', 'x.x.x', '*.*.*', '>=0.0.0', '>=0.0.0-0',
  '>=*', '<=*', '=*', '>*', '<*', '* || 1.2.3', '||', '1.2.3 ||', '|| 1.2.3',
  // Primitives.
  '1.2.3', '=1.2.3', 'v1.2.3', '=v1.2.3', 'v=1.2.3', '==1.2.3', '= 1.2.3',
  '>1.2.3', '>=1.2.3', '<1.2.3', '<=1.2.3', '> 1.2.3', '>= 1.2.3', '<  1.2.3',
  '>=\t1.2.3', '>= v1.2.3', '>=v1.2.3', '>v 1.2.3', '=>1.2.3', '=<1.2.3',
  '>>1.2.3', '<>1.2.3', '!1.2.3', '!=1.2.3', '>=1.2.3 <2.0.0', '>1.2.3 <=2.3.4',
  '>=1.2.3  <2.0.0', '>=1.2.3<2.0.0', '>=1.2.3,<2.0.0', '<1.0.0 >2.0.0',
  '1.2.3 1.2.3', '1.2.3 1.2.4', '>=1.2.3 >=1.2.3', '<0.0.0-0', '<0.0.0',
  '>=1.2.3-alpha', '>1.2.3-alpha', '<1.2.3-alpha', '=1.2.3-beta.2',
  '1.2.3-alpha', '1.2.3-pr.1', '>=1.2.3-0 <1.2.4', '>=1.2.3-beta <1.3.0-rc.1',
  '>=2.0.0-0', '<2.0.0-0', '>1.2.3-0', '1.2.3+build.5', '1.2.3+other',
  '>=1.2.3+b <2+c', '1.2+b', '1+b.c', '^1.2.3+b', '~1.2+b', '1.2.3+b+c',
  '1.2.3+', '+b', '>=1.2.3 +b', '1.2.3-pre+b.1', '1.2.3-', '1.2.3-01',
  '1.2.3-a..b', '01.2.3', '1.02.3', '1.2.03', '>=01.2.3', '1.2.3.4',
  '1.2.3-alpha.01', '1.2.3-0a', '1.2.3-alpha_beta', '-1.2.3',
  // X-ranges and partials.
  '1', '1.x', '1.X', '1.*', '1.x.x', '1.*.*', '1.2', '1.2.x', '1.2.*', '1.2.X',
  '0', '0.x', '0.0', '0.0.x', '0.2', '10', '1.x.3', 'x.2', '*.2.3', '1.2.x-pre',
  '1.x.x-pre', 'x.x.x-pre', '1.2.3-x', '>1', '>1.2', '>1.x', '>1.2.x', '>=1',
  '>=1.2', '>=1.x', '<1', '<1.2', '<1.x', '<=1', '<=1.2', '<=1.x', '<=1.2.x',
  '<=0.7.x', '>0.x', '=1', '=1.2', '=1.x', 'v1', 'v1.2', 'v1.x', '>=v1.2',
  '>x', '<x', '>=x', '<=x', '1.2.3.x', '1.2.x.x', '1.x.2.x', '1.2.3x',
  '*1.2.3', '1.2.3*', '>=*1.2.3', '1.*2', '**', 'xx', '1.xx', '1.2.',
  '0.0.0+*0', '1.2.3+*b 1.2.3', '1.2.3-*a', '1.2.3+*',
  '1.', '.1', '1..2', '1.2.3.', 'x.1', '1.x.1', 'x.x.1',
  // Tilde.
  '~1.2.3', '~1.2', '~1', '~1.x', '~1.2.x', '~0.2.3', '~0.2', '~0', '~0.0.1',
  '~1.2.3-beta.2', '~1.2.3-alpha', '~>1.2.3', '~>1.2', '~> 1.2', '~ 1.2.3',
  '~  1.2.3', '~', '~*', '~x', '~x.x', '~>*', '~v1.2.3', '~=1.2.3',
  '~>=1.2.3', '~^1.2.3', '~~1.2.3', '~1.2.3 ~2.3.4', '~1.2.3 || ~2.3.4',
  '~0.0.3-beta', '~2.3.4-beta', '~1.3.0-0', '~ 1', '~>', '~> ',
  // Caret.
  '^1.2.3', '^0.2.3', '^0.0.3', '^1.2.x', '^0.0.x', '^0.0', '^1.x', '^0.x',
  '^0', '^1', '^1.2', '^0.2', '^0.0.1', '^0.0.0', '^0.1.0', '^0.0.3-beta',
  '^0.2.3-beta', '^1.2.3-beta.2', '^1.2.4-pre', '^2.0.0-0', '^2.0.0-rc.1',
  '^10.2.3-dev', '^ 1.2.3', '^  0.2', '^', '^*', '^x', '^x.x', '^v1.2.3',
  '^=1.2.3', '^>1.2.3', '^^1.2.3', '^1.2.3 ^2', '^1.2.3 || ^2.3.4', '^1 || ^3',
  '^0.0.x || ^0.1.x', '^1.x.3', '^0.0.3 <0.0.3', '^0.1.0 >=0.1.1',
  // Hyphen ranges.
  '1.2.3 - 2.3.4', '1.2 - 2.3.4', '1.2.3 - 2.3', '1.2.3 - 2', '1 - 2',
  '1.x - 2.x', '* - 2', '1.2.3 - *', 'x - x', '0 - 0', '1.2.3-beta - 2.3.4',
  '1.2.3 - 2.3.4-beta', '1.2.3-alpha - 2.3.4-beta', '1.0.0 - 1.0.0',
  '1.2.3 -2.3.4', '1.2.3- 2.3.4', '1.2.3-2.3.4', '1.2.3  -  2.3.4',
  '1.2.3 - 2.3.4 - 3', '>=1.2.3 - 2.3.4', '1.2.3 - <2.3.4', '1.2.3 - ^2',
  '~1.2.3 - 2', 'v1.2.3 - v2.3.4', '=1.2.3 - 2.3.4', '1.2.3 - =2.3.4',
  '=1.2 - =2.3', 'v1.2 - v2', '1.2.3+b - 2.3.4+c', '1.2.3 - 2.3.4 || 3',
  '1 - 2 || 3 - 4', '1.2.3 - 2.3.4 3.0.0', 'x.1 - 2', '1.x.3 - 2',
  '1.2.3 - 2.x.4', '1.2.3-pr.1 - 1.2.3', '0.0.1 - 0.0.2', '1.2.3 -  2.3.4',
  '\t1.2.3\t-\t2.3.4\t', '1.2.3 - 2.3.4-', '1.2.x-pre - 2',
  // Unions.
  '1.2.3 || 2.3.4', '1.2.3||2.3.4', '<1.0.0 || >=2.3.4', '1.x || >=2.5.0 || 5.0.0 - 7.2.3',
  '1.2.3 ||| 2.3.4', '1.2.3 | 2.3.4', '1.2.3 || || 2.3.4', '<0.0.0-0 || 1.2.3',
  '<0.0.0-0 || <0.0.0-0', '>* || <*', '1.2.3 || *', '>=1.2.3-alpha || >=2.0.0-0',
  '1.2.3-alpha || 1.2.3-beta.2', '^0.2.3 || ^1.2.3-pr.1', '~1.2.3-alpha || 1.3.0-rc.1',
  // Prerelease admission in the same comparator set only.
  '>=1.2.3-0 <1.2.4', '>=1.2.3-0 || <1.2.4', '>1.2.3-alpha <1.2.4-pre',
  '>=1.0.0-alpha <2.0.0', '<2.0.0-rc.1', '<=2.0.0-rc.1', '>=0.0.0-0 <0.0.1',
  '>=1.2.4-pre <1.2.4', '1.2.x >=1.2.3-alpha', '>=1.2.3-alpha 1.2.x',
  // Whitespace oddities.
  '  ^1.2.3  ', '>= 1.2.3 <  2', '\n>=1.2.3\n', '1.2.3\u00a0||\u00a02.3.4',
  '\u3000^1.2.3', '>=\u00a01.2.3', '1.2.3\u2028', '\ufeff1.2.3', '\u00851.2.3',
  '1.2.3\u0085',
  // Not ranges.
  'latest', 'next', 'beta', 'x.y.z', 'a.b.c', '1.2.3a', 'v', '=', '>', '<',
  '>=', '<=', '~>1', '1.2.3 latest', 'latest || 1.2.3', '1.2.3 && 2.3.4',
  '(1.2.3)', '[1.2.3, 2.0.0)', '1.2.3,2.3.4', 'V1.2.3', 'vv1.2.3', '1_2_3',
  '1.2.3-alpha beta', '>=1.2.3 <', '- 1.2.3', '1.2.3 -', '-', '1 - ', ' - 1',
  // Large numbers (node-semver stops at 2^53-1).
  '9007199254740991', '^9007199254740991.0.0', '>9007199254740991.x',
  '9007199254740992.0.0', '~1.9007199254740991', '18446744073709551615.0.0',
  '^18446744073709551615.0.0', '18446744073709551616.0.0',
  // node-semver bounds identifiers (250 characters after the first) and
  // numbers (257 digits) in its range regexps.
  '1.2.x-' + 'a'.repeat(251), '1.2.x-' + 'a'.repeat(252),
  '1.2.x-' + '1'.repeat(257), '1.2.x-' + '1'.repeat(258),
  '^1.2.x+' + 'b'.repeat(300), '1.2.3 - 2.x.x-' + 'a'.repeat(252),
]

// mulberry32: a tiny deterministic PRNG so the generated ranges are the same
// on every run.
function rng (seed) {
  return function () {
    seed |= 0
    seed = seed + 0x6D2B79F5 | 0
    let t = Math.imul(seed ^ seed >>> 15, 1 | seed)
    t = t + Math.imul(t ^ t >>> 7, 61 | t) ^ t
    return ((t ^ t >>> 14) >>> 0) / 4294967296
  }
}

// randomRanges builds ranges from the grammar's parts with a little noise, so
// the table also covers combinations nobody thought to write by hand.
function randomRanges (n) {
  const rand = rng(0x5eed)
  const pick = (xs) => xs[Math.floor(rand() * xs.length)]
  const parts = ['0', '1', '2', '3', '10', 'x', 'X', '*', '0', '1', '2']
  const pres = ['', '', '', '', '-0', '-alpha', '-beta.2', '-rc.1', '-pr.1', '-pre']
  const builds = ['', '', '', '', '', '+b', '+build.5']
  const ops = ['', '', '', '=', '<', '<=', '>', '>=', '~', '~>', '^', 'v',
    '>= ', '< ', '~ ', '^ ', '=v', '>=v']
  const noise = ['-', '||', '|', '*', 'v', '=', '~', '^', '.', '01', 'a', '1.2.3.4', '+', '']
  const partial = () => {
    const k = 1 + Math.floor(rand() * 3)
    const ps = []
    for (let i = 0; i < k; i++) {
      ps.push(pick(parts))
    }
    let s = ps.join('.')
    if (k === 3) {
      s += pick(pres)
    }
    return s + pick(builds)
  }
  const simple = () => rand() < 0.04 ? pick(noise) : pick(ops) + partial()
  const set = () => {
    if (rand() < 0.15) {
      return partial() + ' - ' + partial()
    }
    const k = 1 + Math.floor(rand() * 3)
    const ss = []
    for (let i = 0; i < k; i++) {
      ss.push(simple())
    }
    return ss.join(' ')
  }
  const seen = new Set()
  const out = []
  while (out.length < n) {
    const k = rand() < 0.75 ? 1 : 2
    const sets = []
    for (let i = 0; i < k; i++) {
      sets.push(set())
    }
    const r = sets.join(rand() < 0.8 ? ' || ' : '||')
    if (!seen.has(r)) {
      seen.add(r)
      out.push(r)
    }
  }
  return out
}

// mutatedRanges inserts, deletes or swaps single characters in the
// hand-written ranges, to reach node-semver's quirks (stray stars, doubled
// operators, build metadata in odd places) that no grammar would produce.
function mutatedRanges (n) {
  const rand = rng(0xc0ffee)
  const alphabet = '*+-v=. x|^~<>01a'
  // Leave out the huge-number and long-identifier cases, whose mutants would
  // only repeat the divergences listed in the Go test.
  const bases = handRanges.filter((r) => r.length < 64 && !/\d{16}/.test(r))
  const out = []
  while (out.length < n) {
    let s = bases[Math.floor(rand() * bases.length)]
    const edits = 1 + Math.floor(rand() * 2)
    for (let i = 0; i < edits; i++) {
      const at = Math.floor(rand() * (s.length + 1))
      const ch = alphabet[Math.floor(rand() * alphabet.length)]
      const kind = Math.floor(rand() * 3)
      s = kind === 0 ? s.slice(0, at) + ch + s.slice(at)
        : kind === 1 ? s.slice(0, at) + s.slice(at + 1)
          : s.slice(0, at) + ch + s.slice(at + 1)
    }
    out.push(s)
  }
  return out
}

function versionCase (input) {
  return {
    input,
    semverOrg: SEMVER_ORG.test(input),
    nodeValid: semver.valid(input),
  }
}

function rangeCase (range) {
  const valid = semver.validRange(range)
  return {
    range,
    valid,
    matches: valid === null ? [] : pool.filter((v) => semver.satisfies(v, range)),
    best: semver.maxSatisfying(pool, range),
  }
}

function compareMatrix () {
  return compareInputs.map((a) => compareInputs.map((b) => {
    const c = semver.compare(a, b)
    return c < 0 ? '<' : c > 0 ? '>' : '='
  }).join(''))
}

// lines writes an array with one element per line, to keep diffs readable.
function lines (xs) {
  return '[\n' + xs.map((x) => '    ' + JSON.stringify(x)).join(',\n') + '\n  ]'
}

function main () {
  for (const v of pool.concat(compareInputs)) {
    if (!SEMVER_ORG.test(v) || semver.valid(v) === null) {
      throw new Error(`pool version ${v} is not valid`)
    }
  }
  const ranges = [...new Set(handRanges.concat(randomRanges(600), mutatedRanges(600)))]
  const doc = [
    '{',
    '  "comment": ' + JSON.stringify('Generated by tools/semvercases/gen.js from node-semver; do not edit. ' +
      'Regenerate with: cd tools/semvercases && npm install && node gen.js') + ',',
    '  "semver": ' + JSON.stringify(require('semver/package.json').version) + ',',
    '  "versions": ' + lines(versionInputs.map(versionCase)) + ',',
    '  "compareVersions": ' + JSON.stringify(compareInputs) + ',',
    '  "compare": ' + lines(compareMatrix()) + ',',
    '  "pool": ' + JSON.stringify(pool) + ',',
    '  "ranges": ' + lines(ranges.map(rangeCase)),
    '}',
  ].join('\n')
  JSON.parse(doc) // refuse to write something the Go side cannot read
  fs.mkdirSync(path.dirname(OUT), { recursive: true })
  fs.writeFileSync(OUT, doc + '\n')
  console.log(`wrote ${path.relative(process.cwd(), OUT)}: ${versionInputs.length} versions, ` +
    `${compareInputs.length ** 2} comparisons, ${ranges.length} ranges x ${pool.length} versions`)
}

main()
