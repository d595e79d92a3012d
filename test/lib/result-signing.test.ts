import { createPublicKey, verify as nodeVerify } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateSigningJwk, jwks, loadSigningKeys, signDocument, verifyDocument } from '../../worker/lib/signing'

const doc = { pollId: 'p1', outcome: 'passed', tally: { agree: { areaCenti: 12345, voters: 3 } } }

describe('result signing (JWS ES256, JWKS)', () => {
  it('signs and verifies; the JWKS carries no private part', async () => {
    const keys = await loadSigningKeys(await generateSigningJwk())
    const jws = await signDocument(keys, doc, { issuer: 'https://gongyi.example', issuedAt: new Date('2026-11-22T00:00:00Z') })
    const set = jwks([keys])
    expect(set.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: keys.kid })
    expect(set.keys[0]).not.toHaveProperty('d')
    const out = await verifyDocument(jws, set)
    expect(out).toEqual({ payload: doc, kid: keys.kid })
  })

  it('an independent verifier (node:crypto, IEEE P1363 ES256) accepts the signature', async () => {
    const keys = await loadSigningKeys(await generateSigningJwk())
    const jws = await signDocument(keys, doc, { issuer: 'x', issuedAt: new Date() })
    const [header, payload, sig] = jws.split('.')
    const ok = nodeVerify('sha256', Buffer.from(`${header}.${payload}`), { key: createPublicKey({ key: keys.publicJwk as never, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(sig!, 'base64url'))
    expect(ok).toBe(true)
    expect(JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'))).toEqual(doc)
  })

  it('refuses a changed payload, another key, and an unknown kid', async () => {
    const a = await loadSigningKeys(await generateSigningJwk())
    const b = await loadSigningKeys(await generateSigningJwk())
    const jws = await signDocument(a, doc, { issuer: 'x', issuedAt: new Date() })
    const [header, , sig] = jws.split('.')
    const forged = `${header}.${Buffer.from(JSON.stringify({ ...doc, outcome: 'rejected' })).toString('base64url')}.${sig}`
    await expect(verifyDocument(forged, jwks([a]))).rejects.toThrow()
    await expect(verifyDocument(jws, jwks([b]))).rejects.toThrow()
    const otherKid = { keys: [{ ...jwks([a]).keys[0]!, kid: 'other' }] }
    await expect(verifyDocument(jws, otherKid)).rejects.toThrow()
  })

  it('a malformed key is refused with a message that shows no key material', async () => {
    await expect(loadSigningKeys('{not json')).rejects.toThrow(/not valid JSON/)
    const pub = JSON.parse(await generateSigningJwk()) as Record<string, string>
    const secret = pub.d!
    delete pub.d
    const err = await loadSigningKeys(JSON.stringify(pub)).catch((e: Error) => e)
    expect(String(err)).toMatch(/private EC P-256/)
    expect(String(err)).not.toContain(secret)
  })
})
