import { formatCenti } from '../../shared/decimal'
import type { Tally } from '../../shared/tally'
import type { ReceiptCheck, SignatureCheck } from '../services/results/check'
import { Page } from './layout'
import { Bar, beijing, ParticipationBars, share } from './parts'


type Weight = { areaCenti: number; voters: number }
interface ResultDocument {
  pollId: string
  communityId: string
  title: string
  matterLabel: string
  approvalClass: 'ordinary' | 'special'
  outcomeText: string
  tally: Tally | null
  election: { seats: number; participated: Weight; total: Weight; quorum: boolean; candidates: { name: string; votes: Weight; elected: boolean }[] } | null
  ballots: { merkleRoot: string; treeSize: number }
  closedAt: string
  noticeOverrideReason: string | null
}

const RECEIPT_TEXT = {
  counted: '核验通过：这张选票在公布的结果中，已按原样计入。',
  superseded: '这张回执对应的选票已被同一投票权人之后的选票（或按本小区规则优先的纸质票）取代，未计入结果；计入的是最后有效的那一张。',
  not_found: '找不到这张回执。请核对回执是否抄写正确。',
  invalid_proof: '核验失败：证明与公布的默克尔根不符。请立即向业委会和社区反映。',
}

/**
 * The published result as anyone can check it: the numbers, the bars against the legal lines
 * (民法典 第278条: 2/3 participation; more than 1/2, or 3/4 for the special matters, of those
 * taking part), whether the signature holds against the published keys, and a receipt check.
 */
export function ResultPage(props: { document: Record<string, unknown>; signature: SignatureCheck; receipt: ReceiptCheck | null; signedIn: boolean }) {
  const d = props.document as unknown as ResultDocument
  const approval = d.approvalClass === 'special' ? { num: 3, den: 4, label: '四分之三' } : { num: 1, den: 2, label: '半数' }
  return (
    <Page title={`表决结果：${d.title}`} nav={{ communityId: d.communityId, signedIn: props.signedIn }}>
      <p>
        <span class="tag">表决结果</span>
      </p>
      <h1>{d.title}</h1>
      <p class="meta">
        事项：{d.matterLabel}　结果公布：{beijing(d.closedAt)}
      </p>
      <SignatureBlock check={props.signature} />
      <p class="card">{d.outcomeText}</p>
      {d.noticeOverrideReason ? <p class="meta">本次表决公告期不足15日，理由：{d.noticeOverrideReason}</p> : null}
      {d.tally ? <SingleTally t={d.tally} approval={approval} /> : null}
      {d.election ? <ElectionTally e={d.election} /> : null}

      <h2>核验我的选票</h2>
      <p class="meta">
        全部 {d.ballots.treeSize} 张计入的选票构成默克尔树，树根 <span class="num" style="word-break:break-all">{d.ballots.merkleRoot}</span> 已写入签名的结果文件。
      </p>
      {props.receipt ? (
        <p class={props.receipt.outcome === 'counted' ? 'card ok' : 'card bad'} role="status">
          回执 {props.receipt.receipt}：{RECEIPT_TEXT[props.receipt.outcome]}
        </p>
      ) : null}
      <form method="get" action={`/h5/polls/${d.pollId}/result`}>
        <label>
          投票回执
          <input name="receipt" maxlength={64} autocomplete="off" required />
        </label>
        <button type="submit">核验</button>
      </form>
      <p class="meta">
        签名文件：<a href={`/api/polls/${d.pollId}/result`}>结果文件（JSON）</a>　公钥：<a href="/.well-known/jwks.json">/.well-known/jwks.json</a>
      </p>
    </Page>
  )
}

export function SignatureBlock(props: { check: SignatureCheck }) {
  return props.check.valid ? (
    <p class="card ok" role="status">
      签名有效：本结果文件由共议平台用公布的密钥（{props.check.kid.slice(0, 12)}…）签名，内容公布后未被改动。
    </p>
  ) : (
    <p class="card bad" role="alert">
      签名无效：{props.check.reason}。请勿采信本页结果，并向业委会和社区反映。
    </p>
  )
}

function SingleTally(props: { t: Tally; approval: { num: number; den: number; label: string } }) {
  const t = props.t
  const row = (label: string, w: Weight) => (
    <tr>
      <td>{label}</td>
      <td class="num">{w.voters}</td>
      <td class="num">{formatCenti(w.areaCenti)}</td>
    </tr>
  )
  return (
    <div>
      <h2>参与表决（须达总数的三分之二）</h2>
      <ParticipationBars participated={t.participated} total={t.total} />
      <h2>同意（须{props.approval.label === '半数' ? '过参与表决的半数' : '达参与表决的四分之三'}）</h2>
      <p>面积：{formatCenti(t.agree.areaCenti)} / {formatCenti(t.participated.areaCenti)} ㎡</p>
      <Bar part={t.agree.areaCenti} whole={t.participated.areaCenti} line={props.approval} />
      <p>人数：{share(t.agree.voters, t.participated.voters)}</p>
      <Bar part={t.agree.voters} whole={t.participated.voters} line={props.approval} />
      <table>
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
          {t.deemed.voters ? row('未表决、按规约计入多数', t.deemed) : null}
          {row('参与表决', t.participated)}
          {row('投票权人总数', t.total)}
        </tbody>
      </table>
    </div>
  )
}

function ElectionTally(props: { e: NonNullable<ResultDocument['election']> }) {
  const e = props.e
  return (
    <div>
      <h2>参与表决（须达总数的三分之二）</h2>
      <ParticipationBars participated={e.participated} total={e.total} />
      <h2>候选人得票（须过参与表决面积和人数的半数；应选 {e.seats} 名）</h2>
      {e.candidates.map((c) => (
        <div>
          <p>
            <strong>{c.name}</strong>
            {c.elected ? '（当选）' : ''}：面积 {formatCenti(c.votes.areaCenti)} ㎡，人数 {share(c.votes.voters, e.participated.voters)}
          </p>
          <Bar part={c.votes.areaCenti} whole={e.participated.areaCenti} line={{ num: 1, den: 2, label: '半数' }} />
        </div>
      ))}
    </div>
  )
}
