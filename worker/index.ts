// The Cloudflare Workers entry ("gongyi", wrangler.toml): the lean Worker. It serves the routes
// owners and visitors use most (worker/routes/hot.ts: signing in, the vote, results,
// scanned notices, the H5 pages) from a bundle small enough to start fast (issue 17: ≤ 210 KiB
// gzipped, test/bench/worker.bench.ts), and hands every other request, unchanged, to the full Worker
// (worker/full.ts) bound as FULL: a service binding, a call inside Cloudflare, not over the internet.
import { buildApp } from './app-base'
import { AppError } from './lib/errors'
import { hotRoutes } from './routes/hot'
import { VERSION } from './routes/health/health.routes'
import { servicesFor } from './worker-runtime'

interface Fetcher {
  fetch(request: Request): Promise<Response>
}

const app = buildApp(hotRoutes, {
  version: VERSION,
  services: servicesFor,
  clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
  elsewhere: async (c) => {
    const full = (c.env as { FULL?: Fetcher } | undefined)?.FULL
    // deployed without the full Worker: say so, rather than a 404 for a route that exists
    if (!full) throw new AppError('SERVICE_UNAVAILABLE')
    // one request id in both Workers' logs; the answer copied, since a fetched Response's headers
    // cannot be changed and this Worker's middleware still sets its own
    const headers = new Headers(c.req.raw.headers)
    headers.set('x-request-id', c.get('requestId'))
    const res = await full.fetch(new Request(c.req.raw, { headers }))
    return new Response(res.body, res)
  },
})

export default { fetch: app.fetch }
