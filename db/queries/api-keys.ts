/** API keys: only the SHA-256 of a key is stored. */
import { and, eq, isNull } from 'drizzle-orm';
import type { DbOrTx } from '../client';
import { apiKeys } from '../schema';

/** The key with this hash, unless revoked. */
export async function findActiveApiKey(db: DbOrTx, keyHash: string) {
  const [key] = await db
    .select({ id: apiKeys.id, scopes: apiKeys.scopes })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)));
  return key;
}

export async function insertApiKey(db: DbOrTx, key: { id: string; name: string; scopes: string[]; keyHash: string }): Promise<void> {
  await db.insert(apiKeys).values(key);
}
