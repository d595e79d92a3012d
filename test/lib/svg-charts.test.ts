import { describe, expect, it } from 'vitest'
import { BarChart, fitLabel, PairedBarChart, percent, ShareChart } from '../../worker/pages/charts'

const svg = (node: unknown) => String(node)

/** Every tag opened is closed, in order: the SVG is well-formed XML (no parser dependency needed). */
function balanced(xml: string): boolean {
  const stack: string[] = []
  for (const m of xml.matchAll(/<(\/?)([a-zA-Z][\w:-]*)[^>]*?(\/?)>/g)) {
    const [, close, name, self] = m
    if (self) continue
    if (close) {
      if (stack.pop() !== name) return false
    } else stack.push(name!)
  }
  return stack.length === 0
}
const widths = (xml: string) => [...xml.matchAll(/<rect x="0" y="[\d.]+" width="([\d.]+)" height="16"/g)].map((m) => Number(m[1]))

describe('server-rendered SVG charts', () => {
  it('bars are proportional, the longest full width, amounts in yuan from fen', () => {
    const out = svg(BarChart({ title: '收入构成', bars: [{ label: '广告', fen: 300_000 }, { label: '停车', fen: 150_000 }, { label: '快递柜', fen: 0 }] }))
    expect(widths(out)).toEqual([360, 180, 0])
    expect(out).toContain('>¥3,000.00</text>') // thousands separated, as people read amounts, on a line of its own
    expect(out).toContain('role="img"')
    expect(balanced(out)).toBe(true)
  })

  it('a label too long for a phone-width chart ends in “…” within the width; the amount is never cut', () => {
    const long = '物业服务企业分成（合同约定20%）另含税费与管理费用分摊'
    const out = svg(BarChart({ title: '支出', bars: [{ label: long, fen: 312_000 }] }))
    const shown = /<text x="0" y="50" font-size="18" fill="#111">([^<]*)<\/text>/.exec(out)![1]!
    expect(shown.endsWith('…')).toBe(true)
    expect(long.startsWith(shown.slice(0, -1))).toBe(true)
    const width = [...shown].reduce((w, ch) => w + (ch.codePointAt(0)! >= 0x2e80 ? 18 : 11), 0)
    expect(width).toBeLessThanOrEqual(360)
    expect(out).toContain('>¥3,120.00</text>')
    expect(out).toContain(`<title>${long}：¥3,120.00</title>`) // whole in the tooltip
    expect(fitLabel('广告')).toBe('广告')
  })

  it('labels from users are escaped', () => {
    const out = svg(BarChart({ title: '<b>x</b>', bars: [{ label: '<script>alert(1)</script>&"', fen: 1 }] }))
    expect(out).not.toContain('<script>')
    expect(out).toContain('&lt;script&gt;')
    expect(out).not.toContain('<b>')
    expect(balanced(out)).toBe(true)
  })

  it('empty and all-zero charts are valid and contain no NaN or Infinity', () => {
    for (const out of [
      svg(BarChart({ title: '空', bars: [] })),
      svg(BarChart({ title: '零', bars: [{ label: 'a', fen: 0 }] })),
      svg(PairedBarChart({ title: '零', series: ['本季度', '上年同期'], rows: [{ label: '收入', a: 0, b: 0 }] })),
      svg(ShareChart({ title: '零', total: 0, parts: [] })),
    ]) {
      expect(out).not.toMatch(/NaN|Infinity/)
      expect(balanced(out)).toBe(true)
    }
    expect(svg(BarChart({ title: '空', bars: [] }))).toContain('暂无数据')
  })

  it('shares are exact to one decimal, and the unallocated rest is shown', () => {
    expect(percent(1, 3)).toBe('33.3%')
    expect(percent(2, 3)).toBe('66.7%')
    expect(percent(1, 8)).toBe('12.5%')
    expect(percent(0, 5)).toBe('0.0%')
    expect(percent(1, 0)).toBe('—')
    const out = svg(ShareChart({ title: '去向', total: 300, parts: [{ label: '补充专项维修资金', fen: 100 }, { label: '维修', fen: 100 }] }))
    expect(out).toContain('>补充专项维修资金</text>')
    expect(out).toContain('>¥1.00（33.3%）</text>') // the amount on its own line under the label: 18 px text fits a phone
    expect(out).toContain('未分配　¥1.00（33.3%）')
    expect(balanced(out)).toBe(true)
  })

  it('refuses amounts that are not non-negative integer fen, and parts beyond the whole', () => {
    expect(() => BarChart({ title: 'x', bars: [{ label: 'a', fen: -1 }] })).toThrow(RangeError)
    expect(() => BarChart({ title: 'x', bars: [{ label: 'a', fen: 1.5 }] })).toThrow(RangeError)
    expect(() => ShareChart({ title: 'x', total: 10, parts: [{ label: 'a', fen: 11 }] })).toThrow(RangeError)
  })
})
