/**
 * Every route, in the order it is mounted (worker/app.ts). The lean Worker serves a part of them
 * itself (./hot.ts) and hands the rest to the full Worker.
 */
import type { AnyRoute } from '../lib/route'
import { authRoutes } from './auth/auth.routes'
import { bindingRoutes } from './bindings/bindings.routes'
import { communityRoutes } from './communities/communities.routes'
import { healthRoutes } from './health/health.routes'
import { roleRoutes } from './roles/roles.routes'
import { rosterRoutes } from './roster/roster.routes'
import { adminRoutes } from './admin/admin.routes'
import { firmRoutes } from './firms/firms.routes'
import { ballotRoutes } from './ballots/ballots.routes'
import { writtenProxyRoutes } from './ballots/written-proxies.routes'
import { pollRoutes } from './polls/polls.routes'
import { pollManagementRoutes } from './polls/manage.routes'
import { resultRoutes } from './results/results.routes'
import { resultRecordRoutes } from './results/records.routes'
import { countingRoutes } from './counting/counting.routes'
import { noticeRoutes } from './notices/notices.routes'
import { noticePrintRoutes } from './notices/print.routes'
import { feeRoutes } from './disclosure/fees.routes'
import { statementRoutes } from './disclosure/statements.routes'
import { h5Routes } from './h5/h5.routes'
import { h5StatementRoutes } from './h5/statements.routes'
import { h5ComplaintRoutes } from './h5/complaints.routes'
import { h5RatingRoutes } from './h5/ratings.routes'
import { h5CountingRoutes } from './h5/counting.routes'
import { h5ProxyRoutes } from './h5/proxies.routes'
import { emergencyRoutes } from './disclosure/emergency.routes'
import { oversightRoutes } from './disclosure/oversight.routes'
import { complaintRoutes } from './complaints/complaints.routes'
import { ratingRoutes } from './complaints/ratings.routes'
import { creditListRoutes, creditRoutes, creditSchemeRoutes } from './credit/credit.routes'
import { oaQrRoutes, wechatOaRoutes } from './wechat-oa/wechat-oa.routes'
import { oaLinkRoutes } from './wechat-oa/link.routes'
import { oaLoginRoutes } from './wechat-oa/login.routes'
import { reminderRoutes } from './notifications/reminders.routes'

/** Every route of the API, in one list: mounted on the app and described in /openapi.json. */
export const apiRoutes: AnyRoute[] = [
  ...healthRoutes,
  ...authRoutes,
  ...communityRoutes,
  ...rosterRoutes,
  ...bindingRoutes,
  ...roleRoutes,
  ...firmRoutes,
  ...pollRoutes,
  ...pollManagementRoutes,
  ...ballotRoutes,
  ...writtenProxyRoutes,
  ...resultRoutes,
  ...resultRecordRoutes,
  ...countingRoutes,
  ...noticeRoutes,
  ...noticePrintRoutes,
  ...feeRoutes,
  ...statementRoutes,
  ...emergencyRoutes,
  ...oversightRoutes,
  ...complaintRoutes,
  ...ratingRoutes,
  ...creditRoutes,
  ...creditSchemeRoutes,
  ...creditListRoutes,
  ...h5Routes,
  ...h5StatementRoutes,
  ...h5ComplaintRoutes,
  ...h5RatingRoutes,
  ...h5CountingRoutes,
  ...h5ProxyRoutes,
  ...adminRoutes,
  ...wechatOaRoutes,
  ...oaLinkRoutes,
  ...oaLoginRoutes,
  ...oaQrRoutes,
  ...reminderRoutes,
]


