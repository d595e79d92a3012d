/**
 * A notice for print: its QR code (SVG, PNG) and the A4 poster with it. Apart from the page a scan
 * opens (./notices.routes.tsx), so the QR encoder stays out of the lean Worker (worker/routes/hot.ts).
 */
import { qrPng, qrSvg } from '../../lib/qr'
import { access, route } from '../../lib/route'
import { NoticePage } from '../../pages/notice'
import { CodeParams, noticeView, tags } from './notices.routes'

export const noticePrintRoutes = [
  route({
    method: 'get',
    path: '/api/notices/:code/qr.svg',
    // a code's QR encodes only its URL: a correction gets a new code, never a new image here
    cache: 'immutable',
    summary: '公告二维码（SVG，指向 /n/<code>）',
    tags,
    access: access.public,
    params: CodeParams,
    responses: { 200: { description: 'SVG', contentType: 'image/svg+xml' } },
    handler: async (c, { params }) => {
      const { url } = await noticeView(c, params.code)
      return c.body(await qrSvg(url), 200, { 'content-type': 'image/svg+xml; charset=utf-8' })
    },
  }),
  route({
    method: 'get',
    path: '/api/notices/:code/qr.png',
    // a code's QR encodes only its URL: a correction gets a new code, never a new image here
    cache: 'immutable',
    summary: '公告二维码（PNG，指向 /n/<code>）',
    tags,
    access: access.public,
    params: CodeParams,
    responses: { 200: { description: 'PNG', contentType: 'image/png' } },
    handler: async (c, { params }) => {
      const { url } = await noticeView(c, params.code)
      return c.body(qrPng(url) as unknown as ArrayBuffer, 200, { 'content-type': 'image/png' })
    },
  }),
  route({
    method: 'get',
    path: '/n/:code/poster',
    summary: '可打印的 A4 公告（标题、正文、二维码、展示期、发布单位、盖章处）',
    tags,
    access: access.public,
    params: CodeParams,
    responses: { 200: { description: 'HTML', contentType: 'text/html' } },
    handler: async (c, { params }) => {
      const { view, url } = await noticeView(c, params.code)
      return c.html(<NoticePage notice={{ ...view, qrSvg: await qrSvg(url) }} poster />)
    },
  }),
]
