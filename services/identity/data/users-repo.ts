/**
 * SQL of the users table.
 */
import type { Queryable } from '../../kit/index.ts';

/** A stored user. */
export interface UserRow {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly passwordHash: string;
  readonly roles: string[];
}

interface Raw {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  roles: string[];
}

const toUser = (r: Raw): UserRow => ({ id: r.id, email: r.email, name: r.name, passwordHash: r.password_hash, roles: r.roles });

/** Inserts a user; returns false when the e-mail is taken. */
export async function insertUser(q: Queryable, user: UserRow): Promise<boolean> {
  const r = await q.query(
    'insert into users (id, email, name, password_hash, roles) values ($1, $2, $3, $4, $5) on conflict (email) do nothing',
    [user.id, user.email, user.name, user.passwordHash, user.roles],
  );
  return r.rowCount === 1;
}

/** The user with this (normalized) e-mail. */
export async function findUserByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  const r = await q.query<Raw>('select id, email, name, password_hash, roles from users where email = $1', [email]);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

/** The user with this id. */
export async function findUserById(q: Queryable, id: string): Promise<UserRow | undefined> {
  const r = await q.query<Raw>('select id, email, name, password_hash, roles from users where id = $1', [id]);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}
