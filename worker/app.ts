/**
 * The whole service: every route (worker/routes/index.ts) on the app (worker/app-base.ts), and
 * /openapi.json describing them. What Node serves (worker/node.ts), the full Worker
 * (worker/full.ts) and the tests.
 */
import { buildApp, type AppOptions } from './app-base'
import { openApiDocument } from './lib/openapi'
import { apiRoutes } from './routes'

export { apiRoutes }
export type { AppOptions }

export function createApp(options: AppOptions) {
  const app = buildApp(apiRoutes, options)
  app.get('/openapi.json', (c) => c.json(openApiDocument(apiRoutes, options.version ?? '0.0.0')))
  return app
}

export type App = ReturnType<typeof createApp>
