import { beijingDeadline } from '../../shared/time'
import { formatArea } from '../../shared/decimal'
import { shortReceipt } from '../../shared/receipt'
import { resultAreas, type AreaWeight } from '../../shared/result-document'
import type { ReceiptCheck, SignatureCheck } from '../services/results/check'
import { Page } from './layout'
import { Bar, beijing, Msg, ParticipationBars, pct, share } from './parts'
import { choiceWords } from './poll'

type Weight = AreaWeight
type TallyView = { total: Weight; participated: Weight; agree: Weight; oppose: Weight; abstain: Weight; spoiled: Weight; deemed?: Weight; quorum?: boolean }
type ElectionView = { seats: number; participated: Weight; total: Weight; quorum: boolean; candidates: { candidateId?: string; name: string; votes: Weight; elected: boolean }[] }

/**
 * The fields of the signed result document this page reads. It is read defensively: the document
 * is versioned by its `type` and may carry more (or, in an older version, fewer) fields; the
 * wording people read comes from the document itself (outcomeText), never re-derived here. Its
 * areas are read through shared/result-document.ts, so a result signed with areas in hundredths
 * (version 1) shows as it always did, and a newer one exactly as registered.
 */
interface ResultDocument {
  pollId: string
  communityId: string
  title: string
  matterLabel?: string
  approvalClass?: 'ordinary' | 'special'
  outcome?: string
  outcomeText?: string
  tally?: TallyView | null
  election?: ElectionView | null
  ballots?: { merkleRoot?: string; treeSize?: number }
  closedAt?: string
  noticeOverrideReason?: string | null
  /** the result notice's own lines (shared/result-text.ts): heads with areas, follow-majority, lines missed */
  summary?: string[]
}

const RECEIPT_TEXT = {
  counted: '核验通过：这张选票在公布的结果中，已按原样计入。',
  superseded: '这张回执对应的选票已被同一投票权人之后的选票（或按本小区规则优先的纸质票）取代，未计入结果；计入的是最后有效的那一张。',
  not_found: '找不到这张回执。请核对回执是否抄写正确（10位短回执号不分大小写；完整回执须大小写一致）。',
  invalid_proof: '核验失败：证明与公布的默克尔根不符。请立即向业委会和社区反映。',
}

export interface MyReceiptCheck {
  unitLabels: string
  choice: string
  marks: string[] | null
  check: ReceiptCheck
}

const isWeight = (w: unknown): w is Weight =>
  typeof w === 'object' && w !== null && Number.isSafeInteger((w as Weight).areaE4) && typeof (w as Weight).area === 'string' && Number.isFinite((w as Weight).voters)

/** The headline of the document's own outcome text: its first sentence, or what precedes its explanation. */
function headline(text: string): { head: string; rest: string } {
  const [first = '', ...more] = text.split('。').filter(Boolean)
  const colon = first.indexOf('：')
  if (colon > 0 && first.length > 16) return { head: first.slice(0, colon), rest: [first.slice(colon + 1), ...more].join('。') + '。' }
  return { head: first, rest: more.length ? `${more.join('。')}。` : '' }
}

/** One of the lines a decision had to reach, with whether it did, by integer comparison (民法典 第278条). */
function LineCheck(props: { label: string; part: number; whole: number; num: number; den: number; strict: boolean; unit: string; format?: (n: number) => string }) {
  const f = props.format ?? String
  // exact: areas in ten-thousandths times 4 may pass 2^53
  const lhs = BigInt(props.den) * BigInt(props.part)
  const rhs = BigInt(props.num) * BigInt(props.whole)
  const reached = props.strict ? lhs > rhs : lhs >= rhs
  return (
    <p>
      {reached ? '✓' : '✗'} {props.label}：{f(props.part)} / {f(props.whole)} {props.unit}
      {props.whole > 0 ? `（${pct(props.part, props.whole)}）` : ''}
      {reached ? '，达到' : '，未达到'}
    </p>
  )
}

function OutcomeCard(props: { d: ResultDocument; scale: number }) {
  const d = props.d
  const area = (e4: number) => formatArea(e4, props.scale)
  const text = d.outcomeText ?? ''
  const { head, rest } = headline(text)
  const good = d.outcome === 'passed' || d.outcome === 'elected'
  const t = d.tally && isWeight(d.tally.participated) && isWeight(d.tally.total) && isWeight(d.tally.agree) ? d.tally : null
  const e = d.election && isWeight(d.election.participated) && isWeight(d.election.total) ? d.election : null
  const special = d.approvalClass === 'special'
  const participation = t ?? e
  return (
    <Msg icon={good ? 'success' : 'warn'} title={head || '表决结果'} lead={d.title}>
      {rest ? <p>{rest}</p> : null}
      {participation ? (
        <div>
          <h3>须达到的两条线</h3>
          <p class="meta">第一条：参与表决的专有部分面积和人数，都须达到总数的三分之二。</p>
          <LineCheck label="参与面积" part={participation.participated.areaE4} whole={participation.total.areaE4} num={2} den={3} strict={false} unit="㎡" format={area} />
          <LineCheck label="参与人数" part={participation.participated.voters} whole={participation.total.voters} num={2} den={3} strict={false} unit="人" />
          {t ? (
            <div>
              <p class="meta">第二条：同意的面积和人数，都须{special ? '达到参与表决的四分之三' : '超过参与表决的半数'}。</p>
              <LineCheck label="同意面积" part={t.agree.areaE4} whole={t.participated.areaE4} num={special ? 3 : 1} den={special ? 4 : 2} strict={!special} unit="㎡" format={area} />
              <LineCheck label="同意人数" part={t.agree.voters} whole={t.participated.voters} num={special ? 3 : 1} den={special ? 4 : 2} strict={!special} unit="人" />
            </div>
          ) : (
            <p class="meta">第二条：当选者得票的面积和人数，都须超过参与表决的半数（见下方各候选人得票）。</p>
          )}
        </div>
      ) : null}
    </Msg>
  )
}

/**
 * The published result as anyone can check it: the outcome first, big, in words, with the two
 * lines it had to reach (民法典 第278条: 2/3 taking part; more than 1/2, or 3/4 for the special
 * matters, of those taking part agreeing); then the numbers; the signed-in owner's own ballots
 * checked without typing; and, for those who check, the signature, the key id and the Merkle root.
 */
export function ResultPage(props: {
  result?: { document: Record<string, unknown>; signature: SignatureCheck; receipt: ReceiptCheck | null; mine: MyReceiptCheck[] }
  pending?: { pollId: string; communityId: string; title: string; status: string; opensAt: string; closesAt: string }
  signedIn: boolean
}) {
  if (!props.result) return <PendingResult p={props.pending!} signedIn={props.signedIn} />
  const { signature, receipt, mine } = props.result
  const read = resultAreas(props.result.document)
  const d = read.doc as unknown as ResultDocument
  const scale = read.scale
  const approval = d.approvalClass === 'special' ? { num: 3, den: 4, label: '四分之三' } : { num: 1, den: 2, label: '半数' }
  const candidates = (d.election?.candidates ?? []).map((c) => ({ id: c.candidateId ?? '', name: c.name }))
  return (
    <Page title={`表决结果：${d.title}`} nav={{ communityId: d.communityId, signedIn: props.signedIn }}>
      {signature.valid ? null : <SignatureBlock check={signature} />}
      <OutcomeCard d={d} scale={scale} />
      {Array.isArray(d.summary) && d.summary.length ? (
        <div class="panel">
          {d.summary.map((line) => (
            <p>{line}</p>
          ))}
        </div>
      ) : null}
      {d.closedAt ? <p class="meta">结果公布：{beijing(d.closedAt)}　事项：{d.matterLabel ?? ''}</p> : null}
      {d.noticeOverrideReason ? <p class="meta">本次表决公告期不足15日，理由：{d.noticeOverrideReason}</p> : null}
      {mine.length ? (
        <div>
          <h2>我的选票</h2>
          {mine.map((m) => (
            <p class={m.check.outcome === 'counted' ? 'card ok' : 'card bad'} role="status">
              {m.unitLabels}（{choiceWords(m.choice, m.marks, candidates)}）：{RECEIPT_TEXT[m.check.outcome]}
            </p>
          ))}
        </div>
      ) : null}
      {d.tally && isWeight(d.tally.participated) ? <SingleTally t={d.tally} approval={approval} /> : null}
      {d.election && isWeight(d.election.participated) ? <ElectionTally e={d.election} /> : null}

      <h2 id="verify">供核验</h2>
      <details open={receipt !== null || !signature.valid}>
        <summary>签名、公钥编号、默克尔根，凭回执核验</summary>
        {signature.valid ? <SignatureBlock check={signature} /> : null}
        {signature.valid ? (
          <p class="meta">
            公钥编号（kid）：<span class="mono">{signature.kid}</span>
          </p>
        ) : null}
        <p class="meta">
          全部 {d.ballots?.treeSize ?? 0} 张计入的选票构成默克尔树，树根 <span class="mono">{d.ballots?.merkleRoot ?? ''}</span> 已写入签名的结果文件。
        </p>
        {receipt ? (
          <p class={receipt.outcome === 'counted' ? 'card ok' : 'card bad'} role="status">
            回执 {receipt.outcome === 'not_found' ? receipt.receipt : receiptLabel(receipt.receipt)}：{RECEIPT_TEXT[receipt.outcome]}
          </p>
        ) : null}
        <form method="get" action={`/h5/polls/${d.pollId}/result#verify`}>
          <label for="receipt">投票回执（如 K7QFM-2XD9A，不分大小写）</label>
          <input id="receipt" name="receipt" maxlength={64} autocomplete="off" required />
          <button type="submit" class="secondary">
            核验
          </button>
        </form>
        <p class="meta">
          签名文件：<a href={`/api/polls/${d.pollId}/result`}>结果文件（JSON）</a>　公钥：<a href="/.well-known/jwks.json">JWKS</a>
        </p>
      </details>
    </Page>
  )
}

/** A receipt as the person typed it, in its short form when it is a long one. */
const receiptLabel = (r: string) => {
  try {
    return /^[A-Za-z0-9_-]{20,}$/.test(r) ? shortReceipt(r) : r
  } catch {
    return r
  }
}

/** Before the result: when voting opens or closes, or that it is being counted, or that the poll was cancelled. */
function PendingResult(props: { p: NonNullable<Parameters<typeof ResultPage>[0]['pending']>; signedIn: boolean }) {
  const p = props.p
  const toPoll = { href: `/h5/polls/${p.pollId}`, label: '查看表决' }
  const text =
    p.status === 'announced'
      ? `投票将于 ${beijing(p.opensAt)} 开始，${beijingDeadline(p.closesAt)} 截止。截止并计票后，结果在这里公布，并张贴在小区公告栏。`
      : p.status === 'open'
        ? `投票正在进行，${beijingDeadline(p.closesAt)} 截止。截止并计票后，结果在这里公布，并张贴在小区公告栏。`
        : p.status === 'cancelled'
          ? '本次表决已取消，不会有结果。'
          : `投票已于 ${beijingDeadline(p.closesAt)} 截止，正在计票。结果公布后会在这里显示，并张贴在小区公告栏。`
  return (
    <Page title="表决结果尚未公布" nav={{ communityId: p.communityId, signedIn: props.signedIn }}>
      <Msg icon={p.status === 'cancelled' ? 'info' : 'wait'} title="表决结果尚未公布" lead={p.title} actions={[toPoll]}>
        <p>{text}</p>
      </Msg>
    </Page>
  )
}

export function SignatureBlock(props: { check: SignatureCheck }) {
  return props.check.valid ? (
    <p class="card ok" role="status">
      签名有效：本结果文件由共议平台用公布的密钥签名，内容公布后未被改动。
    </p>
  ) : (
    <p class="card bad" role="alert">
      签名无效：{props.check.reason}。请勿采信本页结果，并向业委会和社区反映。
    </p>
  )
}

function SingleTally(props: { t: TallyView; approval: { num: number; den: number; label: string } }) {
  const t = props.t
  const row = (label: string, w: Weight | undefined) =>
    isWeight(w) ? (
      <tr>
        <td>{label}</td>
        <td class="num" data-label="人数">
          {w.voters}
        </td>
        <td class="num" data-label="面积（㎡）">
          {w.area}
        </td>
      </tr>
    ) : null
  return (
    <div>
      <h2>票数</h2>
      <table class="stack">
        <thead>
          <tr>
            <th></th>
            <th class="num">人数</th>
            <th class="num">面积（㎡）</th>
          </tr>
        </thead>
        <tbody>
          {row('同意', t.agree)}
          {row('反对', t.oppose)}
          {row('弃权', t.abstain)}
          {row('废票', t.spoiled)}
          {t.deemed?.voters ? row('未表决、按规约计入多数', t.deemed) : null}
          {row('参与表决', t.participated)}
          {row('投票权人总数', t.total)}
        </tbody>
      </table>
      <h2>参与表决（须达总数的三分之二）</h2>
      <div class="panel">
        <ParticipationBars participated={t.participated} total={t.total} />
      </div>
      <h2>同意（须{props.approval.label === '半数' ? '过参与表决的半数' : '达参与表决的四分之三'}）</h2>
      <div class="panel">
        <p>
          面积：{t.agree.area} / {t.participated.area} ㎡
        </p>
        <Bar part={t.agree.areaE4} whole={t.participated.areaE4} line={props.approval} label={`${t.agree.area} / ${t.participated.area} 平方米`} />
        <p>人数：{share(t.agree.voters, t.participated.voters)}</p>
        <Bar part={t.agree.voters} whole={t.participated.voters} line={props.approval} />
      </div>
    </div>
  )
}

function ElectionTally(props: { e: ElectionView }) {
  const e = props.e
  return (
    <div>
      <h2>参与表决（须达总数的三分之二）</h2>
      <div class="panel">
        <ParticipationBars participated={e.participated} total={e.total} />
      </div>
      <h2>候选人得票（须过参与表决面积和人数的半数；应选 {e.seats} 名）</h2>
      <div class="panel">
        {e.candidates.map((c) => (
          <div>
            <p>
              <strong>{c.name}</strong>
              {c.elected ? '（当选）' : ''}：面积 {c.votes.area} ㎡，人数 {share(c.votes.voters, e.participated.voters)}
            </p>
            <Bar part={c.votes.areaE4} whole={e.participated.areaE4} line={{ num: 1, den: 2, label: '半数' }} label={`${c.votes.area} / ${e.participated.area} 平方米`} />
          </div>
        ))}
      </div>
    </div>
  )
}
