/**
 * SQL of refresh-token families and tokens. Only token hashes are stored.
 */
import type { Queryable } from '../../kit/index.ts';

/** What a refresh token's lookup tells. */
export interface RefreshTokenRow {
  readonly familyId: string;
  readonly userId: string;
  readonly expiresAt: Date;
  readonly usedAt: Date | null;
  readonly familyRevoked: boolean;
}

/** Starts a family (one per login). */
export async function insertFamily(q: Queryable, id: string, userId: string): Promise<void> {
  await q.query('insert into refresh_families (id, user_id) values ($1, $2)', [id, userId]);
}

/** Stores a token of a family. */
export async function insertToken(q: Queryable, tokenHash: string, familyId: string, userId: string, expiresAt: Date): Promise<void> {
  await q.query('insert into refresh_tokens (token_hash, family_id, user_id, expires_at) values ($1, $2, $3, $4)', [
    tokenHash,
    familyId,
    userId,
    expiresAt.toISOString(),
  ]);
}

/** Looks a token up by hash and locks its row, so two concurrent refreshes with it serialize. */
export async function findTokenForUpdate(q: Queryable, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  const r = await q.query<{ family_id: string; user_id: string; expires_at: string | Date; used_at: string | Date | null; revoked: boolean }>(
    `select t.family_id, t.user_id, t.expires_at, t.used_at, (f.revoked_at is not null) as revoked
       from refresh_tokens t join refresh_families f on f.id = t.family_id
      where t.token_hash = $1
      for update of t`,
    [tokenHash],
  );
  const row = r.rows[0];
  if (!row) return undefined;
  return {
    familyId: row.family_id,
    userId: row.user_id,
    expiresAt: new Date(row.expires_at),
    usedAt: row.used_at === null ? null : new Date(row.used_at),
    familyRevoked: row.revoked,
  };
}

/** Marks a token used (rotated); false when it was used already. */
export async function markUsed(q: Queryable, tokenHash: string): Promise<boolean> {
  const r = await q.query('update refresh_tokens set used_at = now() where token_hash = $1 and used_at is null', [tokenHash]);
  return r.rowCount === 1;
}

/** Revokes a family; its tokens stop working. Returns false when it was revoked already. */
export async function revokeFamily(q: Queryable, familyId: string, reason: string): Promise<boolean> {
  const r = await q.query('update refresh_families set revoked_at = now(), revoked_reason = $2 where id = $1 and revoked_at is null', [familyId, reason]);
  return r.rowCount === 1;
}
