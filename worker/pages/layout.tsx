import type { Child } from 'hono/jsx'

/**
 * The H5 shell: mobile first, large type, high contrast, no JavaScript needed to read, Chinese
 * throughout. Prints cleanly (the board copy of a notice is this page printed).
 */
export function Page(props: { title: string; children: Child; nav?: { communityId: string; signedIn: boolean } }) {
  return (
    <html lang="zh-CN">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title}</title>
        <style>{`
          body { font-family: system-ui, "PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei", sans-serif; font-size: 20px;
                 line-height: 1.7; color: #111; background: #fff; margin: 0; padding: 16px; max-width: 44rem; margin-inline: auto; }
          h1 { font-size: 1.5em; line-height: 1.3; margin: 0.2em 0 0.6em; }
          .meta { color: #333; font-size: 0.9em; }
          .body { white-space: pre-wrap; }
          table { border-collapse: collapse; width: 100%; font-size: 0.95em; }
          td, th { border: 1px solid #444; padding: 6px 8px; text-align: left; vertical-align: top; }
          .tag { display: inline-block; border: 2px solid #111; padding: 0 8px; font-weight: 700; }
          .superseded { border: 3px solid #b00; padding: 8px; color: #b00; font-weight: 700; }
          a { color: #0645ad; }
          nav { display: flex; flex-wrap: wrap; gap: 4px 16px; border-bottom: 2px solid #111; padding-bottom: 6px; margin-bottom: 12px; font-size: 0.9em; }
          .card { border: 2px solid #111; border-radius: 6px; padding: 10px 12px; margin: 12px 0; }
          .ok { border-color: #060; color: #060; font-weight: 700; }
          .bad { border-color: #b00; color: #b00; font-weight: 700; }
          .error { border: 3px solid #b00; padding: 8px 12px; color: #b00; }
          label { display: block; margin: 8px 0; }
          input[type=text], input[type=tel], input:not([type]), select, textarea { font-size: 1em; padding: 8px; width: 100%; box-sizing: border-box; border: 2px solid #111; border-radius: 4px; }
          input[type=radio], input[type=checkbox] { width: 1.4em; height: 1.4em; vertical-align: middle; margin-right: 8px; }
          .choice { display: block; border: 2px solid #111; border-radius: 6px; padding: 10px; margin: 8px 0; font-size: 1.1em; }
          button { font-size: 1.1em; padding: 10px 20px; border: 0; border-radius: 6px; background: #0b4; color: #fff; font-weight: 700; min-height: 48px; }
          button.secondary { background: #333; }
          .bar { position: relative; height: 28px; border: 2px solid #111; background: #eee; margin: 4px 0 2px; }
          .bar .fill { position: absolute; left: 0; top: 0; bottom: 0; background: #1769aa; }
          .bar .line { position: absolute; top: -6px; bottom: -6px; border-left: 3px dashed #b00; }
          .num { font-variant-numeric: tabular-nums; }
          td.num, th.num { text-align: right; }
          svg { max-width: 100%; height: auto; }
          .poster-foot { display: flex; justify-content: space-between; align-items: flex-end; gap: 16px; margin-top: 24px; }
          .poster-qr { width: 55mm; height: 55mm; }
          .poster-qr svg { width: 100%; height: 100%; }
          .poster-seal { text-align: center; min-width: 45mm; }
          .seal-box { width: 42mm; height: 42mm; border: 1px dashed #666; margin: 0 auto; display: flex; align-items: center; justify-content: center; color: #999; }
          @page { size: A4; margin: 15mm; }
          @media print { body { font-size: 14pt; max-width: none; padding: 0; } nav, form { display: none; } }
        `}</style>
      </head>
      <body>
        {props.nav ? (
          <nav>
            <a href={`/h5/c/${props.nav.communityId}`}>小区首页</a>
            <a href={`/h5/c/${props.nav.communityId}/fees`}>物业收费</a>
            <a href={`/h5/c/${props.nav.communityId}/accounts`}>账目公开</a>
            <a href={`/h5/c/${props.nav.communityId}/contacts`}>执法部门</a>
            {props.nav.signedIn ? (
              <form method="post" action="/h5/logout" style="display:inline">
                <button class="secondary" style="font-size:0.8em;padding:2px 10px;min-height:0">退出登录</button>
              </form>
            ) : (
              <a href={`/h5/login?next=${encodeURIComponent(`/h5/c/${props.nav.communityId}`)}`}>登录</a>
            )}
          </nav>
        ) : null}
        {props.children}
      </body>
    </html>
  )
}
