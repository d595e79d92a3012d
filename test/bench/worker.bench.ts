/**
 * The Workers: their bundles (wrangler's own dry-run builds, gzipped; goal for the lean Worker, the
 * one that starts cold on a vote or a scanned notice: ≤ 210 KiB) and their cold start in Miniflare
 * (workerd): from a new Miniflare to the first answer (GET /health/live, which touches no
 * database), which loads and evaluates the whole bundle and builds the app. Printed beside a bare
 * Hono "hello" Worker started the same way in the same run.
 *
 *   npx tsx test/bench/worker.bench.ts
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { Miniflare } from 'miniflare'

const RUNS = Number(process.env.BENCH_RUNS ?? 5)

function build(entry: string | null, config = 'wrangler.toml') {
  const outdir = mkdtempSync(join(tmpdir(), 'gongyi-bench-worker-'))
  const args = ['wrangler', 'deploy', '--dry-run', '-c', config, '--outdir', outdir]
  if (entry) args.push(entry, '--name', 'hello', '--compatibility-date', '2026-04-01', '--minify')
  execFileSync('npx', args, { stdio: 'pipe', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } })
  const file = readdirSync(outdir).find((f) => f.endsWith('.js'))!
  return { outdir, file, bytes: readFileSync(join(outdir, file)) }
}

async function coldStart(outdir: string, file: string) {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now()
    const mf = new Miniflare({
      modules: true,
      scriptPath: join(outdir, file),
      modulesRoot: outdir,
      compatibilityDate: '2026-04-01',
      compatibilityFlags: ['nodejs_compat'],
      bindings: { APP_ENV: 'test', DATABASE_URL: 'postgres://postgres@127.0.0.1:9/none', JWT_SECRET: 'bench-jwt-secret-0123456789abcdefghij', ID_HASH_SECRET: 'bench-id-secret-0123456789abcdefghijk', SMS_PROVIDER: 'console' },
    })
    const url = await mf.ready
    const res = await fetch(new URL('/health/live', url))
    await res.arrayBuffer()
    times.push(performance.now() - started)
    await mf.dispose()
  }
  times.sort((a, b) => a - b)
  return times[Math.floor(times.length / 2)]!
}

const lean = build(null)
const full = build(null, 'wrangler.full.toml')
const helloDir = mkdtempSync(join(tmpdir(), 'gongyi-hello-'))
writeFileSync(join(helloDir, 'hello.ts'), `import { Hono } from '${process.cwd()}/node_modules/hono/dist/index.js'\nconst app = new Hono()\napp.get('*', (c) => c.text('hello'))\nexport default app\n`)
const hello = build(join(helloDir, 'hello.ts'))
const kib = (n: number) => (n / 1024).toFixed(1)
const gz = (b: Buffer) => gzipSync(b, { level: 9 }).length
const leanGz = gz(lean.bytes)
console.log(`lean Worker (wrangler.toml): ${kib(lean.bytes.length)} KiB, gzip ${kib(leanGz)} KiB (goal ≤ 210 KiB: ${leanGz <= 210 * 1024 ? 'met' : 'NOT met'})`)
console.log(`full Worker (wrangler.full.toml): ${kib(full.bytes.length)} KiB, gzip ${kib(gz(full.bytes))} KiB; hello: gzip ${kib(gz(hello.bytes))} KiB`)
const helloCold = await coldStart(hello.outdir, hello.file)
for (const [name, w] of [['lean', lean], ['full', full]] as const) {
  const cold = await coldStart(w.outdir, w.file)
  console.log(`cold start in Miniflare (new Miniflare → GET /health/live answered, median of ${RUNS}): ${name} ${cold.toFixed(0)} ms, hello ${helloCold.toFixed(0)} ms (×${(cold / helloCold).toFixed(2)})`)
}
for (const d of [lean.outdir, full.outdir, hello.outdir, helloDir]) rmSync(d, { recursive: true, force: true })
