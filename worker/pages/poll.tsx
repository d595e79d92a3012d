import type * as z from 'zod'
import type { CommentReply, PollReply, TurnoutReply } from '../../shared/api/polls'
import { formatCenti } from '../../shared/decimal'
import { Page } from './layout'
import { beijing, ParticipationBars } from './parts'

type Poll = z.infer<typeof PollReply>
type Turnout = z.infer<typeof TurnoutReply>
type Comment = z.infer<typeof CommentReply>

export interface BallotFormView {
  /** the voters this owner may cast for (own units, or as proxy) */
  voters: { voterId: string; unitLabels: string; areaCenti: number; via: 'owner' | 'proxy'; current: string | null }[]
  /** a fresh idempotency key: a double-tapped submit casts once */
  key: string
}

const STATUS_ZH: Record<string, string> = {
  draft: '草稿',
  announced: '已公告，待投票',
  open: '投票中',
  voting_ended: '投票已截止，待公布结果',
  closed: '已公布结果',
  cancelled: '已取消',
}
export const CHOICE_ZH: Record<string, string> = { agree: '同意', oppose: '反对', abstain: '弃权', spoiled: '废票', marked: '已选候选人' }
const APPROVAL_ZH = { ordinary: '一般事项：同意须过参与表决面积和人数的半数', special: '重大事项：同意须达参与表决面积和人数的四分之三' }

/** The poll as an owner reads it on a phone: the text, the discussion, the turnout, and the ballot. */
export function PollPage(props: {
  poll: Poll
  turnout: Turnout
  comments: Comment[]
  form: BallotFormView | null
  /** why there is no ballot form (not in the electorate, not open, ...) */
  formNote: string | null
  cast?: { receipt: string; choice: string; resultUrl: string } | null
  error?: string | null
  canComment: boolean
  signedIn: boolean
}) {
  const p = props.poll
  const t = props.turnout
  return (
    <Page title={p.title} nav={{ communityId: p.communityId, signedIn: props.signedIn }}>
      <p>
        <span class="tag">{STATUS_ZH[t.status] ?? t.status}</span>
      </p>
      <h1>{p.title}</h1>
      <p class="meta">
        事项：{p.matterLabel}（{APPROVAL_ZH[p.approvalClass]}）
        <br />
        投票时间：{beijing(p.opensAt)} 至 {beijing(p.closesAt)}
        {p.closesAt !== p.originalClosesAt ? `（原定 ${beijing(p.originalClosesAt)}，已延期）` : ''}
      </p>
      {p.noticeOverrideReason ? <p class="card">公告期不足15日，理由：{p.noticeOverrideReason}</p> : null}
      {props.error ? <p class="error" role="alert">{props.error}</p> : null}
      {props.cast ? (
        <div class="card ok" role="status">
          <p>已投票：{CHOICE_ZH[props.cast.choice] ?? props.cast.choice}。</p>
          <p>
            投票回执：<span class="num">{props.cast.receipt}</span>
          </p>
          <p class="meta">请保存回执。结果公布后，可凭回执核验您的选票已计入：<a href={props.cast.resultUrl}>核验页面</a></p>
        </div>
      ) : null}
      <div class="body">{p.body}</div>
      {p.candidates.length ? (
        <table>
          <thead>
            <tr>
              <th>候选人</th>
              <th>说明</th>
            </tr>
          </thead>
          <tbody>
            {p.candidates.map((c) => (
              <tr>
                <td>{c.name}</td>
                <td>{[c.building, c.unitLabel, c.statement].filter(Boolean).join('；')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {p.events.filter((e) => e.kind !== 'announced').length ? (
        <div class="card">
          <strong>公告记录</strong>
          {p.events
            .filter((e) => e.kind !== 'announced')
            .map((e) => (
              <p>
                {beijing(e.at)}　{e.text}
              </p>
            ))}
        </div>
      ) : null}

      <h2>参与情况</h2>
      <ParticipationBars participated={t.participated} total={t.total} needs={t.quorumNeeds} />

      {props.form ? <BallotForm poll={p} form={props.form} /> : props.formNote ? <p class="card">{props.formNote}</p> : null}

      <h2 id="discussion">讨论（{props.comments.length}）</h2>
      {props.comments.length === 0 ? <p class="meta">暂无讨论。</p> : null}
      {props.comments.map((c) => (
        <div class="card" style={c.parentId ? 'margin-left:24px' : ''}>
          <p class="meta">
            {c.authorLabel}（{c.authorRole === 'committee' ? '业委会' : '业主'}）　{beijing(c.createdAt)}
          </p>
          {c.hidden ? <p class="meta">该留言已被隐藏：{c.hidden.reason}</p> : <div class="body">{c.body}</div>}
        </div>
      ))}
      {props.canComment ? (
        <form method="post" action={`/h5/polls/${p.id}/comments`}>
          <label>
            发表意见（将以“楼栋房号 业主”的名义公开）
            <textarea name="body" rows={3} maxlength={2000} required />
          </label>
          <button type="submit" class="secondary">发表</button>
        </form>
      ) : null}
    </Page>
  )
}

function BallotForm(props: { poll: Poll; form: BallotFormView }) {
  const p = props.poll
  const voters = props.form.voters
  return (
    <form method="post" action={`/h5/polls/${p.id}/ballot`} class="card">
      <h2 style="margin-top:0">投票</h2>
      <input type="hidden" name="key" value={props.form.key} />
      {voters.length === 1 ? (
        <p>
          以 {voters[0]!.unitLabels}（{formatCenti(voters[0]!.areaCenti)} ㎡）{voters[0]!.via === 'proxy' ? '受托人' : '业主'}的名义投票
          {voters[0]!.current ? `；已投：${CHOICE_ZH[voters[0]!.current] ?? voters[0]!.current}` : ''}
          <input type="hidden" name="voterId" value={voters[0]!.voterId} />
        </p>
      ) : (
        <label>
          以谁的名义投票
          <select name="voterId" required>
            {voters.map((v) => (
              <option value={v.voterId}>
                {v.unitLabels}（{formatCenti(v.areaCenti)} ㎡{v.via === 'proxy' ? '，受托' : ''}
                {v.current ? `，已投${CHOICE_ZH[v.current] ?? v.current}` : ''}）
              </option>
            ))}
          </select>
        </label>
      )}
      {p.kind === 'single' ? (
        <fieldset style="border:0;padding:0">
          <legend>您的意见</legend>
          {(['agree', 'oppose', 'abstain'] as const).map((choice) => (
            <label class="choice">
              <input type="radio" name="choice" value={choice} required />
              {CHOICE_ZH[choice]}
            </label>
          ))}
        </fieldset>
      ) : (
        <fieldset style="border:0;padding:0">
          <legend>最多选 {p.seats} 位（不选即为弃权）</legend>
          {p.candidates.map((c) => (
            <label class="choice">
              <input type="checkbox" name="marks" value={c.id} />
              {c.name}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit">提交投票</button>
    </form>
  )
}
