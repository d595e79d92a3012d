import type * as z from 'zod'
import type { AccountsReply, ObjectionReply, StatementDetailReply } from '../../shared/api/disclosure'
import { periodZh, PUBLIC_REVENUE_USES, STATEMENT_KINDS, type StatementKind } from '../../shared/statements'
import { BarChart, PairedBarChart, ShareChart } from './charts'
import { Page } from './layout'
import { beijing, money, OverdueList } from './parts'

type Accounts = z.infer<typeof AccountsReply>
type Kind = Accounts['kinds'][number]

/** Change against a comparison, in fen, signed: "+¥1,000.00" / "−¥5.00" / "—". */
function delta(now: number, then: number | undefined) {
  // the period compared with was not published: say so, not a bare dash
  if (then === undefined) return '无可比数据'
  const d = now - then
  return d === 0 ? '持平' : `${d > 0 ? '+' : '−'}${money(Math.abs(d))}`
}

function KindCard(props: { k: Kind }) {
  const k = props.k
  const prev = k.previousQuarter ?? undefined
  const year = k.lastYear ?? undefined
  const net = k.incomeFen - k.expenseFen
  return (
    <div class="card">
      <h2 style="margin-top:0">{k.label}</h2>
      <p class="meta">
        {k.discloser === 'firm' ? '物业服务企业' : '业主委员会'}公开，第 {k.version} 版，{beijing(k.publishedAt)}　<a href={`/h5/statements/${k.statementId}`}>明细、异议与答复</a>
      </p>
      <table class="stack">
        <thead>
          <tr>
            <th>（元）</th>
            <th class="num">本季度</th>
            <th class="num">环比</th>
            <th class="num">同比</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>期初余额</td>
            <td class="num" data-label="本季度（元）">{money(k.openingFen)}</td>
            <td />
            <td />
          </tr>
          <tr>
            <td>收入</td>
            <td class="num" data-label="本季度（元）">{money(k.incomeFen)}</td>
            <td class="num" data-label="环比">{delta(k.incomeFen, prev?.incomeFen)}</td>
            <td class="num" data-label="同比">{delta(k.incomeFen, year?.incomeFen)}</td>
          </tr>
          <tr>
            <td>支出</td>
            <td class="num" data-label="本季度（元）">{money(k.expenseFen)}</td>
            <td class="num" data-label="环比">{delta(k.expenseFen, prev?.expenseFen)}</td>
            <td class="num" data-label="同比">{delta(k.expenseFen, year?.expenseFen)}</td>
          </tr>
          <tr>
            <td>期末余额</td>
            <td class="num" data-label="本季度（元）">{money(k.closingFen)}</td>
            <td class="num" data-label="环比">{delta(k.closingFen, prev?.closingFen)}</td>
            <td class="num" data-label="同比">{delta(k.closingFen, year?.closingFen)}</td>
          </tr>
        </tbody>
      </table>
      <BarChart title="收入构成" bars={k.income.map((c) => ({ label: c.category, fen: c.fen }))} />
      <BarChart title="支出构成" bars={k.expense.map((c) => ({ label: c.category, fen: c.fen }))} color="#b35900" />
      {k.kind === 'public_revenue' && net > 0 ? <ShareChart title={`公共收益净额 ¥${money(net)} 的去向`} total={net} parts={k.allocations.map((a) => ({ label: a.label, fen: a.fen }))} /> : null}
      {year || prev ? (
        <PairedBarChart
          title={year ? '与上年同期比较' : '与上一季度比较'}
          series={['本季度', year ? `上年同期（${periodZh(year.period)}）` : `上一季度（${periodZh(prev!.period)}）`]}
          rows={[
            { label: '收入', a: k.incomeFen, b: (year ?? prev)!.incomeFen },
            { label: '支出', a: k.expenseFen, b: (year ?? prev)!.expenseFen },
          ]}
        />
      ) : null}
    </div>
  )
}

/** A quarter's accounts for owners: plain numbers, QoQ and YoY, and the charts. */
export function AccountsPage(props: { communityId: string; accounts: Accounts; signedIn: boolean }) {
  const a = props.accounts
  return (
    <Page title={`${periodZh(a.period)} 账目公开`} nav={{ communityId: props.communityId, signedIn: props.signedIn, current: 'accounts' }}>
      <h1>{periodZh(a.period)} 账目公开</h1>
      {a.periods.length > 1 ? (
        <p class="meta">
          其他季度：
          {a.periods
            .filter((p) => p !== a.period)
            .map((p) => (
              <a href={`/h5/c/${props.communityId}/accounts?period=${p}`} style="margin-right:12px">
                {p}
              </a>
            ))}
        </p>
      ) : null}
      <OverdueList overdue={a.overdue} />
      {a.kinds.length === 0 ? <p class="meta">本季度尚无公开的报表。</p> : null}
      {a.kinds.map((k) => (
        <KindCard k={k} />
      ))}
    </Page>
  )
}

const DIRECTION_ZH = { income: '收入', expense: '支出', allocation: '分配' } as const

/** One statement version: every line, every version, the difference from the one before, and the objections. */
export function StatementPage(props: {
  statement: z.infer<typeof StatementDetailReply>
  communityId: string
  objections: z.infer<typeof ObjectionReply>[]
  canObject: boolean
  error?: string | null
  signedIn: boolean
}) {
  const s = props.statement
  const label = STATEMENT_KINDS[s.kind as StatementKind]?.label ?? s.kind
  const lineRow = (l: (typeof s.content.lines)[number], i: number) => (
    <tr>
      <td class="num" data-label="行">{i + 1}</td>
      <td data-label="类别">{DIRECTION_ZH[l.direction]}</td>
      <td data-label="科目">
        {l.category}
        {l.use ? `（${PUBLIC_REVENUE_USES[l.use as keyof typeof PUBLIC_REVENUE_USES] ?? l.use}）` : ''}
        {l.note ? <span class="meta">　{l.note}</span> : null}
        {l.authorisedBy ? <span class="meta">　依据：{'pollId' in l.authorisedBy ? `表决 ${l.authorisedBy.pollId}` : `应急使用记录 ${l.authorisedBy.emergencyId}`}</span> : null}
      </td>
      <td class="num" data-label="金额（元）">{money(l.amountFen)}</td>
    </tr>
  )
  return (
    <Page title={`${periodZh(s.period)} ${label}`} nav={{ communityId: props.communityId, signedIn: props.signedIn }}>
      <h1>
        {periodZh(s.period)} {label}
      </h1>
      <p class="meta">
        第 {s.version} 版，{beijing(s.publishedAt)} 公开{s.correctionReason ? `；更正理由：${s.correctionReason}` : ''}
        <br />
        摘要（SHA-256）：<span style="word-break:break-all">{s.contentHash}</span>
        <br />
        下载：<a href={`/h5/statements/${s.id}/export.xlsx`}>XLSX</a>　<a href={`/h5/statements/${s.id}/export.csv`}>CSV</a>
      </p>
      {props.error ? <p class="error" role="alert">{props.error}</p> : null}
      <table class="stack">
        <thead>
          <tr>
            <th class="num">行</th>
            <th>类别</th>
            <th>科目</th>
            <th class="num">金额（元）</th>
          </tr>
        </thead>
        <tbody>
          <tr>
            <td />
            <td colspan={2}>期初余额</td>
            <td class="num" data-label="金额（元）">{money(s.content.openingFen)}</td>
          </tr>
          {s.content.lines.map(lineRow)}
          <tr>
            <td />
            <td colspan={2}>收入合计 / 支出合计</td>
            <td class="num" data-label="金额（元）">
              {money(s.content.totals.incomeFen)} / {money(s.content.totals.expenseFen)}
            </td>
          </tr>
          <tr>
            <td />
            <td colspan={2}>期末余额</td>
            <td class="num" data-label="金额（元）">{money(s.content.closingFen)}</td>
          </tr>
        </tbody>
      </table>
      {s.versions.length > 1 ? (
        <div>
          <h2>全部版本</h2>
          <ul>
            {s.versions.map((v) => (
              <li>
                {v.id === s.id ? <strong>第 {v.version} 版（本页）</strong> : <a href={`/h5/statements/${v.id}`}>第 {v.version} 版</a>}　{beijing(v.publishedAt)}
                {v.correctionReason ? `　更正理由：${v.correctionReason}` : ''}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {s.diff ? (
        <div class="card">
          <strong>与第 {s.diff.fromVersion} 版的差异</strong>
          {s.diff.changed.map((c) => (
            <p>
              第 {c.line} 行：{c.before ? `${c.before.category} ${money(c.before.amountFen)}` : '（无）'} → {c.after ? `${c.after.category} ${money(c.after.amountFen)}` : '（删除）'}
            </p>
          ))}
          <p>
            期末余额：{money(s.diff.closingFen.before)} → {money(s.diff.closingFen.after)}
          </p>
        </div>
      ) : null}
      <h2 id="objections">异议与答复（{props.objections.length}）</h2>
      {props.objections.map((o) => (
        <div class="card">
          <p class="meta">
            {o.authorLabel}　{beijing(o.createdAt)}　{o.line ? `对第 ${o.line} 行` : '对整张报表'}
          </p>
          <div class="body">{o.body}</div>
          {o.answer ? (
            <p>
              <strong>{o.answererLabel}答复</strong>（{beijing(o.answeredAt!)}）：{o.answer}
            </p>
          ) : (
            <p class="meta">尚未答复</p>
          )}
        </div>
      ))}
      {props.canObject ? (
        <form method="post" action={`/h5/statements/${s.id}/objections`} class="panel">
          <label for="line">对第几行有异议（不填为整张报表）</label>
          <input id="line" name="line" inputmode="numeric" maxlength={4} />
          <label for="objection">异议内容（将以“楼栋房号 业主”的名义公开）</label>
          <textarea id="objection" name="body" rows={3} maxlength={2000} required />
          <button type="submit" class="secondary">提出异议</button>
        </form>
      ) : null}
    </Page>
  )
}
