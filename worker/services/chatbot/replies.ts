import { utf8Length } from '../../wechat/oa/protocol'

/** WeChat drops text replies over about 2,048 bytes (wechat.md); keep well under, and link to the rest. */
export const REPLY_MAX_BYTES = 2_000

export const CHOICE_TEXT = { agree: '同意', oppose: '反对', abstain: '弃权', marked: '选举', spoiled: '废票' } as const

export function helpText(): string {
  return [
    '共议·业主表决助手，请回复：',
    '议题 — 正在表决的议题',
    '查看 12 — 第12号议题详情',
    '投票 12 同意 / 反对 / 弃权 — 投票（再回复“确认”才投出）；只有一个议题在投票时，直接回复“同意”即可',
    '投票 12 选 1 3 — 选举时选择候选人',
    '我的投票 — 我投过的票',
    '结果 12 — 第12号议题的表决结果',
    '公示 — 最近一季度的收支公示',
    '联系 — 执法部门联系方式',
    '投诉 — 投诉电话和办法；投诉＋内容 — 直接投诉，如：投诉 3栋楼道灯坏了',
    '绑定 — 绑定业主身份',
  ].join('\n')
}

export const NOT_BOUND = '您还没有绑定业主身份。请回复“绑定”，按提示登录后即可在这里查看议题和投票。'

/** Cuts a reply to WeChat's limit at a line, keeping the link to the full page at the end. */
export function fitReply(text: string, link?: string): string {
  const tail = link ? `\n详情：${link}` : ''
  if (utf8Length(text) + utf8Length(tail) <= REPLY_MAX_BYTES) return text + tail
  const more = link ? `\n……（更多内容请打开链接）${tail}` : '\n……'
  const budget = REPLY_MAX_BYTES - utf8Length(more)
  let out = ''
  for (const ch of text) {
    if (utf8Length(out + ch) > budget) break
    out += ch
  }
  return out + more
}
