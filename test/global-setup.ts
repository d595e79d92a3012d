import postgres from 'postgres'
import type { TestProject } from 'vitest/node'
import { openPostgres } from '../worker/db/node'

/**
 * With DATABASE_URL set, the suite runs on that PostgreSQL: a fresh database per run, migrated
 * once with the committed migrations, dropped afterwards. Without it, each test file opens its
 * own in-memory PGlite (test/helpers/db.ts).
 */
export default async function setup(project: TestProject) {
  const base = process.env.DATABASE_URL
  if (!base) {
    console.log('[gongyi tests] database: embedded PGlite (set DATABASE_URL to run on PostgreSQL)')
    return
  }
  const name = `gongyi_test_${Date.now()}_${process.pid}`
  const admin = postgres(base, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  const database = openPostgres(url.toString(), { max: 1 })
  await database.migrate()
  await database.close()
  project.provide('testDatabaseUrl', url.toString())
  console.log(`[gongyi tests] database: PostgreSQL ${url.host}/${name}`)
  return async () => {
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseUrl: string
  }
}
