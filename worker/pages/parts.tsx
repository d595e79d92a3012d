import type { Child } from 'hono/jsx'
import { formatCenti } from '../../shared/decimal'
import { STATEMENT_KINDS, type StatementKind } from '../../shared/statements'
import { Page } from './layout'

/** Beijing wall-clock time of an instant, as people read it on a notice: "2026-12-10 09:00". */
export const beijing = (iso: string) => new Date(Date.parse(iso) + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ')

/**
 * "a / b (xx.x%)": the exact counts first, the percent (one decimal, rounded down by integer
 * arithmetic) only as a reading aid. Decisions never come from this number.
 */
export function share(part: number, whole: number): string {
  if (whole <= 0) return `${part} / ${whole}`
  const permille = Math.floor((part * 1000) / whole)
  return `${part} / ${whole}（${Math.floor(permille / 10)}.${permille % 10}%）`
}

/** A bar of part/whole with the legal line drawn at num/den of the width (the 2/3, 1/2, 3/4 lines). */
export function Bar(props: { part: number; whole: number; line?: { num: number; den: number; label: string } }) {
  const width = props.whole > 0 ? Math.min(100, Math.floor((props.part * 1000) / props.whole) / 10) : 0
  const at = props.line ? Math.floor((props.line.num * 1000) / props.line.den) / 10 : null
  return (
    <div class="bar" role="img" aria-label={`${props.part} / ${props.whole}${props.line ? `，法定线 ${props.line.label}` : ''}`}>
      <div class="fill" style={`width:${width}%`} />
      {at !== null ? <div class="line" style={`left:${at}%`} title={props.line!.label} /> : null}
    </div>
  )
}

export function ErrorPage(props: { status: number; code: string; message: string; back?: string }) {
  return (
    <Page title="出错了">
      <h1>无法完成</h1>
      <p class="error">{props.message}</p>
      <p class="meta">错误代码：{props.code}（{props.status}）</p>
      {props.back ? <p><a href={props.back}>返回</a></p> : null}
    </Page>
  )
}

export const Section = (props: { title: string; children: Child }) => (
  <section>
    <h2>{props.title}</h2>
    {props.children}
  </section>
)

type Weight = { areaCenti: number; voters: number }

/** Participation against the 2/3 lines of 民法典 第278条, by area and by voters. */
export function ParticipationBars(props: { participated: Weight; total: Weight; needs?: Weight }) {
  const { participated: p, total: t, needs } = props
  const twoThirds = { num: 2, den: 3, label: '三分之二' }
  return (
    <div>
      <p>
        已参与面积：{formatCenti(p.areaCenti)} / {formatCenti(t.areaCenti)} ㎡{needs ? `（须达三分之二：${formatCenti(needs.areaCenti)} ㎡）` : ''}
      </p>
      <Bar part={p.areaCenti} whole={t.areaCenti} line={twoThirds} />
      <p>
        已参与人数：{share(p.voters, t.voters)}
        {needs ? `（须达 ${needs.voters} 人）` : ''}
      </p>
      <Bar part={p.voters} whole={t.voters} line={twoThirds} />
    </div>
  )
}

/** The enforcement-contacts table, with numbers a phone can dial by a tap. */
export const ContactsTable = (props: { contacts: { department: string; handles: string; phone: string }[] }) => (
  <table>
    <thead>
      <tr>
        <th>部门</th>
        <th>在小区内负责</th>
        <th>联系方式</th>
      </tr>
    </thead>
    <tbody>
      {props.contacts.map((c) => (
        <tr>
          <td>{c.department}</td>
          <td>{c.handles}</td>
          <td>
            <a href={`tel:${c.phone.replace(/[^0-9+]/g, '')}`}>{c.phone}</a>
          </td>
        </tr>
      ))}
    </tbody>
  </table>
)

/** Statements missing past their deadline, as owners, the committee and staff see them. */
export const OverdueList = (props: { overdue: { kind: string; period: string; deadline: string }[] }) =>
  props.overdue.length ? (
    <div class="card bad">
      <strong>逾期未公开的账目</strong>
      <ul>
        {props.overdue.map((o) => (
          <li>
            {o.period} {STATEMENT_KINDS[o.kind as StatementKind]?.label ?? o.kind}（应于 {o.deadline} 前公开）
          </li>
        ))}
      </ul>
    </div>
  ) : null
