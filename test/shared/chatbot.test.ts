import { describe, expect, it } from 'vitest'
import { parseCommand } from '../../shared/chatbot'

describe('chat commands are read tolerantly', () => {
  it.each([
    ['帮助', { kind: 'help' }],
    ['绑定', { kind: 'bind', code: null }],
    ['绑定 12345678', { kind: 'bind', code: '12345678' }],
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
    // as people say it: a choice alone is for the one open poll; Chinese numerals; filler words
    ['同意', { kind: 'vote', number: null, choice: 'agree' }],
    ['我同意，谢谢！', { kind: 'vote', number: null, choice: 'agree' }],
    ['投反对票', { kind: 'vote', number: null, choice: 'oppose' }],
    ['我不赞成', { kind: 'vote', number: null, choice: 'oppose' }],
    ['弃权吧', { kind: 'vote', number: null, choice: 'abstain' }],
    ['投3号同意票', { kind: 'vote', number: 3, choice: 'agree' }],
    ['第三号议题我同意', { kind: 'vote', number: 3, choice: 'agree' }],
    ['我赞成第十二号', { kind: 'vote', number: 12, choice: 'agree' }],
    ['二十一号反对', { kind: 'vote', number: 21, choice: 'oppose' }],
    ['对第3号投反对票', { kind: 'vote', number: 3, choice: 'oppose' }],
    ['查看第三号', { kind: 'view', number: 3 }],
    ['好的', { kind: 'confirm', soft: true }],
    ['是的', { kind: 'confirm', soft: true }],
    ['确认投出', { kind: 'confirm' }],
    // nothing guessed: a second number, a second choice, a word that changes the meaning
    ['同意3号和5号', { kind: 'help', understood: false }],
    ['3号同意5号反对', { kind: 'help', understood: false }],
    ['我不反对', { kind: 'help', understood: false }],
    ['同意楼下的说法', { kind: 'help', understood: false }],
    ['3栋同意', { kind: 'help', understood: false }],
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
