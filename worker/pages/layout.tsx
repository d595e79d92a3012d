import type { Child } from 'hono/jsx'

/**
 * The H5 shell: mobile first, large type, high contrast, no JavaScript needed to read, Chinese
 * throughout. Prints cleanly (the board copy of a notice is this page printed).
 */
export function Page(props: { title: string; children: Child }) {
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
          @media print { body { font-size: 14pt; } }
        `}</style>
      </head>
      <body>{props.children}</body>
    </html>
  )
}
