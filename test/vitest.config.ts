import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'
import { isDeadConnectionWrite } from '../worker/db/driver-bugs'

const root = fileURLToPath(new URL('..', import.meta.url))

export default defineConfig({
  root,
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // the driver's known fault after a killed connection (test/api/rush.test.ts kills them on
    // purpose) is survived by the server the same way (worker/node.ts); every other error counts
    onUnhandledError: (error) => (isDeadConnectionWrite(error) ? false : undefined),
  },
})
