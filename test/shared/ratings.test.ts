import { expect, it } from 'vitest'
import { satisfactionOf, summariseRatings } from '../../shared/ratings'
import { allScores as all } from '../helpers/ratings'


it('satisfaction is the share of 4 and 5 among all scores, against 90% by integer comparison', () => {
  // 4 ratings × 5 dimensions = 20 scores; 18 satisfied = exactly 90%: meets the target
  const exactly = summariseRatings([all(5), all(4), { ...all(5), cleaning: 3 }, { ...all(5), repairs: 1 }])
  expect([exactly.satisfied, exactly.of, exactly.percent, exactly.meetsTarget]).toEqual([18, 20, 90, true])
  const below = summariseRatings([all(5), all(4), { ...all(5), cleaning: 3, security: 2 }, { ...all(5), repairs: 1 }])
  expect([below.satisfied, below.of, below.percent, below.meetsTarget]).toEqual([17, 20, 85, false])
  expect(exactly.dimensions.find((d) => d.dimension === 'cleaning')!.counts).toEqual([0, 0, 1, 1, 2])
})

it('shows nothing but the count below three responses', () => {
  const two = summariseRatings([all(5), all(1)])
  expect(two).toMatchObject({ responses: 2, shown: false, percent: null, meetsTarget: null, satisfied: 0, of: 0 })
  for (const d of two.dimensions) expect(d.counts).toEqual([])
})

it('the credit score counts satisfaction the same way, also below three responses, and leaves out what is not a score', () => {
  expect(satisfactionOf([all(5), all(1)])).toEqual({ hits: 5, of: 10 })
  // 0, 6, 4.5 and a missing dimension are not scores: only the 4 and 3 count
  expect(satisfactionOf([{ cleaning: 4, security: 0, greenery: 6, repairs: 4.5 } as Record<string, number>, { attitude: 3 }])).toEqual({ hits: 1, of: 2 })
  const r = [all(5), all(4), { ...all(5), cleaning: 3 }]
  const s = summariseRatings(r)
  expect(satisfactionOf(r)).toEqual({ hits: s.satisfied, of: s.of })
})
