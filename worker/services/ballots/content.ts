import { eq } from 'drizzle-orm'
import { pollCandidates, polls } from '../../../drizzle/schema'
import type { Db } from '../../db/types'
import { AppError } from '../../lib/errors'
import type { BallotChoice } from './cast'

export interface BallotContent {
  choice: BallotChoice
  marks: string[] | null
  spoiledReason: string | null
}

const invalid = (path: string, code: string, message: string): never => {
  throw new AppError('VALIDATION_FAILED', { issues: [{ path, code, message }] })
}

type ContentInput = { choice?: 'agree' | 'oppose' | 'abstain' | 'spoiled'; marks?: string[]; spoiledReason?: string }

/** What of the poll a ballot's content is checked against. */
export interface PollForContent {
  kind: 'single' | 'election'
  seats: number | null
}

/**
 * What a ballot says, checked against its poll: a single matter takes agree / oppose / abstain;
 * an election takes at most `seats` distinct marks among its candidates (none: abstain). Only a
 * paper ballot can be entered as spoiled (废票), with its reason.
 */
export async function ballotContent(db: Db, pollId: string, input: ContentInput, opts: { paper: boolean }): Promise<BallotContent> {
  const [p] = await db.select({ kind: polls.kind, seats: polls.seats }).from(polls).where(eq(polls.id, pollId))
  if (!p) throw new AppError('NOT_FOUND')
  // the candidates are read only for an election (a single matter has none)
  const candidates = async () => (await db.select({ id: pollCandidates.id }).from(pollCandidates).where(eq(pollCandidates.pollId, pollId))).map((c) => c.id)
  return checkBallotContent(p as PollForContent, p.kind === 'election' ? await candidates() : [], input, opts)
}

/** ballotContent's rules on a poll and its candidates already loaded (the vote route's one query). */
export function checkBallotContent(p: PollForContent, candidateIds: readonly string[], input: ContentInput, opts: { paper: boolean }): BallotContent {
  if (input.choice === 'spoiled') {
    if (!opts.paper) invalid('choice', 'spoiled_not_paper', '只有纸质票可以登记为废票')
    if (!input.spoiledReason) invalid('spoiledReason', 'required', '登记废票须说明理由')
    return { choice: 'spoiled', marks: null, spoiledReason: input.spoiledReason! }
  }
  if (input.spoiledReason) invalid('spoiledReason', 'not_spoiled', '只有废票需要填写废票理由')
  if (p.kind === 'single') {
    if (input.marks !== undefined) invalid('marks', 'not_an_election', '本次表决不是候选人表决')
    if (!input.choice) invalid('choice', 'required', '请选择同意、反对或弃权')
    return { choice: input.choice!, marks: null, spoiledReason: null }
  }
  if (input.choice !== undefined && !(input.choice === 'abstain' && !input.marks?.length)) invalid('choice', 'election', '候选人表决请在 marks 中列出所选候选人（空数组为弃权）')
  const marks = input.marks ?? []
  if (new Set(marks).size !== marks.length) invalid('marks', 'duplicate_mark', '同一候选人不能重复选择')
  if (marks.length > p.seats!) invalid('marks', 'too_many_marks', `所选人数不能超过应选人数 ${p.seats}`)
  const candidates = new Set(candidateIds)
  const unknown = marks.filter((m) => !candidates.has(m))
  if (unknown.length) invalid('marks', 'unknown_candidate', `不是本次表决的候选人：${unknown.join(', ')}`)
  return { choice: marks.length ? 'marked' : 'abstain', marks, spoiledReason: null }
}
