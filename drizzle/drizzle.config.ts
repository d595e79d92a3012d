import { defineConfig } from 'drizzle-kit'

// `npm run db:generate` writes SQL migrations here; they are committed and applied by migrate().
export default defineConfig({
  dialect: 'postgresql',
  schema: './drizzle/schema/index.ts',
  out: './drizzle/migrations',
})
