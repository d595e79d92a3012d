import { eq } from 'drizzle-orm'
import { nanoid } from 'nanoid'
import { users } from '../../../drizzle/schema'
import type { Db } from '../../db/types'

/**
 * The account of a phone (already normalised), made if there is none: a phone and nothing else.
 *
 * - `signed_in`: its holder has just shown they hold it (a code sign-in): the account is theirs
 *   from now on, no longer a placeholder.
 * - `proxy`: an owner names the phone as proxy; an account made now is a placeholder until its
 *   holder signs in (users.placeholder).
 * - `role`: a role is granted to the phone; the account made waits for its member, as before.
 *
 * Two requests making the same phone's account at once (a proxy named while they sign in for the
 * first time) end with one: the phone is unique, and the second finds the first's row.
 */
export async function accountForPhone(tx: Db, phone: string, how: 'signed_in' | 'proxy' | 'role'): Promise<{ id: string; created: boolean }> {
  const [existing] = await tx.select({ id: users.id, placeholder: users.placeholder }).from(users).where(eq(users.phone, phone))
  if (existing) {
    if (how === 'signed_in' && existing.placeholder) await tx.update(users).set({ placeholder: false }).where(eq(users.id, existing.id))
    return { id: existing.id, created: false }
  }
  const [made] = await tx
    .insert(users)
    .values({ id: nanoid(), phone, placeholder: how === 'proxy' })
    .onConflictDoNothing({ target: users.phone })
    .returning({ id: users.id })
  if (made) return { id: made.id, created: true }
  // made by the other request meanwhile: found now (a new statement sees what it committed)
  return accountForPhone(tx, phone, how)
}
