/**
 * Talk to the official-account chat-bot of a server running on this machine, as WeChat would
 * deliver the messages (signed XML to /wechat/oa), without WeChat: for trying the bot in
 * development. The signing is the test suite's fake WeChat (test/fakes/wechat-oa.ts).
 *
 *   WECHAT_OA_APPID=wxdev WECHAT_OA_SECRET=dev WECHAT_OA_TOKEN=devtoken npm start     # one terminal
 *   WECHAT_OA_TOKEN=devtoken npm run oa                                               # another
 *
 * Each line typed is one message from the same WeChat user (OA_OPENID, default a new one per run);
 * the bot's passive reply is printed. A line given on the command line (`npm run oa -- 帮助`) is
 * sent alone. OA_BASE (default http://127.0.0.1:$PORT or :8787) is the server; safe mode
 * (WECHAT_OA_ENCODING_AES_KEY) is followed when set in this shell too. OA_NOW_MS signs with that
 * instant instead of this machine's clock (the server refuses a timestamp far from its own clock:
 * test/lib/oa-chat.test.ts runs the server on the suite's clock).
 */
import { createInterface } from 'node:readline'
import { createFakeOa } from '../test/fakes/wechat-oa'

const token = process.env.WECHAT_OA_TOKEN
if (!token) {
  console.error('请设置 WECHAT_OA_TOKEN，与服务器的相同（服务器也须设置 WECHAT_OA_APPID、WECHAT_OA_SECRET、WECHAT_OA_TOKEN）')
  process.exit(2)
}
const base = (process.env.OA_BASE ?? `http://127.0.0.1:${process.env.PORT ?? 8787}`).replace(/\/$/, '')
const from = process.env.OA_OPENID ?? `o-dev-${Date.now().toString(36)}`
const fixedNow = process.env.OA_NOW_MS ? Number(process.env.OA_NOW_MS) : null
const oa = createFakeOa({ appId: process.env.WECHAT_OA_APPID ?? 'wxdev', secret: '', token, encodingAesKey: process.env.WECHAT_OA_ENCODING_AES_KEY, now: () => fixedNow ?? Date.now() })

async function say(content: string) {
  const r = await oa.deliver((path, init) => fetch(`${base}${path}`, init), { from, content })
  if (r.reply !== null) console.log(r.reply)
  else if (r.success) console.log('（服务器答 success：回复稍后以客服消息发出，本工具收不到）')
  else console.log(`（HTTP ${r.status}）${r.raw}`)
}

const once = process.argv.slice(2).join(' ').trim()
if (once) {
  await say(once)
} else {
  console.log(`以微信用户 ${from} 的身份和 ${base}/wechat/oa 对话；输入“帮助”看能说什么，Ctrl-D 结束。`)
  const rl = createInterface({ input: process.stdin, prompt: '> ' })
  rl.prompt()
  for await (const line of rl) {
    if (line.trim()) await say(line.trim())
    rl.prompt()
  }
}
