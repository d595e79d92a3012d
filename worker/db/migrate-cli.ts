// `npm run db:migrate`: applies the committed migrations to DATABASE_URL, or to the embedded database in .data/.
import { openPglite, openPostgres } from './node'

const url = process.env.DATABASE_URL
const database = url ? openPostgres(url, { max: 1 }) : await openPglite(process.env.DATA_DIR ?? '.data/pglite')
await database.migrate()
await database.close()
console.log(`migrations applied (${database.kind})`)
