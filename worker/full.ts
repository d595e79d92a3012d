// The full Worker ("gongyi-full", wrangler.full.toml): every route, /openapi.json and the Cron
// Trigger. The lean Worker (worker/index.ts) takes the requests and hands it what it does not serve
// itself through a service binding; it has no public address of its own.
import { createApp } from './app'
import { VERSION } from './routes/health/health.routes'
import { runDueJobs } from './scheduler/jobs'
import { servicesFor } from './worker-runtime'

const app = createApp({
  version: VERSION,
  services: servicesFor,
  clientIp: (c) => c.req.header('cf-connecting-ip') ?? 'unknown',
})

export default {
  fetch: app.fetch,
  /** The Cron Trigger (wrangler.full.toml `[triggers] crons`): the same jobs the Node timer runs. */
  scheduled(_event: unknown, env: Record<string, unknown>, ctx: { waitUntil(p: Promise<unknown>): void }) {
    ctx.waitUntil(runDueJobs(servicesFor(env)))
  },
}
