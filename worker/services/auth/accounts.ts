import { eq } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { users } from '../../../drizzle/schema'
import type { Db } from '../../db/types'

/**
 * The account of a phone (already normalised), made if there is none: a phone and nothing else,
 * which a first sign-in by code with that phone then takes over. Two requests making the same
 * phone's account at once (a proxy named while they sign in for the first time) end with one: the
 * phone is unique, and the second finds the first's row.
 */
export async function accountForPhone(tx: Db, phone: string): Promise<{ id: string }> {
  const [existing] = await tx.select({ id: users.id }).from(users).where(eq(users.phone, phone))
  if (existing) return existing
  const [made] = await tx.insert(users).values({ id: nanoid(), phone }).onConflictDoNothing({ target: users.phone }).returning({ id: users.id })
  if (made) return made
  const [other] = await tx.select({ id: users.id }).from(users).where(eq(users.phone, phone))
  return other!
}
