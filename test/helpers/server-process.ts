/** For tests of the Node entry run as its own process (test/lib/shutdown.test.ts, cluster.test.ts). */
import type { ChildProcess } from 'node:child_process'
import { connect } from 'node:net'

/** The process's exit code, once it has exited. */
export const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))))

/**
 * Signals the server (`signal`) while a request is in flight, one whose headers promise a body that
 * never comes (its handler waits for ever), and waits for the server to exit: its exit code, and
 * how long it took from the signal.
 */
export async function stopWithRequestInFlight(child: ChildProcess, port: number, signal: () => void) {
  const socket = connect(port, '127.0.0.1')
  await new Promise((r) => socket.once('connect', r))
  socket.write('POST /api/auth/otp/send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"phone":')
  // the server has read the headers and is waiting for the body
  await new Promise((r) => setTimeout(r, 300))
  const started = performance.now()
  signal()
  const code = await exited(child)
  const took = performance.now() - started
  socket.destroy()
  return { code, took }
}
