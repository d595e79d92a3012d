import { describe, expect, it } from 'vitest'
import { isDeadConnectionWrite } from '../../worker/db/driver-bugs'

// The stack as postgres.js 3.4.9 throws it (seen in test/api/rush.test.ts when its connections are killed).
const driverStack = `TypeError: Cannot read properties of null (reading 'write')
    at Immediate.nextWrite (/app/node_modules/postgres/src/connection.js:255:22)
    at process.processImmediate (node:internal/timers:483:21)`

describe('the driver fault the server survives (porsager/postgres#1208)', () => {
  it('is recognised by its message and where it comes from, and nothing else is', () => {
    const fault = Object.assign(new TypeError("Cannot read properties of null (reading 'write')"), { stack: driverStack })
    expect(isDeadConnectionWrite(fault)).toBe(true)
    // the same message from our own code is a bug of ours, and must still stop the process
    expect(isDeadConnectionWrite(new TypeError("Cannot read properties of null (reading 'write')"))).toBe(false)
    expect(isDeadConnectionWrite(Object.assign(new Error("Cannot read properties of null (reading 'write')"), { stack: driverStack }))).toBe(false)
    expect(isDeadConnectionWrite(Object.assign(new TypeError('x is not a function'), { stack: driverStack.replace(/^.*\n/, 'TypeError: x is not a function\n') }))).toBe(false)
    expect(isDeadConnectionWrite(null)).toBe(false)
    expect(isDeadConnectionWrite('nextWrite')).toBe(false)
  })
})
