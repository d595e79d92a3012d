import type { Child } from 'hono/jsx'
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
