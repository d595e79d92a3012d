import type { Child } from 'hono/jsx'
import { formatFen } from '../../shared/decimal'
import type { AreaWeight } from '../../shared/result-document'
import { beijingDate, beijingTime } from '../../shared/time'
import { percentForPeople } from '../../shared/result-text'
import { periodZh, STATEMENT_KINDS, type StatementKind } from '../../shared/statements'
import { Page } from './layout'

/** An instant as people read it: Beijing time in Chinese form ("2026年12月6日 08:09"). */
export const beijing = (iso: string) => beijingTime(iso)
export { beijingDate }

/** Yuan with thousands separators for people to read ("1,234,567.89"); the amount stays integer fen. */
export function money(fen: number): string {
  const s = formatFen(fen)
  const [int, dec] = s.replace('-', '').split('.')
  return `${s.startsWith('-') ? '−' : ''}${int!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${dec ? `.${dec}` : ''}`
}

/**
 * Phone numbers a tap dials, shown as written. A board often lists two for one desk
 * ("110 / 010-55551100"): each is its own link, since one link would dial both run together.
 */
export const Tel = (props: { phone: string }) => (
  <>
    {props.phone
      .split(/\s*[/／、,，;；]\s*/)
      .filter((p) => p.trim())
      .map((p, i) => {
        const digits = p.replace(/[^0-9+]/g, '')
        return (
          <>
            {i > 0 ? ' / ' : ''}
            {digits.length >= 3 ? <a href={`tel:${digits}`}>{p}</a> : p}
          </>
        )
      })}
  </>
)

/**
 * A share to one decimal, rounded half-up by integer arithmetic, never showing a legal line reached
 * that was not (percentForPeople): 5/68 → "7.4%", just under 2/3 → "66.6%", 2/3 → "66.7%".
 */
export const pct = (part: number, whole: number): string => percentForPeople(part, whole, 1)

/** "a / b (xx.x%)": the exact counts first, the percent only as a reading aid. Decisions never come from this number. */
export function share(part: number, whole: number): string {
  if (whole <= 0) return `${part} / ${whole}`
  return `${part} / ${whole}（${pct(part, whole)}）`
}

/** A bar of part/whole with the legal line (or another named target) drawn at num/den of the width (the 2/3, 1/2, 3/4 lines). */
export function Bar(props: { part: number; whole: number; line?: { num: number; den: number; label: string }; lineName?: string; label?: string }) {
  const width = props.whole > 0 ? Math.min(100, Number((BigInt(props.part) * 1000n) / BigInt(props.whole)) / 10) : 0
  const at = props.line ? Math.floor((props.line.num * 1000) / props.line.den) / 10 : null
  return (
    <div class="bar" role="img" aria-label={`${props.label ?? `${props.part} / ${props.whole}`}${props.line ? `，${props.lineName ?? '法定线'} ${props.line.label}` : ''}`}>
      <div class="fill" style={`width:${width}%`} />
      {at !== null ? <div class="line" style={`left:${at}%`} title={props.line!.label} /> : null}
    </div>
  )
}

type Icon = 'success' | 'warn' | 'info' | 'wait'
const ICON_CHAR: Record<Icon, string> = { success: '✓', warn: '!', info: 'i', wait: '…' }

/**
 * WeUI's message page: a big icon, the outcome in words, what it means, and the next step as a
 * full-width button. Every state a person can reach ends on one of these, never on a code.
 */
export function Msg(props: { icon: Icon; title: string; lead?: string; children?: Child; actions?: { href: string; label: string; secondary?: boolean }[]; code?: string }) {
  return (
    <div class="msg" role={props.icon === 'warn' ? 'alert' : 'status'} data-code={props.code}>
      <span class={`icon ${props.icon === 'success' ? '' : props.icon}`} aria-hidden="true">
        {ICON_CHAR[props.icon]}
      </span>
      <h1>{props.title}</h1>
      {props.lead ? <p class="lead">{props.lead}</p> : null}
      {props.children}
      {props.actions?.map((a) => (
        <a class={a.secondary ? 'btn secondary' : 'btn'} href={a.href}>
          {a.label}
        </a>
      ))}
    </div>
  )
}

/** What a person can do next after each refusal; the machine code stays out of sight (data-code). */
const NEXT_STEP: Partial<Record<string, string>> = {
  NOT_FOUND: '链接可能抄错了，或者这一页只对本小区的业主和工作人员显示（受托代为投票的人只在表决期间可以打开）。请从小区公告或“我的”页面进入。',
  FORBIDDEN: '请回到本网站的页面重新操作。如果是别人发给您的链接，请不要在其中填写任何信息。',
  RATE_LIMITED: '为防止冒用，验证码和登录尝试有次数限制，请稍等后再试。',
  INTERNAL: '请稍后再试；如果一直这样，请联系业委会或物业。',
  SERVICE_UNAVAILABLE: '请稍后再试。',
  SMS_UNAVAILABLE: '请稍后再试。',
  RESULT_NOT_PUBLISHED: '投票截止并完成计票后，结果会在这里公布，并张贴在小区公告栏。',
}

export function ErrorPage(props: { status: number; code: string; message: string; back?: string }) {
  return (
    <Page title={props.message}>
      <Msg
        icon="warn"
        title={props.message}
        code={props.code}
        actions={[props.back ? { href: props.back, label: '返回' } : { href: '/h5/me', label: '回到“我的”' }]}
      >
        <p>{NEXT_STEP[props.code] ?? '请返回上一页重新操作。'}</p>
      </Msg>
    </Page>
  )
}

/** What a form's last step did, above the page: done (a status), or refused and why (an alert). */
export const Flash = (props: { notice?: string | null; error?: string | null }) => (
  <>
    {props.notice ? (
      <p class="card ok" role="status">
        {props.notice}
      </p>
    ) : null}
    {props.error ? (
      <p class="card bad" role="alert">
        {props.error}
      </p>
    ) : null}
  </>
)

export const Section = (props: { title: string; children: Child }) => (
  <section>
    <h2>{props.title}</h2>
    {props.children}
  </section>
)

/** Participation against the 2/3 lines of 民法典 第278条, by area (exact, as registered) and by voters. */
export function ParticipationBars(props: { participated: AreaWeight; total: AreaWeight; needs?: AreaWeight }) {
  const { participated: p, total: t, needs } = props
  const twoThirds = { num: 2, den: 3, label: '三分之二' }
  return (
    <div>
      <p>
        已参与面积：{p.area} / {t.area} ㎡{needs ? `（须达三分之二：${needs.area} ㎡）` : ''}
      </p>
      <Bar part={p.areaE4} whole={t.areaE4} line={twoThirds} label={`${p.area} / ${t.area} 平方米`} />
      <p>
        已参与人数：{share(p.voters, t.voters)}
        {needs ? `（须达 ${needs.voters} 人）` : ''}
      </p>
      <Bar part={p.voters} whole={t.voters} line={twoThirds} />
    </div>
  )
}

/** The enforcement-contacts list, with numbers a phone can dial by a tap. */
export const ContactsTable = (props: { contacts: { department: string; handles: string; phone: string }[] }) => (
  <ul class="cells">
    {props.contacts.map((c) => (
      <li>
        <strong>{c.department}</strong>
        <p>在小区内负责：{c.handles}</p>
        <p>
          电话：<Tel phone={c.phone} />
        </p>
      </li>
    ))}
  </ul>
)

/** Statements missing past their deadline, as owners, the committee and staff see them. */
export const OverdueList = (props: { overdue: { kind: string; period: string; deadline: string }[] }) =>
  props.overdue.length ? (
    <div class="card bad">
      <strong>逾期未公开的账目</strong>
      <ul>
        {props.overdue.map((o) => (
          <li>
            {periodZh(o.period)} {STATEMENT_KINDS[o.kind as StatementKind]?.label ?? o.kind}（最迟应于 {beijingDate(o.deadline)}（含当日）公开）
          </li>
        ))}
      </ul>
    </div>
  ) : null
