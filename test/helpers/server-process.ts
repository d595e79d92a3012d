/** For tests of the Node entry run as its own process (test/lib/shutdown.test.ts, cluster.test.ts). */
import type { ChildProcess } from 'node:child_process'
import { connect, createServer, type AddressInfo } from 'node:net'

/**
 * A local port nothing listens on now, chosen by the kernel. A random number in 30000–50000 is not:
 * that range overlaps the kernel's ephemeral ports, which this suite's own database connections
 * take, and a server started on one failed with EADDRINUSE (CI, session 8's stop).
 */
export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject)
    s.listen(0, '127.0.0.1', resolve)
  })
  const port = (s.address() as AddressInfo).port
  await new Promise((r) => s.close(r))
  return port
}

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
