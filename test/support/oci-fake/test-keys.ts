/**
 * Test API signing keys, generated at run time (never committed): an RSA key pair plus the
 * identifiers OCI derives from it (fingerprint, keyId `tenancy/user/fingerprint`).
 */
import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';

/** One API key of a fake OCI user. */
export interface TestApiKey {
  readonly tenancy: string;
  readonly user: string;
  /** MD5 of the DER public key as colon-separated hex, the way OCI shows it. */
  readonly fingerprint: string;
  readonly keyId: string;
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

/** Generates a 2048-bit RSA key for a made-up tenancy and user. */
export function generateTestApiKey(label = 'test'): TestApiKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const der = createPublicKey(publicKeyPem).export({ type: 'spki', format: 'der' });
  const fingerprint = (createHash('md5').update(der).digest('hex').match(/../g) ?? []).join(':');
  const tenancy = `ocid1.tenancy.oc1..${label}tenancy`;
  const user = `ocid1.user.oc1..${label}user`;
  return { tenancy, user, fingerprint, keyId: `${tenancy}/${user}/${fingerprint}`, privateKeyPem, publicKeyPem };
}
