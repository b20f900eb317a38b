import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface EmbeddedSecrets { sessionSecret: string; adminPassword: string }

/** Embedded mode only: secrets generated on first start and kept (mode 0600) in DATA_DIR. */
export function loadOrCreateSecrets(dataDir: string): EmbeddedSecrets {
  const file = path.join(dataDir, 'secrets.json');
  fs.mkdirSync(dataDir, { recursive: true });
  try {
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof s.sessionSecret === 'string' && typeof s.adminPassword === 'string') return s;
  } catch { /* first start */ }
  const secrets: EmbeddedSecrets = {
    sessionSecret: crypto.randomBytes(48).toString('base64url'),
    // letters and digits guaranteed by the prefix, so it always meets the password policy
    adminPassword: `Adm1n-${crypto.randomBytes(12).toString('base64url')}`,
  };
  fs.writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
