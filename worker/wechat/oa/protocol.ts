// The official account's server-message protocol (../shared/domain/wechat.md): signatures, the
// safe-mode envelope (AES-256-CBC with 32-byte PKCS#7), and the flat XML WeChat speaks.
// WebCrypto only: the same code runs on Node and in the Worker.
import { timingSafeEqualStr } from '../../lib/crypto'

const enc = new TextEncoder()
const dec = new TextDecoder('utf-8', { fatal: true })

const hex = (buf: ArrayBuffer) => Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('')

/** sha1_hex of the values sorted as plain strings and joined: both `signature` and `msg_signature`. */
export async function wechatSignature(values: string[]): Promise<string> {
  return hex(await crypto.subtle.digest('SHA-1', enc.encode([...values].sort().join(''))))
}

/** Constant-time check of a signature over `values` (a wrong length fails without comparing). */
export async function signatureValid(values: string[], given: string | undefined): Promise<boolean> {
  if (!given) return false
  return timingSafeEqualStr(await wechatSignature(values), given.toLowerCase())
}

// ---------------------------------------------------------------------------------------------
// Safe mode (消息加解密)

/** WeChat pads to 32-byte blocks (pad values 1..32), which WebCrypto's AES-CBC (16-byte PKCS#7) refuses. */
const WECHAT_BLOCK = 32
const AES_BLOCK = 16

export class OaCryptoError extends Error {}

export interface OaCipher {
  encrypt(message: string, random16?: Uint8Array): Promise<string>
  decrypt(encryptBase64: string): Promise<string>
}

function b64decode(s: string): Uint8Array<ArrayBuffer> {
  const bin = atob(s)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out
}

function b64encode(b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000))
  return btoa(s)
}

/** key = base64(EncodingAESKey + "="), 32 bytes; IV = its first 16 bytes; the appid closes every plaintext. */
export async function createOaCipher(encodingAesKey: string, appId: string): Promise<OaCipher> {
  if (!/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) throw new OaCryptoError('EncodingAESKey must be 43 base64 characters')
  const raw = b64decode(`${encodingAesKey}=`)
  const iv = raw.slice(0, AES_BLOCK)
  const key = await crypto.subtle.importKey('raw', raw, { name: 'AES-CBC' }, false, ['encrypt', 'decrypt'])
  const appIdBytes = enc.encode(appId)

  /** CBC without padding: WebCrypto always pads, so an input of whole blocks gains one block we drop. */
  async function cbcEncryptRaw(data: Uint8Array<ArrayBuffer>, withIv: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
    const out = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-CBC', iv: withIv }, key, data))
    return out.subarray(0, data.length)
  }

  return {
    async encrypt(message, random16 = crypto.getRandomValues(new Uint8Array(16))) {
      const msg = enc.encode(message)
      const body = new Uint8Array(16 + 4 + msg.length + appIdBytes.length)
      body.set(random16.subarray(0, 16), 0)
      new DataView(body.buffer).setUint32(16, msg.length, false)
      body.set(msg, 20)
      body.set(appIdBytes, 20 + msg.length)
      const pad = WECHAT_BLOCK - (body.length % WECHAT_BLOCK)
      const padded = new Uint8Array(body.length + pad)
      padded.set(body)
      padded.fill(pad, body.length)
      return b64encode(await cbcEncryptRaw(padded, iv))
    },

    async decrypt(encryptBase64) {
      let c: Uint8Array<ArrayBuffer>
      try {
        c = b64decode(encryptBase64)
      } catch {
        throw new OaCryptoError('Encrypt is not base64')
      }
      if (c.length === 0 || c.length % AES_BLOCK !== 0) throw new OaCryptoError('ciphertext is not whole blocks')
      // WebCrypto insists on 16-byte PKCS#7 at the end: append the block that decrypts to sixteen
      // 0x10 bytes after the last one (E_k(0x10… XOR C_last)), so it strips exactly that block.
      const last = c.slice(c.length - AES_BLOCK)
      const tail = await cbcEncryptRaw(new Uint8Array(AES_BLOCK).fill(AES_BLOCK), last)
      const extended = new Uint8Array(c.length + AES_BLOCK)
      extended.set(c)
      extended.set(tail, c.length)
      let plain: Uint8Array
      try {
        plain = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-CBC', iv }, key, extended))
      } catch {
        throw new OaCryptoError('decryption failed')
      }
      const pad = plain[plain.length - 1]!
      if (pad < 1 || pad > WECHAT_BLOCK || pad > plain.length) throw new OaCryptoError('bad padding')
      let bad = 0
      for (let i = plain.length - pad; i < plain.length; i++) bad |= plain[i]! ^ pad
      if (bad) throw new OaCryptoError('bad padding')
      const body = plain.subarray(0, plain.length - pad)
      if (body.length < 20) throw new OaCryptoError('plaintext too short')
      const len = new DataView(body.buffer, body.byteOffset, body.byteLength).getUint32(16, false)
      if (20 + len > body.length) throw new OaCryptoError('length out of range')
      const from = body.subarray(20 + len)
      if (from.length !== appIdBytes.length || !from.every((b, i) => b === appIdBytes[i])) throw new OaCryptoError('appid mismatch')
      try {
        return dec.decode(body.subarray(20, 20 + len))
      } catch {
        throw new OaCryptoError('message is not UTF-8')
      }
    },
  }
}

// ---------------------------------------------------------------------------------------------
// XML: WeChat's messages are one flat <xml> element. We read only that shape, and refuse any
// declaration (DOCTYPE, ENTITY): no entity is ever expanded, so an XML bomb is just refused.

export class OaXmlError extends Error {}

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }

function decodeText(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const n = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10)
      return n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : m
    }
    const v = NAMED[e]
    if (v === undefined) throw new OaXmlError(`undeclared entity &${e};`)
    return v
  })
}

/** The top-level children of `<xml>` as strings (nested elements are kept as their raw text). */
export function parseOaXml(text: string): Record<string, string> {
  if (/<!(?!\[CDATA\[)/.test(text)) throw new OaXmlError('declarations are not accepted')
  const body = text.replace(/^\uFEFF/, '').replace(/^\s*<\?xml[^?]*\?>/, '').trim()
  if (!body.startsWith('<xml>') || !body.endsWith('</xml>')) throw new OaXmlError('not a WeChat message')
  const inner = body.slice(5, -6)
  const out: Record<string, string> = Object.create(null)
  let i = 0
  while (i < inner.length) {
    const lt = inner.indexOf('<', i)
    if (lt < 0) {
      if (inner.slice(i).trim()) throw new OaXmlError('text outside elements')
      break
    }
    if (inner.slice(i, lt).trim()) throw new OaXmlError('text outside elements')
    const open = /^<([A-Za-z_][\w.-]*)\s*(\/?)>/.exec(inner.slice(lt))
    if (!open) throw new OaXmlError('malformed element')
    const name = open[1]!
    let p = lt + open[0].length
    if (open[2] === '/') {
      out[name] = ''
      i = p
      continue
    }
    let value = ''
    const close = `</${name}>`
    // CDATA may hold anything but "]]>", including text that looks like a closing tag
    while (true) {
      if (inner.startsWith('<![CDATA[', p)) {
        const end = inner.indexOf(']]>', p + 9)
        if (end < 0) throw new OaXmlError('unterminated CDATA')
        value += inner.slice(p + 9, end)
        p = end + 3
        continue
      }
      const nextCdata = inner.indexOf('<![CDATA[', p)
      const end = inner.indexOf(close, p)
      if (end < 0) throw new OaXmlError(`unclosed <${name}>`)
      if (nextCdata >= 0 && nextCdata < end) {
        value += decodeText(inner.slice(p, nextCdata))
        p = nextCdata
        continue
      }
      value += decodeText(inner.slice(p, end))
      p = end + close.length
      break
    }
    if (!(name in out)) out[name] = value
    i = p
  }
  return out
}

const cdata = (s: string) => `<![CDATA[${s.replace(/]]>/g, ']]]]><![CDATA[>')}]]>`

/** An element list as WeChat's XML: strings in CDATA, numbers bare. */
export function buildOaXml(fields: Record<string, string | number>): string {
  const parts = Object.entries(fields).map(([k, v]) => `<${k}>${typeof v === 'number' ? String(v) : cdata(v)}</${k}>`)
  return `<xml>${parts.join('')}</xml>`
}

/** The passive text reply: To/From swapped, CreateTime in seconds. */
export function textReplyXml(to: string, from: string, content: string, nowSeconds: number): string {
  return buildOaXml({ ToUserName: to, FromUserName: from, CreateTime: nowSeconds, MsgType: 'text', Content: content })
}

/** Safe mode's reply envelope around an encrypted message. */
export async function encryptedReplyXml(cipher: OaCipher, token: string, message: string, timestamp: string, nonce: string): Promise<string> {
  const encrypt = await cipher.encrypt(message)
  const signature = await wechatSignature([token, timestamp, nonce, encrypt])
  return buildOaXml({ Encrypt: encrypt, MsgSignature: signature, TimeStamp: timestamp, Nonce: nonce })
}

/** UTF-8 bytes of a string (WeChat's text limit is in bytes). */
export const utf8Length = (s: string) => enc.encode(s).length
