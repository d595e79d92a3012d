import { SpreadsheetError } from './errors'
import type { Limits } from './limits'

/**
 * A streaming XML scanner for the parts of an XLSX, in one linear pass: text is fed in chunks as
 * it is inflated, and each tag and each run of text is reported once, whole. Element and attribute
 * names are given without their namespace prefix (`<x:row>` is a row). No DTD is read, so no entity
 * can expand; a tag or a run of text past its limit stops the file. Nothing is ever rescanned
 * more than a bounded number of times, so 40,000 unclosed tags cost what 40,000 closed ones do.
 */
export interface XmlHandler {
  open(name: string, attrs: Record<string, string>, selfClosing: boolean): void
  close(name: string): void
  text(text: string): void
}

const invalid = (why: string) => new SpreadsheetError('unreadable', `文件不是有效的 XLSX 文件（${why}）`)
const localName = (qname: string) => {
  const colon = qname.indexOf(':')
  return colon < 0 ? qname : qname.slice(colon + 1)
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }
export function unescapeXml(s: string): string {
  if (!s.includes('&')) return s
  return s.replace(/&(#x[0-9a-fA-F]{1,8}|#\d{1,10}|amp|lt|gt|quot|apos);/g, (_, e: string) => {
    if (e[0] !== '#') return ENTITIES[e]!
    const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
    // a reference past U+10FFFF is malformed XML (and a RangeError from fromCodePoint, i.e. a 500)
    if (!(cp <= 0x10ffff)) throw invalid('字符引用无效')
    return String.fromCodePoint(cp)
  })
}

/** `a="1" r:id='x'` → { a: '1', id: 'x' }, in one pass. */
function parseAttrs(s: string, from: number): Record<string, string> {
  const out: Record<string, string> = {}
  let i = from
  const n = s.length
  while (i < n) {
    while (i < n && s.charCodeAt(i) <= 32) i++
    if (i >= n) break
    const eq = s.indexOf('=', i)
    if (eq < 0) break
    const name = s.slice(i, eq).trim()
    let q = eq + 1
    while (q < n && s.charCodeAt(q) <= 32) q++
    const quote = s[q]
    if (quote !== '"' && quote !== "'") throw invalid('属性格式错误')
    const close = s.indexOf(quote, q + 1)
    if (close < 0) throw invalid('属性格式错误')
    const key = localName(name)
    if (!Object.hasOwn(out, key)) out[key] = unescapeXml(s.slice(q + 1, close))
    i = close + 1
  }
  return out
}

export class XmlScanner {
  private buf = ''
  constructor(
    private readonly h: XmlHandler,
    private readonly limits: Pick<Limits, 'tagChars' | 'textChars'>,
  ) {}

  /** Scans what is complete of buf + chunk; keeps the incomplete tail (bounded by the limits). */
  feed(chunk: string): void {
    const s = this.buf.length ? this.buf + chunk : chunk
    let i = 0
    const n = s.length
    while (i < n) {
      if (s[i] !== '<') {
        const lt = s.indexOf('<', i)
        if (lt < 0) {
          if (n - i > this.limits.textChars) throw new SpreadsheetError('too_large', '表格中有一段文字过长')
          break
        }
        this.h.text(unescapeXml(s.slice(i, lt)))
        i = lt
        continue
      }
      const end = this.tagEnd(s, i)
      if (end < 0) {
        if (n - i > this.limits.textChars) throw invalid('标签未闭合')
        break
      }
      this.tag(s, i, end)
      i = end
    }
    this.buf = i < n ? s.slice(i) : ''
  }

  end(): void {
    if (this.buf.trim() !== '') throw invalid('内容不完整')
    this.buf = ''
  }

  /** Index just past the markup starting at i, or -1 if it is not complete in s. */
  private tagEnd(s: string, i: number): number {
    if (s.startsWith('<!--', i)) {
      const e = s.indexOf('-->', i + 4)
      return e < 0 ? -1 : e + 3
    }
    if (s.startsWith('<![CDATA[', i)) {
      const e = s.indexOf(']]>', i + 9)
      return e < 0 ? -1 : e + 3
    }
    if (s.startsWith('<?', i)) {
      const e = s.indexOf('?>', i + 2)
      return e < 0 ? -1 : e + 2
    }
    // a tag: '>' outside quotes; a tag longer than the limit is no spreadsheet's
    const stop = Math.min(s.length, i + this.limits.tagChars)
    let quote = 0
    for (let k = i + 1; k < stop; k++) {
      const c = s.charCodeAt(k)
      if (quote) {
        if (c === quote) quote = 0
      } else if (c === 34 || c === 39) quote = c
      else if (c === 62) return k + 1
    }
    if (stop < s.length) throw invalid('标签过长')
    return -1
  }

  private tag(s: string, i: number, end: number): void {
    const c1 = s[i + 1]
    if (c1 === '?') return
    if (c1 === '!') {
      if (s.startsWith('<!--', i)) return
      if (s.startsWith('<![CDATA[', i)) return this.h.text(s.slice(i + 9, end - 3))
      throw invalid('不支持文档类型声明') // <!DOCTYPE: entities could expand; no XLSX part has one
    }
    if (c1 === '/') return this.h.close(localName(s.slice(i + 2, end - 1).trim()))
    const selfClosing = s[end - 2] === '/'
    const inner = end - (selfClosing ? 2 : 1)
    let k = i + 1
    while (k < inner && s.charCodeAt(k) > 32 && s[k] !== '/') k++
    const name = localName(s.slice(i + 1, k))
    if (!name) throw invalid('标签格式错误')
    this.h.open(name, k < inner ? parseAttrs(s.slice(k, inner), 0) : {}, selfClosing)
    if (selfClosing) this.h.close(name)
  }
}
