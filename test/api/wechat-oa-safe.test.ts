import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { oaInbound } from '../../drizzle/schema'
import { startHarness, type Harness } from '../helpers/harness'

// Safe mode (消息加解密): the fake WeChat encrypts with node:crypto, our side with WebCrypto.
let h: Harness
beforeAll(async () => {
  h = await startHarness({ config: { WECHAT_OA_ENCODING_AES_KEY: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG' } })
})
afterAll(async () => {
  await h?.close()
})

describe('the official-account callback in safe mode', () => {
  it('decrypts a message, checks msg_signature, and answers with an encrypted, signed reply', async () => {
    const from = `oSafe${process.pid}`
    const r = await h.oa.send({ from, content: '帮助', msgId: '9054768590064713731' })
    expect(r.raw).toContain('<Encrypt>')
    expect(r.raw).not.toContain('共议')
    expect(r.reply).toContain('共议·业主表决助手')
    expect(await h.db.select().from(oaInbound).where(eq(oaInbound.key, 'msg:9054768590064713731'))).toHaveLength(1)
  })

  it('a bad msg_signature, and a plaintext body where encryption is required, are refused and not recorded', async () => {
    const from = `oSafe${process.pid}b`
    const forged = await h.oa.send({ from, content: '帮助', msgId: '9054768590064713732' }, { badSignature: true })
    expect(forged.status).toBe(401)
    const forgedEnvelope = await h.oa.send({ from, content: '帮助', msgId: '9054768590064713732' }, { badMsgSignature: true })
    expect(forgedEnvelope.status).toBe(401)
    expect(forgedEnvelope.raw).toContain('WECHAT_SIGNATURE_INVALID')
    const plain = `<xml><ToUserName><![CDATA[gh]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>1</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[帮助]]></Content><MsgId>9054768590064713733</MsgId></xml>`
    const refused = await h.oa.send({ from }, { xml: plain })
    expect(refused.status).toBe(400)
    for (const id of ['9054768590064713732', '9054768590064713733']) expect(await h.db.select().from(oaInbound).where(eq(oaInbound.key, `msg:${id}`))).toHaveLength(0)
  })
})
