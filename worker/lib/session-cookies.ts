/**
 * The H5 pages' session cookies (routes/h5/session.ts sets and reads them). Named here, in lib,
 * because the page cache (lib/page-cache.ts) must also know a signed-in visitor when it sees one.
 */
export const ACCESS_COOKIE = 'gy_at'
export const REFRESH_COOKIE = 'gy_rt'
