import { percentForPeople } from '../../shared/result-text'
import { money } from './parts'

/**
 * Server-rendered SVG charts for the accounts pages: no script, scale to the phone's width through
 * the viewBox, every label escaped by JSX. Amounts are integer fen; only the drawing is in floats.
 */
export interface Bar {
  label: string
  fen: number
}

const WIDTH = 360
const FONT = 'system-ui, "PingFang SC", "Noto Sans CJK SC", sans-serif'
const COLORS = ['#1769aa', '#b35900', '#2e7d32', '#6a1b9a', '#c62828', '#00838f', '#5d4037']
const round1 = (x: number) => Math.round(x * 10) / 10
const yuan = (fen: number) => `¥${money(fen)}`

/**
 * A label that fits the chart's width at 18px: a CJK character is about 18px wide, others about
 * 11px. The SVG is scaled to the phone, so text past the viewBox is cut off mid-character; a long
 * label ends in "…" instead (the table beside the chart and the bar's tooltip carry it whole).
 */
export function fitLabel(label: string, width = WIDTH): string {
  const w = (ch: string) => (ch.codePointAt(0)! >= 0x2e80 ? 18 : 11)
  let used = 0
  const chars = [...label]
  for (let i = 0; i < chars.length; i++) {
    used += w(chars[i]!)
    if (used > width) {
      let cut = i
      while (cut > 0 && used - w(chars[cut]!) + 18 > width) used -= w(chars[--cut]!)
      return `${chars.slice(0, cut).join('')}…`
    }
  }
  return label
}

/** Share of a whole to one decimal, half-up by integer arithmetic (percentForPeople): 1/3 → "33.3%". */
export const percent = (part: number, whole: number): string => (whole <= 0 ? '—' : percentForPeople(part, whole, 1))

function assertAmounts(bars: { fen: number }[]) {
  for (const b of bars) if (!Number.isSafeInteger(b.fen) || b.fen < 0) throw new RangeError(`chart amounts are non-negative integer fen, got ${b.fen}`)
}

const Empty = (props: { title: string }) => (
  <svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox={`0 0 ${WIDTH} 62`} font-family={FONT}>
    <title>{props.title}</title>
    <text x="0" y="20" font-size="19" font-weight="700" fill="#111">{props.title}</text>
    <text x="0" y="50" font-size="18" fill="#333">暂无数据</text>
  </svg>
)

/** One horizontal bar per item, the longest full width; the label, then the amount, then the bar. */
export function BarChart(props: { title: string; bars: Bar[]; color?: string }) {
  assertAmounts(props.bars)
  if (props.bars.length === 0) return <Empty title={props.title} />
  const max = Math.max(...props.bars.map((b) => b.fen))
  const row = 72
  const height = 32 + row * props.bars.length
  return (
    <svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox={`0 0 ${WIDTH} ${height}`} font-family={FONT}>
      <title>{props.title}</title>
      <text x="0" y="20" font-size="19" font-weight="700" fill="#111">{props.title}</text>
      {props.bars.map((b, i) => {
        const y = 32 + i * row
        const w = max > 0 ? round1((b.fen / max) * WIDTH) : 0
        return (
          <g>
            <title>{`${b.label}：${yuan(b.fen)}`}</title>
            <text x="0" y={y + 18} font-size="18" fill="#111">{fitLabel(b.label)}</text>
            <text x="0" y={y + 40} font-size="18" fill="#111">{yuan(b.fen)}</text>
            <rect x="0" y={y + 48} width={w} height="16" fill={props.color ?? COLORS[0]} />
          </g>
        )
      })}
    </svg>
  )
}

/** Two series per category side by side: this quarter against another (last quarter, last year). */
export function PairedBarChart(props: { title: string; series: [string, string]; rows: { label: string; a: number; b: number }[] }) {
  assertAmounts(props.rows.flatMap((r) => [{ fen: r.a }, { fen: r.b }]))
  if (props.rows.length === 0) return <Empty title={props.title} />
  const max = Math.max(...props.rows.flatMap((r) => [r.a, r.b]))
  const row = 64
  const top = 84
  const height = top + row * props.rows.length
  const w = (fen: number) => (max > 0 ? round1((fen / max) * WIDTH) : 0)
  return (
    <svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox={`0 0 ${WIDTH} ${height}`} font-family={FONT}>
      <title>{props.title}</title>
      <text x="0" y="20" font-size="19" font-weight="700" fill="#111">{props.title}</text>
      <rect x="0" y="31" width="16" height="16" fill={COLORS[0]} />
      <text x="22" y="46" font-size="18" fill="#111">{props.series[0]}</text>
      <rect x="0" y="57" width="16" height="16" fill={COLORS[1]} />
      <text x="22" y="72" font-size="18" fill="#111">{props.series[1]}</text>
      {props.rows.map((r, i) => {
        const y = top + i * row
        return (
          <g>
            <title>{`${r.label}：${props.series[0]} ${yuan(r.a)}，${props.series[1]} ${yuan(r.b)}`}</title>
            <text x="0" y={y + 18} font-size="18" fill="#111">{fitLabel(r.label)}</text>
            <rect x="0" y={y + 25} width={w(r.a)} height="14" fill={COLORS[0]} />
            <rect x="0" y={y + 41} width={w(r.b)} height="14" fill={COLORS[1]} />
          </g>
        )
      })}
    </svg>
  )
}

/** Where a whole went: one full-width bar split into its parts, and a legend with amount and share. */
export function ShareChart(props: { title: string; total: number; parts: Bar[] }) {
  assertAmounts([{ fen: props.total }, ...props.parts])
  if (props.parts.length === 0 || props.total === 0) return <Empty title={props.title} />
  const allocated = props.parts.reduce((a, p) => a + p.fen, 0)
  if (allocated > props.total) throw new RangeError(`parts (${allocated}) exceed the whole (${props.total})`)
  let x = 0
  const legendY = 86
  const entry = 48
  const height = legendY + entry * props.parts.length + 12
  return (
    <svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox={`0 0 ${WIDTH} ${height}`} font-family={FONT}>
      <title>{props.title}</title>
      <text x="0" y="20" font-size="19" font-weight="700" fill="#111">{props.title}</text>
      <rect x="0" y="32" width={WIDTH} height="28" fill="#ddd" stroke="#111" stroke-width="1" />
      {props.parts.map((p, i) => {
        const w = round1((p.fen / props.total) * WIDTH)
        const seg = <rect x={round1(x)} y="32" width={w} height="28" fill={COLORS[i % COLORS.length]}><title>{`${p.label}：${yuan(p.fen)}（${percent(p.fen, props.total)}）`}</title></rect>
        x += w
        return seg
      })}
      {props.parts.map((p, i) => (
        <g>
          <rect x="0" y={legendY + i * entry - 15} width="16" height="16" fill={COLORS[i % COLORS.length]} />
          <text x="22" y={legendY + i * entry} font-size="18" fill="#111">{fitLabel(p.label, WIDTH - 22)}</text>
          <text x="22" y={legendY + i * entry + 22} font-size="18" fill="#111">{`${yuan(p.fen)}（${percent(p.fen, props.total)}）`}</text>
        </g>
      ))}
      <text x="0" y={legendY + props.parts.length * entry} font-size="18" fill="#333">{`未分配　${yuan(props.total - allocated)}（${percent(props.total - allocated, props.total)}）`}</text>
    </svg>
  )
}
