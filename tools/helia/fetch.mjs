// Fetches one ipfs:// or ipns:// URL with Helia's verified-fetch, using a
// svcreg node as both delegated router and trustless gateway, and writes
// the verified bytes to stdout. Exit 1: the fetch failed; 2: a non-2xx
// answer. Usage: node fetch.mjs NODE_URL TARGET [TIMEOUT_MS]
//
// Node 20 lacks Promise.withResolvers (Node 22), which it-queue calls: a
// shim is defined before the library is imported.
if (!Promise.withResolvers) {
  Promise.withResolvers = function () {
    let resolve, reject
    const promise = new Promise((res, rej) => { resolve = res; reject = rej })
    return { promise, resolve, reject }
  }
}
const { createVerifiedFetch } = await import('@helia/verified-fetch')
const [node, target, timeoutMs] = process.argv.slice(2)
const vf = await createVerifiedFetch({ gateways: [node], routers: [node], allowLocal: true, allowInsecure: true })
let code = 0
try {
  const res = await vf(target, { signal: AbortSignal.timeout(Number(timeoutMs || 30000)) })
  if (!res.ok) {
    console.error(`verified-fetch: ${res.status} ${res.statusText}`)
    code = 2
  } else {
    process.stdout.write(Buffer.from(await res.arrayBuffer()))
  }
} catch (e) {
  console.error(`verified-fetch: ${e.name}: ${e.message}`)
  code = 1
}
await vf.stop()
process.exit(code)
