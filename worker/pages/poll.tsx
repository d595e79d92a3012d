import { beijingDeadline, beijingTime } from '../../shared/time'
import type * as z from 'zod'
import { SIGNED_AS_ZH, SIGNER_DOCUMENT_ZH, type CommentReply, type PollReply, type TurnoutReply } from '../../shared/api/polls'
import { shortReceipt } from '../../shared/receipt'
import { Page } from './layout'
import { beijing, Msg, ParticipationBars } from './parts'

type Poll = z.infer<typeof PollReply>
type Turnout = z.infer<typeof TurnoutReply>
type Comment = z.infer<typeof CommentReply>

export interface VoterView {
  voterId: string
  unitLabels: string
  /** m², as registered */
  area: string
  via: 'owner' | 'proxy'
}

export interface BallotFormView {
  /** the voters this owner may cast for (own units, or as proxy) */
  voters: (VoterView & { current: string | null })[]
  /** a fresh idempotency key: a double-tapped submit casts once */
  key: string
}

/** A ballot cast in the name of one of my voters, as I am shown it (paper entries included, to dispute). */
export interface MyBallotView {
  voter: VoterView
  receipt: string
  choice: string
  marks: string[] | null
  channel: string
  castAt: string
  current: boolean
  /** the ballot the count takes for this voter (of a standing app and paper ballot, the community's rule picks one) */
  counts: boolean
  kind: string
  disputed: boolean
  /** a paper ballot someone else signed for the owner, by their name */
  signedBy: { as: keyof typeof SIGNED_AS_ZH; name: string } | null
}

/** An owner's proxies for this poll (指导规则 第26条), and the form to name one. */
export interface ProxySection {
  /** `written`: a 授权委托书 the committee recorded for this household, which its owner may end here too */
  named: { id: string; unitLabels: string; status: 'active' | 'used'; proxyPhone: string; written: boolean }[]
  /** the owner's flats that may still have a proxy named (none yet, not voted in person) */
  voters: { voterId: string; unitLabels: string }[]
}

/** Where the ballot stands for this reader: the form only while voting is open. */
export type BallotState =
  | { kind: 'form'; form: BallotFormView; final: boolean }
  | { kind: 'voted_final' }
  | { kind: 'not_open'; opensAt: string }
  /** committee: the link to the one-by-one counting form */
  | { kind: 'counting'; countHref?: string }
  | { kind: 'closed' }
  | { kind: 'cancelled'; reason: string | null }
  | { kind: 'not_voter'; text: string }

const STATUS_ZH: Record<string, string> = {
  draft: '草稿',
  announced: '已公告，待投票',
  open: '投票中',
  voting_ended: '投票已截止，待公布结果',
  counting: '投票已截止，正在公开计票',
  closed: '已公布结果',
  cancelled: '已取消',
}
export const CHOICE_ZH: Record<string, string> = { agree: '同意', oppose: '反对', abstain: '弃权', spoiled: '废票', marked: '已选候选人' }
const CHANNEL_ZH: Record<string, string> = { app: '小程序', h5: '手机网页', chatbot: '公众号', paper: '纸质表决票（业委会录入）', proxy: '受托人代投' }
const APPROVAL_ZH = { ordinary: '一般事项：同意须过参与表决面积和人数的半数', special: '重大事项：同意须达参与表决面积和人数的四分之三' }

/** A choice in words: "同意", or for an election the names marked ("张三、李四"; none: 弃权). */
export function choiceWords(choice: string, marks: string[] | null, candidates: { id: string; name: string }[]): string {
  if (choice === 'marked' && marks?.length) return `选 ${marks.map((m) => candidates.find((c) => c.id === m)?.name ?? m).join('、')}`
  return CHOICE_ZH[choice] ?? choice
}

const voterLine = (v: VoterView) => `${v.unitLabels}（${v.area} ㎡${v.via === 'proxy' ? '，受托投票' : ''}）`

/** The poll as an owner reads it on a phone: the state and the ballot first, then the text, the turnout and the discussion. */
export function PollPage(props: {
  poll: Poll
  turnout: Turnout
  comments: Comment[]
  /** a proxy and nothing more (owns no flat here): sees neither the turnout nor the discussion, nor the compound's other pages */
  proxyOnly: boolean
  /** an owner's proxies while the poll runs; null for anyone else, or once it has closed */
  proxies?: ProxySection | null
  ballot: BallotState
  /** committee: the written proxies (授权委托书) page, where they are recorded and the poll's proxies listed */
  proxiesHref?: string | null
  mine: MyBallotView[]
  error?: string | null
  canComment: boolean
  signedIn: boolean
}) {
  const p = props.poll
  const t = props.turnout
  return (
    <Page title={p.title} nav={props.proxyOnly ? undefined : { communityId: p.communityId, signedIn: props.signedIn }}>
      <h1>{p.title}</h1>
      <div class="panel">
        <p>
          <span class={`tag ${t.status === 'open' ? 'open' : ''}`}>{STATUS_ZH[t.status] ?? STATUS_ZH[p.status] ?? '表决'}</span>
        </p>
        <dl class="kv">
          <div>
            <dt>投票开始</dt>
            <dd>{beijing(p.opensAt)}</dd>
          </div>
          <div>
            <dt>投票截止</dt>
            <dd>
              {beijingDeadline(p.closesAt)}
              {p.closesAt !== p.originalClosesAt ? `（原定 ${beijing(p.originalClosesAt)}，已延期）` : ''}
            </dd>
          </div>
          <div>
            <dt>事项</dt>
            <dd>{p.matterLabel}</dd>
          </div>
        </dl>
        <p class="meta">{APPROVAL_ZH[p.approvalClass]}</p>
      </div>
      {props.error ? (
        <p class="error" role="alert">
          {props.error}
        </p>
      ) : null}
      <BallotSection poll={p} state={props.ballot} />
      {props.proxiesHref ? (
        <div class="actions">
          <a class="btn secondary" href={props.proxiesHref}>
            授权委托书与委托名单（业委会）
          </a>
        </div>
      ) : null}
      {props.mine.length ? <MyBallots poll={p} mine={props.mine} /> : null}
      {props.proxies ? <Proxies poll={p} section={props.proxies} /> : null}
      {p.noticeOverrideReason ? <p class="card">公告期不足15日，理由：{p.noticeOverrideReason}</p> : null}
      <h2>议题内容</h2>
      <div class="panel body">{p.body}</div>
      {p.candidates.length ? (
        <ul class="cells">
          {p.candidates.map((c) => (
            <li>
              <strong>{c.name}</strong>
              <p>{[c.building, c.unitLabel, c.statement].filter(Boolean).join('；')}</p>
            </li>
          ))}
        </ul>
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

      {!props.proxyOnly ? (
        <>
          <h2>参与情况</h2>
          <div class="panel">
            <ParticipationBars participated={t.participated} total={t.total} needs={t.quorumNeeds} />
            <p class="meta">统计时间：{beijingTime(t.asOf, { seconds: true })}</p>
          </div>

          <h2 id="discussion">讨论（{props.comments.length}）</h2>
          {props.comments.length === 0 ? <p class="meta">暂无讨论。</p> : null}
          {props.comments.map((c) => (
            <div class="card" style={c.parentId ? 'margin-left:1.5rem' : ''}>
              <p class="meta">
                {c.authorLabel}（{c.authorRole === 'committee' ? '业委会' : '业主'}）　{beijing(c.createdAt)}
              </p>
              {c.hidden ? <p class="meta">该留言已被隐藏：{c.hidden.reason}</p> : <div class="body">{c.body}</div>}
            </div>
          ))}
        </>
      ) : (
        <p class="meta">
          您是受托人：可以看议题、投票和您代投的票。请保存回执号，表决结束或委托撤销后本页不再开放。受托的议题见<a href="/h5/me">“我的”</a>。
        </p>
      )}
      {props.canComment ? (
        <form method="post" action={`/h5/polls/${p.id}/comments`} class="panel">
          <label for="comment">发表意见（将以“楼栋房号 业主”的名义公开）</label>
          <textarea id="comment" name="body" rows={3} maxlength={2000} required />
          <button type="submit" class="secondary">
            发表
          </button>
        </form>
      ) : null}
    </Page>
  )
}

function BallotSection(props: { poll: Poll; state: BallotState }) {
  const s = props.state
  const p = props.poll
  switch (s.kind) {
    case 'form':
      return <BallotForm poll={p} form={s.form} final={s.final} />
    case 'voted_final':
      return <p class="card ok">您已投票。本小区规定首次投票即为最终结果，不能改投。</p>
    case 'not_open':
      return (
        <p class="card">
          投票还没有开始，将于 <strong>{beijing(s.opensAt)}</strong> 开始。届时请再打开本页投票。
        </p>
      )
    case 'counting':
      return (
        <>
          <p class="card">投票已于 {beijingDeadline(p.closesAt)} 截止，正在计票。结果公布后会张贴在小区公告栏，也可以在本页查看。</p>
          {s.countHref ? (
            <div class="actions">
              <a class="btn" href={s.countHref}>
                计票录入（业委会）
              </a>
            </div>
          ) : null}
        </>
      )
    case 'closed':
      return (
        <div class="actions">
          <a class="btn" href={`/h5/polls/${p.id}/result`}>
            查看表决结果
          </a>
        </div>
      )
    case 'cancelled':
      return <p class="card bad">本次表决已取消{s.reason ? `：${s.reason}` : '。'}</p>
    case 'not_voter':
      return <p class="card">{s.text}</p>
  }
}

function BallotForm(props: { poll: Poll; form: BallotFormView; final: boolean }) {
  const p = props.poll
  const voters = props.form.voters
  return (
    <form method="post" action={`/h5/polls/${p.id}/confirm`} class="panel">
      <h2 style="margin:0.5rem 0">投票</h2>
      <input type="hidden" name="key" value={props.form.key} />
      {voters.length === 1 ? (
        <p>
          以 {voterLine(voters[0]!)} {voters[0]!.via === 'proxy' ? '受托人' : '业主'}的名义投票
          {voters[0]!.current ? `；您已投：${CHOICE_ZH[voters[0]!.current] ?? voters[0]!.current}，可以改投` : ''}
          <input type="hidden" name="voterId" value={voters[0]!.voterId} />
        </p>
      ) : (
        <div>
          <label for="voterId">以谁的名义投票</label>
          <select id="voterId" name="voterId" required>
            {voters.map((v) => (
              <option value={v.voterId}>
                {voterLine(v)}
                {v.current ? `，已投${CHOICE_ZH[v.current] ?? v.current}` : ''}
              </option>
            ))}
          </select>
        </div>
      )}
      {p.kind === 'single' ? (
        <fieldset>
          <legend>您的意见</legend>
          {(['agree', 'oppose', 'abstain'] as const).map((choice) => (
            <label class="choice">
              <input type="radio" name="choice" value={choice} required />
              {CHOICE_ZH[choice]}
            </label>
          ))}
        </fieldset>
      ) : (
        <fieldset>
          <legend>最多选 {p.seats} 位（不选即为弃权）</legend>
          {p.candidates.map((c) => (
            <label class="choice">
              <input type="checkbox" name="marks" value={c.id} />
              {c.name}
            </label>
          ))}
        </fieldset>
      )}
      <button type="submit">下一步：确认</button>
      <p class="meta">{props.final ? '本小区规定首次投票即为最终结果，提交后不能改投。' : `投票截止（${beijingDeadline(p.closesAt)}）前可以改投，以最后一次为准。`}</p>
    </form>
  )
}

/** 请人代投: a family member or neighbour votes for an elderly owner, for this poll only. */
function Proxies(props: { poll: Poll; section: ProxySection }) {
  const { named, voters } = props.section
  const p = props.poll
  return (
    <div>
      <h2 id="proxies">请人代投</h2>
      <p class="meta">不方便自己投票的，可以委托家人或邻居代投，只限本次表决。受托人会收到短信或微信消息，用这个手机号登录后就能代投。您随时可以撤销委托，但受托人已经投出的票仍然有效；您本人投票会取代它，委托也随之结束。</p>
      {named.length ? (
        <ul class="cells">
          {named.map((x) => (
            <li>
              <strong>
                {x.unitLabels}：已委托 {x.proxyPhone.replace(/^(\d{3})(\d{4})(\d{4})$/, '$1 $2 $3')}
              </strong>
              {x.written ? <p>这是业委会按您签字的书面委托书登记的委托。</p> : null}
              {x.status === 'used' ? <p>已代投，这一票有效。如要改变意见，请您自己投票，会取代代投的票。</p> : <p>尚未代投。请核对号码：不对的话，请撤销后重新委托。</p>}
              <form method="post" action={`/h5/polls/${p.id}/proxies/${x.id}/revoke`}>
                <button type="submit" class="warn">
                  {x.status === 'used' ? '不再让此人代投（已投的票仍有效）' : '撤销委托'}
                </button>
              </form>
            </li>
          ))}
        </ul>
      ) : null}
      {voters.length ? (
        <form method="post" action={`/h5/polls/${p.id}/proxies`} class="panel">
          {voters.length === 1 ? (
            <p>
              为 {voters[0]!.unitLabels} 委托：
              <input type="hidden" name="voterId" value={voters[0]!.voterId} />
            </p>
          ) : (
            <>
              <label for="proxy-voter">为哪一户委托</label>
              <select id="proxy-voter" name="voterId">
                {voters.map((v) => (
                  <option value={v.voterId}>{v.unitLabels}</option>
                ))}
              </select>
            </>
          )}
          <label for="proxy-phone">受托人的手机号</label>
          <input id="proxy-phone" name="proxyPhone" type="tel" inputmode="numeric" autocomplete="off" maxlength={20} required />
          <label for="proxy-phone-again">再输一遍，核对号码</label>
          <input id="proxy-phone-again" name="proxyPhoneAgain" type="tel" inputmode="numeric" autocomplete="off" maxlength={20} required />
          <button type="submit" class="secondary">
            委托此人代投
          </button>
        </form>
      ) : null}
    </div>
  )
}

/** Ballots in my name: what stands, and a paper ballot the committee entered, which I can dispute here. */
function MyBallots(props: { poll: Poll; mine: MyBallotView[] }) {
  const p = props.poll
  return (
    <div>
      <h2 id="mine">{props.mine.every((b) => b.voter.via === 'proxy') ? '我代投的票' : props.mine.some((b) => b.voter.via === 'proxy') ? '以我的名义投的票和我代投的票' : '以我的名义投的票'}</h2>
      <ul class="cells">
        {props.mine.map((b) => (
          <li>
            <strong>{choiceWords(b.choice, b.marks, p.candidates)}</strong>
            {b.voter.via === 'proxy' ? (b.current ? '（已代投）' : '（已被之后的票取代）') : b.counts ? '（有效）' : b.current ? (b.kind === 'paper' ? '（未计入：本小区规定以网上投票为准）' : '（未计入：本小区规定以纸质票为准）') : '（已被之后的票取代）'}
            <p class="meta">
              {b.voter.unitLabels}　{CHANNEL_ZH[b.channel] ?? b.channel}　{beijing(b.castAt)}
            </p>
            {b.signedBy ? (
              <p class="meta">
                由{SIGNED_AS_ZH[b.signedBy.as]} {b.signedBy.name} 代为签署（业委会已留存{SIGNER_DOCUMENT_ZH[b.signedBy.as]}照片）
              </p>
            ) : null}
            <p class="meta">
              回执 <span class="mono">{shortReceipt(b.receipt)}</span>
            </p>
            {/* only the owner disputes a ballot cast in their name */}
            {b.voter.via === 'owner' && (b.channel === 'paper' || b.channel === 'proxy') ? (
              b.disputed ? (
                <p class="bad">您已对这张票提出异议，业委会须核实处理，异议记录在案。</p>
              ) : (
                <form method="post" action={`/h5/polls/${p.id}/dispute`}>
                  <input type="hidden" name="receipt" value={b.receipt} />
                  <label for={`reason-${b.receipt}`}>{b.channel === 'paper' ? '这张纸质票不是您投的，或录入有误？' : '这张委托票有误？'}</label>
                  <textarea id={`reason-${b.receipt}`} name="reason" rows={2} maxlength={500} required placeholder="请写明理由，例如：纸质票不是本人签字" />
                  <button type="submit" class="warn">
                    提出异议
                  </button>
                </form>
              )
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  )
}

/** The confirmation step: the choice repeated in words before anything is cast. */
export function ConfirmPage(props: { poll: Poll; voter: VoterView; idemKey: string; choice: string | null; marks: string[] | null; final: boolean }) {
  const p = props.poll
  const words = props.choice ? CHOICE_ZH[props.choice] ?? props.choice : choiceWords(props.marks?.length ? 'marked' : 'abstain', props.marks, p.candidates)
  return (
    <Page title="请确认您的投票" nav={{ communityId: p.communityId, signedIn: true }}>
      <Msg icon="info" title="请确认您的投票" lead={p.title}>
        <p>
          以 {voterLine(props.voter)} 的名义，您的选择是：
        </p>
        <p class="big-outcome" style="text-align:center">
          {words}
        </p>
        <p class="meta">{props.final ? '本小区规定首次投票即为最终结果，确认后不能改投。' : `确认后计入；投票截止（${beijingDeadline(p.closesAt)}）前可以改投。`}</p>
        <form method="post" action={`/h5/polls/${p.id}/ballot`}>
          <input type="hidden" name="key" value={props.idemKey} />
          <input type="hidden" name="voterId" value={props.voter.voterId} />
          {props.choice ? <input type="hidden" name="choice" value={props.choice} /> : null}
          {(props.marks ?? []).map((m) => (
            <input type="hidden" name="marks" value={m} />
          ))}
          {!props.choice && !props.marks?.length ? <input type="hidden" name="choice" value="abstain" /> : null}
          <button type="submit">确认投票：{words}</button>
        </form>
        <a class="btn secondary" href={`/h5/polls/${p.id}`}>
          返回修改
        </a>
      </Msg>
    </Page>
  )
}

/** After casting (POST → redirect → this GET, so a reload casts nothing): the vote is counted, in words. */
export function VotedPage(props: { poll: Poll; ballot: MyBallotView; final: boolean; open: boolean }) {
  const p = props.poll
  const b = props.ballot
  return (
    <Page title="投票成功" nav={{ communityId: p.communityId, signedIn: true }}>
      <Msg icon="success" title="您的票已计入" lead={p.title} actions={[{ href: `/h5/polls/${p.id}`, label: '回到表决页' }]}>
        <p class="big-outcome" style="text-align:center">
          {choiceWords(b.choice, b.marks, p.candidates)}
        </p>
        <dl class="kv">
          <div>
            <dt>以谁的名义</dt>
            <dd>{b.voter.unitLabels}</dd>
          </div>
          <div>
            <dt>投票时间</dt>
            <dd>{beijing(b.castAt)}</dd>
          </div>
          <div>
            <dt>投票回执</dt>
            <dd class="mono">{shortReceipt(b.receipt)}</dd>
          </div>
        </dl>
        <p>
          {props.final
            ? '本小区规定首次投票即为最终结果，不能改投。'
            : props.open
              ? `想改主意：投票截止（${beijingDeadline(p.closesAt)}）前回到表决页重新选择，以最后一次为准。`
              : '投票已截止。'}
        </p>
        <p class="meta">
          结果公布后，登录打开结果页即可看到您的票是否计入，不用输入回执。回执（不分大小写）可以抄下保存，也可以在结果页输入核验；完整回执：<span class="mono">{b.receipt}</span>
        </p>
      </Msg>
    </Page>
  )
}
