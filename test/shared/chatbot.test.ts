import { describe, expect, it } from 'vitest'
import { parseCommand } from '../../shared/chatbot'

describe('chat commands are read tolerantly', () => {
  it.each([
    ['帮助', { kind: 'help' }],
    ['绑定', { kind: 'bind', code: null }],
    ['绑定 123456', { kind: 'bind', code: '123456' }],
    ['绑定 １２３４５６', { kind: 'bind', code: '123456' }],
    ['议题', { kind: 'list' }],
    ['查看 12', { kind: 'view', number: 12 }],
    ['查看第１２号', { kind: 'view', number: 12 }],
    ['第12号', { kind: 'view', number: 12 }],
    ['12号议题', { kind: 'view', number: 12 }],
    ['投票 12 同意', { kind: 'vote', number: 12, choice: 'agree' }],
    ['投票　１２　反对。', { kind: 'vote', number: 12, choice: 'oppose' }],
    ['我同意12号', { kind: 'vote', number: 12, choice: 'agree' }],
    ['不同意第12号议题', { kind: 'vote', number: 12, choice: 'oppose' }],
    ['12号 弃权', { kind: 'vote', number: 12, choice: 'abstain' }],
    ['投票 12 选 1 3', { kind: 'elect', number: 12, ordinals: [1, 3] }],
    ['投票12选1、3、3', { kind: 'elect', number: 12, ordinals: [1, 3] }],
    ['回复 确认', { kind: 'confirm' }],
    ['确认', { kind: 'confirm' }],
    ['取消', { kind: 'cancel' }],
    ['我的投票', { kind: 'mine' }],
    ['结果 12', { kind: 'result', number: 12 }],
    ['12号的结果', { kind: 'result', number: 12 }],
    ['公示', { kind: 'accounts' }],
    ['联系', { kind: 'contacts' }],
    ['投诉 电梯坏了三天没人修', { kind: 'complain', text: '电梯坏了三天没人修' }],
    ['今天天气怎么样', { kind: 'help', understood: false }],
    ['', { kind: 'help', understood: false }],
  ])('%s', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected)
  })
})

describe('a message far longer than any command', () => {
  it('is read at once: as a complaint if it says so, else as nothing known (patterns that backtrack never see it)', () => {
    for (const text of ['投票1选' + ' '.repeat(16_000) + 'x', 'a' + '.'.repeat(16_000) + 'x', '查看' + '，'.repeat(50_000)]) {
      const started = performance.now()
      expect(parseCommand(text)).toEqual({ kind: 'help', understood: false })
      expect(performance.now() - started).toBeLessThan(50)
    }
    const long = parseCommand(`投诉 ${'楼道灯坏了'.repeat(500)}`)
    expect(long).toEqual({ kind: 'complain', text: '楼道灯坏了'.repeat(500) })
    // at the limit, commands still read as before
    expect(parseCommand(`投票 12 选${' 1'.repeat(10)}`)).toMatchObject({ kind: 'elect', number: 12, ordinals: [1] })
  })
})
