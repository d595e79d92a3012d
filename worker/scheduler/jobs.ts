import type { Services } from '../env'
import { loggableMessage, logLine } from '../lib/log'
import { publicPagesChanged } from '../lib/page-cache'
import { pruneInbound } from '../services/chatbot/inbound'
import { drainOutbox } from '../services/notifications/outbox'
import { runDueReminders, runVotingOpen } from '../services/notifications/reminders'
import { runComplaintDeadlines } from '../services/oversight/complaints'
import { publishDueResults } from '../services/results/close'
import { refreshOpenSplits } from '../services/results/open-split'

/**
 * The one scheduler: a Cron Trigger on Workers (`scheduled()` in worker/index.ts), a timer on Node
 * (worker/node.ts), and `runDueJobs` in tests under the fake clock. Every job must be idempotent and
 * safe with two instances running at once (claim with FOR UPDATE SKIP LOCKED or an advisory lock).
 * Other areas add theirs with `registerJob`.
 */
export interface ScheduledJob {
  name: string
  /** returns how much it did, for the log */
  run(services: Services): Promise<number>
}

const registry: ScheduledJob[] = []

export function registerJob(job: ScheduledJob) {
  if (registry.some((j) => j.name === job.name)) throw new Error(`scheduled job ${job.name} registered twice`)
  registry.push(job)
}

export const scheduledJobs = (): readonly ScheduledJob[] => registry

// Order matters within one run: what queues notifications runs before the job that sends them.
registerJob({ name: 'voting_open', run: runVotingOpen })
registerJob({ name: 'poll_reminders', run: runDueReminders })
// a poll with no paper ballots handed out publishes its result at the close (counting issue)
registerJob({ name: 'results_due', run: publishDueResults })
registerJob({ name: 'open_splits', run: refreshOpenSplits })
registerJob({ name: 'complaint_deadlines', run: async (s) => Number((await runComplaintDeadlines(s)) ?? 0) })
registerJob({ name: 'notification_outbox', run: async (s) => (await drainOutbox(s)).sent })
registerJob({
  name: 'oa_inbound_prune',
  // redeliveries come within seconds; a week of keys is plenty
  run: async (s) => {
    await pruneInbound(s.db, new Date(s.clock.now().getTime() - 7 * 86_400_000))
    return 0
  },
})

/** Runs every registered job once; one job's failure does not stop the others. */
export async function runDueJobs(services: Services): Promise<Record<string, number | 'failed'>> {
  const out: Record<string, number | 'failed'> = {}
  for (const job of registry) {
    try {
      out[job.name] = await job.run(services)
    } catch (e) {
      out[job.name] = 'failed'
      logLine({ level: 'error', error: `job_${job.name}`, message: loggableMessage(e) })
    }
  }
  // a job that did something (a result published at the close) may change any compound's pages
  if (Object.values(out).some((n) => n !== 0)) publicPagesChanged(null)
  return out
}
