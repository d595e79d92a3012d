// The yardstick of test/bench/reads.bench.ts: a bare Hono app on the same runtime and the same
// @hono/node-server as worker/node.ts, answering "hello". PORT from the environment.
import { serve } from '@hono/node-server'
import { Hono } from 'hono'

const app = new Hono().get('/', (c) => c.text('hello'))
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT) }, () => console.log('listening'))
