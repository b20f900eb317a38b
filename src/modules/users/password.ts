import argon2 from 'argon2';

export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 128;

/** Minimum policy: 12–128 characters with at least one letter and one digit, not the e-mail. */
export function passwordProblems(password: string, email?: string): string[] {
  const problems: string[] = [];
  if (password.length < PASSWORD_MIN) problems.push(`must be at least ${PASSWORD_MIN} characters`);
  if (password.length > PASSWORD_MAX) problems.push(`must be at most ${PASSWORD_MAX} characters`);
  if (!/\p{L}/u.test(password) || !/\p{N}/u.test(password)) problems.push('must contain letters and digits');
  if (email && password.toLowerCase().includes(email.toLowerCase().split('@')[0]) && email.split('@')[0].length >= 4) {
    problems.push('must not contain the e-mail name');
  }
  return problems;
}

export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

// Compared against when the e-mail is unknown, so both paths cost the same time.
let dummyHash: Promise<string> | undefined;
export async function verifyPassword(hash: string | undefined, password: string): Promise<boolean> {
  const target = hash ?? (await (dummyHash ??= hashPassword('not-a-real-password-0')));
  try {
    return (await argon2.verify(target, password)) && !!hash;
  } catch {
    return false;
  }
}
