import { describe, expect, it } from 'vitest'
import { createOaCipher, OaCryptoError, OaXmlError, parseOaXml, signatureValid, textReplyXml, wechatSignature } from '../../worker/wechat/oa/protocol'

// The vectors of ../shared/domain/wechat.md (Tencent's and node-webot's published tests).
describe('official-account protocol vectors', () => {
  it('1: msg_signature over token, timestamp, nonce and Encrypt, sorted as plain strings', async () => {
    expect(await wechatSignature(['RMNlACHlV5ThzfRlVS4D4', 'timestamp', 'nonce', 'encrypt'])).toBe('8edac0945683c119ee71c9f6256d76c48aa08a96')
  })

  it('2: the plain signature, checked in constant time', async () => {
    expect(await wechatSignature(['spamtest', '1409735669', '1320562132'])).toBe('16120ec1b8dbb870f510d87ce6bc2463eae6ca1a')
    expect(await signatureValid(['spamtest', '1409735669', '1320562132'], '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a')).toBe(true)
    expect(await signatureValid(['spamtest', '1409735669', '1320562133'], '16120ec1b8dbb870f510d87ce6bc2463eae6ca1a')).toBe(false)
    expect(await signatureValid(['spamtest', '1409735669', '1320562132'], undefined)).toBe(false)
    expect(await signatureValid(['spamtest', '1409735669', '1320562132'], '16120ec1')).toBe(false)
  })

  const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG'
  const expected = 'jn1L23DB+6ELqJ+6bruv21Y6MD7KeIfP82D6gU39rmkgczbWwt5+3bnyg5K55bgVtVzd832WzZGMhkP72vVOfg=='

  it('3: AES-256-CBC with 32-byte PKCS#7 encrypts to the published ciphertext and back', async () => {
    const cipher = await createOaCipher(key, 'wxb11529c136998cb6')
    expect(await cipher.encrypt('我是中文abcd123', new TextEncoder().encode('aaaabbbbccccdddd'))).toBe(expected)
    expect(await cipher.decrypt(expected)).toBe('我是中文abcd123')
  })

  it('3: another appid, a truncated or tampered ciphertext are refused', async () => {
    await expect((await createOaCipher(key, 'wx-someone-else')).decrypt(expected)).rejects.toBeInstanceOf(OaCryptoError)
    const cipher = await createOaCipher(key, 'wxb11529c136998cb6')
    await expect(cipher.decrypt(expected.slice(0, 40))).rejects.toBeInstanceOf(OaCryptoError)
    const bytes = Uint8Array.from(atob(expected), (ch) => ch.charCodeAt(0))
    bytes[bytes.length - 1]! ^= 1
    await expect(cipher.decrypt(btoa(String.fromCharCode(...bytes)))).rejects.toBeInstanceOf(OaCryptoError)
  })

  it('round-trips every padding length from 1 to 32', async () => {
    const cipher = await createOaCipher(key, 'wxb11529c136998cb6')
    for (let n = 0; n < 40; n++) {
      const msg = 'x'.repeat(n)
      expect(await cipher.decrypt(await cipher.encrypt(msg))).toBe(msg)
    }
  })
})

describe('official-account XML', () => {
  it('reads a text message, keeping MsgId a string (a 64-bit id loses precision as a number)', () => {
    const m = parseOaXml(
      '<xml><ToUserName><![CDATA[gh_x]]></ToUserName><FromUserName><![CDATA[openid]]></FromUserName>\n<CreateTime>1348831860</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[投票 12 同意 </Content> ]]></Content><MsgId>6054768590064713728</MsgId></xml>',
    )
    expect(m).toMatchObject({ ToUserName: 'gh_x', FromUserName: 'openid', CreateTime: '1348831860', MsgType: 'text', Content: '投票 12 同意 </Content> ', MsgId: '6054768590064713728' })
  })

  it('refuses DOCTYPE and entity declarations, and undeclared entities', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><xml><Content>&lol2;</Content></xml>'
    expect(() => parseOaXml(bomb)).toThrow(OaXmlError)
    expect(() => parseOaXml('<xml><Content>&lol;</Content></xml>')).toThrow(OaXmlError)
    expect(() => parseOaXml('{"not":"xml"}')).toThrow(OaXmlError)
  })

  it('a reply escapes CDATA terminators in the content', () => {
    const xml = textReplyXml('openid', 'gh_x', 'a]]>b', 1)
    expect(parseOaXml(xml).Content).toBe('a]]>b')
  })
})
