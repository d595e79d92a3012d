import type { Child } from 'hono/jsx'
import { getCookie } from 'hono/cookie'
import { tryGetContext } from 'hono/context-storage'
import { raw } from 'hono/html'

/** The cookie of the 大字 switch: a display preference, nothing personal, readable by the server only. */
export const BIG_TEXT_COOKIE = 'gy_big'

/**
 * The H5 shell, in WeChat's WeUI conventions (grey page, white cell lists, full-width primary
 * buttons) and for the elderly first (适老化, MIIT 2021; WeChat care mode): body text 20 px
 * (24 px with 大字), every size in rem so the page follows the phone's own font setting, line
 * height 1.6, tap targets at least 48 px (main actions 60 px), text contrast at least 4.5:1, no
 * fixed heights. No JavaScript; the 大字 switch is a link that sets a cookie. Prints cleanly (the
 * board copy of a notice is this page printed).
 */
const CSS = `
*, *::before, *::after { box-sizing: border-box; }
html { font-size: 125%; -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
html.big { font-size: 150%; }
body { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; font-size: 1rem; line-height: 1.6;
       color: #111; background: #ededed; margin: 0; overflow-wrap: anywhere; }
main { max-width: 40rem; margin: 0 auto; padding-bottom: 2rem; }
h1 { font-size: 1.4rem; line-height: 1.35; margin: 0.75rem 1rem 0.5rem; }
h2 { font-size: 1.15rem; line-height: 1.35; margin: 1.25rem 1rem 0.5rem; color: #333; }
h3 { font-size: 1.05rem; margin: 0.5rem 0; }
p { margin: 0.5rem 1rem; }
.panel p, .cell p, .msg p, .card p, form p, li p { margin: 0.4rem 0; }
ul { margin: 0.25rem 0; padding-left: 1.4rem; }
a { color: #2a4d8f; display: inline-flex; align-items: center; min-height: 48px; min-width: 48px; }
.meta { color: #595959; font-size: 0.9rem; }
.body { white-space: pre-wrap; }
.num { font-variant-numeric: tabular-nums; }
.mono { font-family: ui-monospace, "Noto Sans Mono", monospace; letter-spacing: 0.05em; word-break: break-all; }
.topbar { display: flex; justify-content: flex-end; gap: 0.25rem; padding: 0 0.5rem; max-width: 40rem; margin: 0 auto; }
.topbar a, .topbar button { min-height: 48px; min-width: 48px; padding: 0 0.75rem; font-size: 0.9rem; text-decoration: none; color: #2a4d8f;
       background: transparent; border: 0; margin: 0; width: auto; font-weight: 600; display: inline-flex; align-items: center; justify-content: center; }
.topbar form { margin: 0; }
nav.tabs { display: grid; grid-template-columns: repeat(auto-fit, minmax(7.5rem, 1fr)); gap: 1px; background: #d9d9d9; max-width: 40rem; margin: 0 auto; border-block: 1px solid #d9d9d9; }
nav.tabs a { background: #fff; justify-content: center; min-height: max(48px, 2.6rem); text-decoration: none; color: #111; padding: 0.25rem; }
nav.tabs a[aria-current=page] { font-weight: 700; color: #0a6a33; }
.panel { background: #fff; padding: 0.5rem 1rem; margin: 0 0 0.75rem; }
.cells { background: #fff; margin: 0 0 0.75rem; padding: 0; list-style: none; border-block: 1px solid #e5e5e5; }
.cells > li, .cells > .cell { display: block; padding: 0.6rem 1rem; border-top: 1px solid #e5e5e5; min-height: max(48px, 2.4rem); }
.cells > li:first-child, .cells > .cell:first-child { border-top: 0; }
a.cell, .cells > li > a.cell { display: flex; flex-direction: column; align-items: flex-start; justify-content: center; color: #111; text-decoration: none;
       min-height: max(60px, 3rem); padding: 0.5rem 2.2rem 0.5rem 1rem; position: relative; border-top: 1px solid #e5e5e5; background: #fff; width: 100%; }
.cells > li > a.cell { margin: -0.6rem -1rem; width: calc(100% + 2rem); border-top: 0; }
a.cell::after { content: "›"; position: absolute; right: 1rem; top: 50%; transform: translateY(-50%); color: #595959; font-size: 1.4rem; }
a.cell .title { color: #1a3c7a; font-weight: 600; text-decoration: underline; }
.tag { display: inline-block; border: 2px solid currentColor; border-radius: 6px; padding: 0 0.5rem; font-weight: 700; font-size: 0.9rem; }
.tag.open { color: #0a6a33; }
.superseded, .error { background: #fff; border-left: 6px solid #b00000; padding: 0.6rem 1rem; color: #a00000; font-weight: 700; margin: 0 0 0.75rem; }
.card { background: #fff; padding: 0.6rem 1rem; margin: 0 0 0.75rem; }
.ok { border-left: 6px solid #0a7d3b; color: #0a5c2d; }
.bad { border-left: 6px solid #b00000; color: #a00000; }
.ok, .bad { font-weight: 700; }
form { margin: 0; }
form.panel, .panel form { padding-bottom: 0.5rem; }
label { display: block; margin: 0.75rem 0 0.25rem; font-weight: 600; }
input:not([type=radio]):not([type=checkbox]):not([type=hidden]), select, textarea {
       font: inherit; font-size: 1rem; min-height: max(48px, 2.6rem); padding: 0.4rem 0.75rem; width: 100%; margin-top: 0.25rem;
       border: 2px solid #767676; border-radius: 8px; background: #fff; color: #111; font-weight: 400; }
textarea { min-height: 6rem; }
fieldset { border: 0; padding: 0; margin: 0.5rem 0; }
legend { font-weight: 600; padding: 0; }
input[type=radio], input[type=checkbox] { width: 1.5rem; height: 1.5rem; margin: 0 0.75rem 0 0; flex: none; accent-color: #0a7d3b; }
.choice { display: flex; align-items: center; border: 2px solid #767676; border-radius: 8px; padding: 0.5rem 1rem; margin: 0.6rem 0;
       min-height: max(60px, 3rem); font-size: 1.1rem; font-weight: 600; background: #fff; }
button, .btn { display: flex; width: 100%; min-height: max(60px, 3rem); justify-content: center; align-items: center; font: inherit; font-size: 1.1rem;
       font-weight: 700; border: 0; border-radius: 8px; background: #0a7d3b; color: #fff; text-decoration: none; padding: 0.5rem 1rem; margin: 0.75rem 0; }
button.secondary, .btn.secondary { background: #f2f2f2; color: #0a5c2d; border: 1px solid #b3b3b3; }
button.warn, .btn.warn { background: #f2f2f2; color: #a00000; border: 1px solid #b3b3b3; }
.actions { padding: 0 1rem; }
.msg { background: #fff; text-align: center; padding: 1.5rem 1rem 1rem; margin: 0 0 0.75rem; }
.msg .icon { display: inline-flex; align-items: center; justify-content: center; width: 4.5rem; height: 4.5rem; border-radius: 50%;
       font-size: 2.6rem; font-weight: 700; color: #fff; background: #0a7d3b; line-height: 1; }
.msg .icon.warn { background: #b00000; } .msg .icon.info { background: #1d5aa8; } .msg .icon.wait { background: #8a5300; }
.msg h1 { margin: 0.75rem 0 0.5rem; font-size: 1.5rem; }
.msg .lead { font-size: 1.15rem; font-weight: 600; }
.msg p, .msg dl { text-align: left; }
.big-outcome { font-size: 2rem; font-weight: 800; margin: 0.5rem 0; }
dl.kv { margin: 0; }
dl.kv > div { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 1rem; padding: 0.4rem 0; border-top: 1px solid #e5e5e5; }
dl.kv > div:first-child { border-top: 0; }
dl.kv dt { color: #595959; } dl.kv dd { margin: 0; font-weight: 600; text-align: right; }
table { border-collapse: collapse; width: 100%; background: #fff; }
th, td { border-bottom: 1px solid #e5e5e5; padding: 0.5rem 0.6rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; }
@media (max-width: 40rem) {
  table.stack thead { display: none; }
  table.stack, table.stack tbody, table.stack tr, table.stack td { display: block; width: 100%; }
  table.stack tr { border-top: 1px solid #d9d9d9; padding: 0.4rem 1rem; }
  table.stack td { border: 0; padding: 0.2rem 0; display: flex; justify-content: space-between; gap: 1rem; text-align: right; }
  table.stack td::before { content: attr(data-label); color: #595959; text-align: left; flex: none; max-width: 45%; }
  table.stack td:not([data-label]) { display: block; text-align: left; font-weight: 700; }
  table.stack td:empty { display: none; }
}
.bar { position: relative; height: 1.4rem; border: 2px solid #111; background: #eee; margin: 0.25rem 0 0.5rem; }
.bar .fill { position: absolute; left: 0; top: 0; bottom: 0; background: #1769aa; }
.bar .line { position: absolute; top: -6px; bottom: -6px; border-left: 3px dashed #b00000; }
svg { max-width: 100%; height: auto; }
details { background: #fff; margin: 0 0 0.75rem; padding: 0 1rem; }
summary { min-height: max(48px, 2.4rem); display: flex; align-items: center; font-weight: 600; color: #2a4d8f; cursor: pointer; }
.poster-foot { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; margin-top: 24px; }
.poster-qr { width: 55mm; height: 55mm; }
.poster-qr svg { width: 100%; height: 100%; }
.poster-seal { text-align: center; min-width: 45mm; }
.seal-box { width: 42mm; height: 42mm; border: 1px dashed #666; margin: 0 auto; display: flex; align-items: center; justify-content: center; color: #595959; }
@page { size: A4; margin: 15mm; }
@media print { html, html.big { font-size: 14pt; } body { background: #fff; } main { max-width: none; } nav, .topbar, form { display: none; } .panel, .card { padding: 0; } }
`

/** What the shell knows of the request: the 大字 preference and where the switch returns to. */
function requestView(): { big: boolean; back: string } {
  const c = tryGetContext()
  if (!c) return { big: false, back: '/h5/me' }
  const url = new URL(c.req.url)
  // a page rendered by a POST (a refused form) returns to the page the form was on
  let back = url.pathname + url.search
  if (c.req.method !== 'GET') {
    try {
      back = new URL(c.req.header('referer') ?? '').pathname
    } catch {
      back = '/h5/me'
    }
  }
  return { big: getCookie(c, BIG_TEXT_COOKIE) === '1', back }
}

export type Tab = 'home' | 'fees' | 'accounts' | 'contacts' | 'me'

export function Page(props: { title: string; children: Child; nav?: { communityId: string; signedIn: boolean; current?: Tab }; bare?: boolean }) {
  const { big, back } = requestView()
  const n = props.nav
  const tab = (t: Tab, href: string, label: string) => (
    <a href={href} aria-current={n?.current === t ? 'page' : undefined}>
      {label}
    </a>
  )
  // the doctype keeps the page in standards mode: in quirks mode tables drop the page's type size
  return (
    <>
      {raw('<!DOCTYPE html>')}
    <html lang="zh-CN" class={big ? 'big' : undefined}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        {/* raw: a <style> is not HTML-decoded, so an escaped `>` or `"` (child selectors, font names, content) would void its rule */}
        <style>{raw(CSS)}</style>
      </head>
      <body>
        {props.bare ? null : (
          <div class="topbar">
            <a href={`/h5/text-size?size=${big ? 'normal' : 'big'}&back=${encodeURIComponent(back)}`}>{big ? '标准字' : '大字'}</a>
            {n?.signedIn ? (
              <form method="post" action="/h5/logout">
                <button type="submit">退出登录</button>
              </form>
            ) : n ? (
              <a href={`/h5/login?next=${encodeURIComponent(back)}`}>登录</a>
            ) : null}
          </div>
        )}
        {n ? (
          <nav class="tabs">
            {tab('home', `/h5/c/${n.communityId}`, '小区首页')}
            {tab('fees', `/h5/c/${n.communityId}/fees`, '物业收费')}
            {tab('accounts', `/h5/c/${n.communityId}/accounts`, '账目公开')}
            {tab('contacts', `/h5/c/${n.communityId}/contacts`, '执法部门')}
            {tab('me', '/h5/me', '我的')}
          </nav>
        ) : null}
        <main>{props.children}</main>
      </body>
    </html>
    </>
  )
}
