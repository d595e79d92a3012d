import { serve } from '@hono/node-server'
import { getConnInfo } from '@hono/node-server/conninfo'
import { Hono } from 'hono'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'
import { parseConfig } from '../../worker/config'
import { clientAddress, limitKeyOf } from '../../worker/lib/client-ip'

const secrets = { JWT_SECRET: 'j'.repeat(40), ID_HASH_SECRET: 'i'.repeat(40) }

describe('the client address (Node entry)', () => {
  it('believes X-Forwarded-For only from a configured proxy, read from the right', () => {
    const trusted = parseConfig({ ...secrets, TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.5' }).TRUSTED_PROXIES
    // no proxy configured, or a peer that is not one: the header is the client's own words
    expect(clientAddress('203.0.113.7', '1.2.3.4', [])).toBe('203.0.113.7')
    expect(clientAddress('203.0.113.7', '1.2.3.4', trusted)).toBe('203.0.113.7')
    // behind our proxy: the address it saw; what the client wrote to its left is ignored
    expect(clientAddress('10.1.2.3', '6.6.6.6, 198.51.100.9', trusted)).toBe('198.51.100.9')
    // through two of our proxies
    expect(clientAddress('192.168.1.5', '198.51.100.9, 10.0.0.2', trusted)).toBe('198.51.100.9')
    expect(clientAddress('::ffff:10.0.0.9', '198.51.100.10', trusted)).toBe('198.51.100.10')
    expect(clientAddress(undefined, undefined, trusted)).toBe('unknown')
  })

  it('refuses a malformed TRUSTED_PROXIES at start-up', () => {
    expect(() => parseConfig({ ...secrets, TRUSTED_PROXIES: '10.0.0.0/40' })).toThrow(/TRUSTED_PROXIES/)
    expect(() => parseConfig({ ...secrets, TRUSTED_PROXIES: 'proxy.example.com' })).toThrow(/TRUSTED_PROXIES/)
    expect(parseConfig(secrets).TRUSTED_PROXIES).toEqual([])
  })

  it('on a real socket, as the Node entry reads it', async () => {
    const seen = (trusted: string[]) => {
      const app = new Hono().get('/', (c) => c.text(clientAddress(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), trusted)))
      return new Promise<{ url: string; close: () => void }>((resolve) => {
        const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, (info: AddressInfo) => resolve({ url: `http://127.0.0.1:${info.port}/`, close: () => server.close() }))
      })
    }
    for (const [trusted, expected] of [[[], '127.0.0.1'], [['127.0.0.1'], '198.51.100.9']] as const) {
      const s = await seen([...trusted])
      try {
        const res = await fetch(s.url, { headers: { 'x-forwarded-for': '198.51.100.9' } })
        expect(await res.text()).toBe(expected)
      } finally {
        s.close()
      }
    }
  })
})

describe('the key a per-address limit counts by', () => {
  it('is the address for IPv4, the /64 network for IPv6, however written', () => {
    expect(limitKeyOf('10.0.0.1')).toBe('10.0.0.1')
    expect(limitKeyOf('::ffff:10.0.0.1')).toBe('10.0.0.1')
    // one subscriber's /64: every address in it is one client
    const keys = ['2001:db8:1:2::1', '2001:db8:1:2::28', '2001:0DB8:0001:0002:aaaa:bbbb:cccc:dddd', '2001:db8:1:2:0:0:0:1'].map(limitKeyOf)
    expect(new Set(keys)).toEqual(new Set(['2001:db8:1:2::/64']))
    expect(limitKeyOf('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64')
    expect(limitKeyOf('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(limitKeyOf('not-an-ip')).toBe('not-an-ip')
  })
})
