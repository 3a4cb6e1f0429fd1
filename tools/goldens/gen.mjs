#!/usr/bin/env node
// gen.mjs makes the golden fixtures of svcreg's manifest format with an
// encoder that shares no code with svcreg: the JavaScript @ipld/dag-cbor
// codec, at the exact version pinned in package.json.
//
// Regenerate with:
//
//   cd tools/goldens && npm install && node gen.mjs
//
// and check that the committed fixtures are up to date with:
//
//   cd tools/goldens && npm install && node gen.mjs --check
//
// For every hand-written fixture description
// manifest/testdata/golden/<case>.dag-json (DAG-JSON: links are
// {"/": "<cid>"}) it writes, next to it:
//
//   <case>.dagcbor  the block, encoded by @ipld/dag-cbor (canonical DAG-CBOR:
//                   length-first map key order, smallest integer forms)
//   <case>.cid      its CIDv1 (dag-cbor, sha2-256) in base32, newline-terminated
//
// The Go tests in package manifest decode these bytes, compare them with
// values written out by hand in Go, and check that svcreg's encoder gives
// the same bytes and CIDs. Nothing here may depend on svcreg's Go code.

import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'

const here = path.dirname(fileURLToPath(import.meta.url))
const dir = path.join(here, '..', '..', 'manifest', 'testdata', 'golden')
const check = process.argv.includes('--check')

const cases = fs.readdirSync(dir).filter((f) => f.endsWith('.dag-json')).sort()
if (cases.length === 0) {
  console.error(`no .dag-json fixtures in ${dir}`)
  process.exit(1)
}

let stale = 0
for (const file of cases) {
  const name = file.slice(0, -'.dag-json'.length)
  const value = dagJson.decode(fs.readFileSync(path.join(dir, file)))
  const bytes = dagCbor.encode(value)
  // The encoding must survive a round trip through the same codec; this
  // catches fixture values dag-cbor cannot hold exactly (say, floats).
  if (!equalBytes(dagCbor.encode(dagCbor.decode(bytes)), bytes)) {
    throw new Error(`${file}: dag-cbor round trip changed the bytes`)
  }
  const cid = CID.createV1(dagCbor.code, await sha256.digest(bytes))
  const outputs = [
    [`${name}.dagcbor`, bytes],
    [`${name}.cid`, new TextEncoder().encode(cid.toString() + '\n')]
  ]
  for (const [out, data] of outputs) {
    const p = path.join(dir, out)
    if (check) {
      if (!fs.existsSync(p) || !equalBytes(fs.readFileSync(p), data)) {
        console.error(`stale: ${out}`)
        stale++
      }
    } else {
      fs.writeFileSync(p, data)
    }
  }
  console.log(`${cid} ${name} (${bytes.length} bytes)`)
}
if (stale > 0) {
  console.error(`${stale} fixture file(s) out of date; run: cd tools/goldens && node gen.mjs`)
  process.exit(1)
}

function equalBytes (a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
