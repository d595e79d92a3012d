/**
 * The lean Worker's routes (worker/index.ts): what owners and visitors use most, so what must start
 * fast: signing in, binding to a unit, the poll and its ballots, results, scanned notices and the
 * owners' H5 pages (the board, fees, a quarter's accounts, the poll, sign-in, my bindings). In the
 * order of apiRoutes (./index.ts). Importing a route file brings in everything it uses: keep office
 * work (imports, counting, statements and objections, oversight, spreadsheets) out of this list.
 */
import type { AnyRoute } from '../lib/route'
import { authRoutes } from './auth/auth.routes'
import { ballotRoutes } from './ballots/ballots.routes'
import { bindingRoutes } from './bindings/bindings.routes'
import { h5Routes } from './h5/h5.routes'
import { healthRoutes } from './health/health.routes'
import { noticeRoutes } from './notices/notices.routes'
import { pollRoutes } from './polls/polls.routes'
import { resultRoutes } from './results/results.routes'

export const hotRoutes: AnyRoute[] = [...healthRoutes, ...authRoutes, ...bindingRoutes, ...pollRoutes, ...ballotRoutes, ...resultRoutes, ...noticeRoutes, ...h5Routes]
