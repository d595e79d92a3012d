import * as z from 'zod'

/** Path parameters many route files share. Here, not in a route file: importing a route file mounts nothing but runs all its definitions. */
export const CidParams = z.object({ cid: z.string().min(1).max(40) })
