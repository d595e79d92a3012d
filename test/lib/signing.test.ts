import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify, type JsonWebKey } from 'node:crypto'
import fc from 'fast-check'
import { decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose'
import { describe, expect, it } from 'vitest'
import { canonicalJson, generateSigningJwk, jwks, loadSigningKeys, RESULT_JWS_TYPE, signDocument, verifyDocument, type SigningKeys } from '../../worker/lib/signing'

const doc = { type: 'gongyi.poll-result/1', pollId: 'p1', outcome: 'passed', title: '更换电梯', tally: { agree: { areaCenti: 12345, voters: 3 } }, ballots: { merkleRoot: 'ab'.repeat(32), treeSize: 4 } }
const opts = { issuer: 'https://gongyi.example', issuedAt: new Date('2026-11-22T08:00:00.000Z') }
const newKeys = async () => loadSigningKeys(await generateSigningJwk())
const b64 = (s: string) => Buffer.from(s, 'base64url')
const utf8 = (s: string) => b64(s).toString('utf8')
const enc = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url')
/** Signs header.payload with node:crypto, independently of jose: ES256 is ECDSA P-256 SHA-256, r ‖ s. */
function nodeSignJws(privateJwk: JsonWebKey, header: object, payload: string): string {
  const input = `${enc(header)}.${enc(payload)}`
  const sig = nodeSign('sha256', Buffer.from(input), { key: createPrivateKey({ key: privateJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' })
  return `${input}.${sig.toString('base64url')}`
}
/** Key material of a private JWK, to make sure no error message ever shows any of it. */
const material = (jwk: Record<string, unknown>) => ['d', 'x', 'y'].map((k) => jwk[k]).filter((v): v is string => typeof v === 'string')

describe('result signing: round trip (JWS ES256, JWKS)', () => {
  it('generates a private P-256 JWK whose kid is its RFC 7638 thumbprint', async () => {
    const jwk = JSON.parse(await generateSigningJwk()) as Record<string, string>
    expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' })
    for (const k of ['x', 'y', 'd']) expect(b64(jwk[k]!)).toHaveLength(32)
    // RFC 7638 §3: SHA-256 over the required members in lexicographic order, no whitespace
    const thumbprint = createHash('sha256').update(`{"crv":"P-256","kty":"EC","x":"${jwk.x}","y":"${jwk.y}"}`).digest('base64url')
    expect(jwk.kid).toBe(thumbprint)
    const keys = await loadSigningKeys(JSON.stringify(jwk))
    expect(keys.kid).toBe(thumbprint)
    expect(keys.privateKey.extractable).toBe(false)
    // a kid without the JWK's own falls back to the thumbprint; an operator's own kid is kept
    const { kid: _, ...noKid } = jwk
    expect((await loadSigningKeys(JSON.stringify(noKid))).kid).toBe(thumbprint)
    expect((await loadSigningKeys(JSON.stringify({ ...jwk, kid: '2026-11' }))).kid).toBe('2026-11')
  })

  it('signs and verifies; header and payload are what the format promises', async () => {
    const keys = await newKeys()
    const jws = await signDocument(keys, doc, opts)
    expect(await verifyDocument(jws, jwks([keys]))).toEqual({ payload: doc, kid: keys.kid })
    expect(decodeProtectedHeader(jws)).toEqual({ alg: 'ES256', typ: RESULT_JWS_TYPE, kid: keys.kid, iss: 'https://gongyi.example', iat: Date.parse('2026-11-22T08:00:00Z') / 1000 })
    // the payload is canonical JSON: a reordered document (as jsonb returns it) signs the same bytes
    const [, payload] = jws.split('.')
    expect(utf8(payload!)).toBe(canonicalJson(doc))
    const reordered = Object.fromEntries(Object.entries(doc).reverse())
    expect((await signDocument(keys, reordered, opts)).split('.')[1]).toBe(payload)
  })

  it('the JWKS carries public parts only', async () => {
    const keys = await newKeys()
    const other = await newKeys()
    // even a SigningKeys whose publicJwk was (wrongly) built with a private part
    const careless: SigningKeys = { ...other, publicJwk: { ...other.publicJwk, d: 'secret', p: 'q' } }
    const set = jwks([keys, careless])
    expect(set.keys).toHaveLength(2)
    for (const [i, k] of [keys, careless].entries()) {
      expect(set.keys[i]).toEqual({ kty: 'EC', crv: 'P-256', x: k.publicJwk.x, y: k.publicJwk.y, kid: k.kid, use: 'sig', alg: 'ES256' })
    }
    expect(JSON.stringify(set)).not.toMatch(/"d"|secret/)
  })
})

describe('result signing: an independent verifier and signer (node:crypto)', () => {
  it('node:crypto verifies our JWS (ES256 = IEEE P1363 r ‖ s) against the JWKS key', async () => {
    const keys = await newKeys()
    const jws = await signDocument(keys, doc, opts)
    const [header, payload, sig] = jws.split('.') as [string, string, string]
    const publicKey = createPublicKey({ key: jwks([keys]).keys[0] as JsonWebKey, format: 'jwk' })
    const check = (input: string) => nodeVerify('sha256', Buffer.from(input), { key: publicKey, dsaEncoding: 'ieee-p1363' }, b64(sig))
    expect(b64(sig)).toHaveLength(64)
    expect(check(`${header}.${payload}`)).toBe(true)
    expect(check(`${header}.${enc(canonicalJson({ ...doc, outcome: 'rejected' }))}`)).toBe(false)
    expect(JSON.parse(utf8(payload))).toEqual(doc)
  })

  it('we verify a JWS node:crypto signed with the configured key', async () => {
    const privateJwk = JSON.parse(await generateSigningJwk()) as JsonWebKey & { kid: string }
    const keys = await loadSigningKeys(JSON.stringify(privateJwk))
    const jws = nodeSignJws(privateJwk, { alg: 'ES256', typ: RESULT_JWS_TYPE, kid: privateJwk.kid }, JSON.stringify(doc))
    expect(await verifyDocument(jws, jwks([keys]))).toEqual({ payload: doc, kid: privateJwk.kid })
  })
})

describe('result signing: tampering and the wrong key fail', () => {
  it('a payload byte changed, a header changed, a signature byte changed, a part missing', async () => {
    const keys = await newKeys()
    const set = jwks([keys])
    const jws = await signDocument(keys, doc, opts)
    const [header, payload, sig] = jws.split('.') as [string, string, string]
    const bytes = b64(payload)
    for (const at of [0, 10, bytes.length - 1]) {
      const changed = Buffer.from(bytes)
      changed[at] = changed[at]! ^ 0x01
      await expect(verifyDocument(`${header}.${changed.toString('base64url')}.${sig}`, set), `byte ${at}`).rejects.toThrow()
    }
    await expect(verifyDocument(`${header}.${enc(canonicalJson({ ...doc, outcome: 'rejected' }))}.${sig}`, set)).rejects.toThrow()
    const newHeader = enc({ ...decodeProtectedHeader(jws), iss: 'https://evil.example' })
    await expect(verifyDocument(`${newHeader}.${payload}.${sig}`, set)).rejects.toThrow()
    const sigBytes = b64(sig)
    sigBytes[5] = sigBytes[5]! ^ 0x80
    await expect(verifyDocument(`${header}.${payload}.${sigBytes.toString('base64url')}`, set)).rejects.toThrow()
    await expect(verifyDocument(`${header}.${payload}.`, set)).rejects.toThrow()
    await expect(verifyDocument(`${header}.${payload}`, set)).rejects.toThrow()
    await expect(verifyDocument('', set)).rejects.toThrow()
  })

  it('signed by another key: refused, also when it claims the right kid', async () => {
    const a = await newKeys()
    const b = await newKeys()
    await expect(verifyDocument(await signDocument(b, doc, opts), jwks([a]))).rejects.toThrow()
    const impostor: SigningKeys = { ...b, kid: a.kid }
    await expect(verifyDocument(await signDocument(impostor, doc, opts), jwks([a]))).rejects.toThrow()
    // with both keys published, each verifies as its own kid
    const both = jwks([a, b])
    expect((await verifyDocument(await signDocument(b, doc, opts), both)).kid).toBe(b.kid)
  })

  it('a kid the JWKS does not have: refused, even though the key is the same', async () => {
    const keys = await newKeys()
    const jws = await signDocument(keys, doc, opts)
    const renamed = { keys: [{ ...jwks([keys]).keys[0]!, kid: 'other' }] }
    await expect(verifyDocument(jws, renamed)).rejects.toThrow()
    await expect(verifyDocument(jws, { keys: [] })).rejects.toThrow()
  })

  it('a valid signature in a header we never write: no kid, another typ, extra parameters, another alg', async () => {
    const privateJwk = JSON.parse(await generateSigningJwk()) as JsonWebKey & { kid: string }
    const keys = await loadSigningKeys(JSON.stringify(privateJwk))
    const set = jwks([keys])
    const body = JSON.stringify(doc)
    const base = { alg: 'ES256', typ: RESULT_JWS_TYPE, kid: keys.kid }
    await expect(verifyDocument(nodeSignJws(privateJwk, base, body), set)).resolves.toMatchObject({ kid: keys.kid })
    const { kid: _, ...noKid } = base
    await expect(verifyDocument(nodeSignJws(privateJwk, noKid, body), set)).rejects.toThrow(/kid/)
    await expect(verifyDocument(nodeSignJws(privateJwk, { ...base, typ: 'JWT' }, body), set)).rejects.toThrow(/typ/)
    await expect(verifyDocument(nodeSignJws(privateJwk, { ...base, jwk: set.keys[0] }, body), set)).rejects.toThrow(/header parameter/)
    await expect(verifyDocument(nodeSignJws(privateJwk, { ...base, alg: 'ES384' }, body), set)).rejects.toThrow()
    const unsecured = `${enc({ ...base, alg: 'none' })}.${enc(body)}.`
    await expect(verifyDocument(unsecured, set)).rejects.toThrow()
    // signed, but not a JSON object
    await expect(verifyDocument(nodeSignJws(privateJwk, base, '[1,2]'), set)).rejects.toThrow(/JSON object/)
    await expect(verifyDocument(nodeSignJws(privateJwk, base, 'not json'), set)).rejects.toThrow(/JSON/)
  })
})

describe('result signing: configuration errors are clear and show no key material', () => {
  it('refuses each malformed RESULT_SIGNING_JWK with a message naming the problem', async () => {
    const good = JSON.parse(await generateSigningJwk()) as Record<string, unknown>
    const other = JSON.parse(await generateSigningJwk()) as Record<string, unknown>
    const p384 = { ...(await exportJWK((await generateKeyPair('ES384', { extractable: true })).privateKey)) }
    const rsa = { ...(await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey)) }
    const { d: _, ...publicOnly } = good
    const offCurve = { ...good, y: good.x }
    const cases: [string, RegExp, Record<string, unknown>[]][] = [
      ['{not json', /not valid JSON/, []],
      ['["EC"]', /JSON object/, []],
      ['null', /JSON object/, []],
      [JSON.stringify(publicOnly), /private EC P-256/, [good]],
      [JSON.stringify({ ...good, d: 'short' }), /private EC P-256/, [good]],
      [JSON.stringify({ ...good, crv: 'P-384' }), /private EC P-256/, [good]],
      [JSON.stringify(p384), /private EC P-256/, [p384]],
      [JSON.stringify(rsa), /private EC P-256/, [rsa]],
      [JSON.stringify({ ...good, alg: 'RS256' }), /"alg"/, [good]],
      [JSON.stringify({ ...good, use: 'enc' }), /"use"/, [good]],
      [JSON.stringify({ ...good, kid: 42 }), /"kid"/, [good]],
      [JSON.stringify(offCurve), /could not be imported|does not belong/, [good]],
      [JSON.stringify({ ...good, d: other.d }), /does not belong/, [good, other]],
    ]
    for (const [config, message, secrets] of cases) {
      const err = await loadSigningKeys(config).then(
        () => null,
        (e: unknown) => e,
      )
      expect(err, config.slice(0, 20)).toBeInstanceOf(Error)
      const text = `${(err as Error).message} ${String((err as Error).stack)} ${String((err as Error).cause ?? '')}`
      expect((err as Error).message).toMatch(/^RESULT_SIGNING_JWK /)
      expect((err as Error).message).toMatch(message)
      for (const jwk of secrets) for (const m of material(jwk)) expect(text).not.toContain(m)
      // and no long base64url run of any kind
      expect((err as Error).message).not.toMatch(/[A-Za-z0-9_-]{40,}/)
    }
  })
})

describe('canonical JSON (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, keeps arrays in order, writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [3, { z: null, y: true }], '€': '同意', E: 'x', é: -0, '\u{1F600}': 1.5e-7, '\uFB33': 1e21 })).toBe(
      '{"E":"x","a":[3,{"y":true,"z":null}],"b":1,"é":0,"€":"同意","\u{1F600}":1.5e-7,"\uFB33":1e+21}',
    )
    expect(canonicalJson({ at: new Date('2026-11-22T00:00:00Z'), gone: undefined, list: [undefined] })).toBe('{"at":"2026-11-22T00:00:00.000Z","list":[null]}')
  })

  it('refuses what JSON would silently change', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError)
    expect(() => canonicalJson({ n: Infinity })).toThrow(TypeError)
    expect(() => canonicalJson({ n: 1n })).toThrow(TypeError)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(() => canonicalJson(cyclic)).toThrow(TypeError)
    // the same object twice is not a cycle
    const shared = { a: 1 }
    expect(canonicalJson({ x: shared, y: shared })).toBe('{"x":{"a":1},"y":{"a":1}}')
  })

  it('property: parses back to the same value, and key order does not matter', () => {
    const shuffle = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(shuffle) : v && typeof v === 'object' ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, shuffle(x)])) : v
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const s = canonicalJson(v)
        expect(JSON.parse(s)).toEqual(JSON.parse(JSON.stringify(v)))
        expect(canonicalJson(shuffle(v))).toBe(s)
      }),
      { numRuns: 300 },
    )
  })
})
