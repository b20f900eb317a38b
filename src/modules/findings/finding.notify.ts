import type { FindingDoc } from './finding.model';
import * as mail from './finding.mail';
import type { MailText } from './finding.mail';
import * as notifications from '../notifications/notification.service';
import * as systems from '../systems/system.service';
import * as users from '../users/user.service';
import type { OutboxMessage } from '../notifications/notification.service';

/** Who hears about a finding: its assignee, else the system's owners, else the organization's owners. */
export async function recipients(f: Pick<FindingDoc, 'assignee' | 'system' | 'organization'>): Promise<string[]> {
  if (f.assignee) {
    const a = await users.emailsOf({ ids: [f.assignee.toString()] });
    if (a.length) return a;
  }
  const system = await systems.findById(f.system.toString());
  const owners = system?.owners.length ? await users.emailsOf({ ids: system.owners.map(String) }) : [];
  return owners.length ? owners : users.emailsOf({ organization: f.organization.toString(), role: 'owner' });
}

/** Level-4/5 escalations go to the organization's admins, or to the programme's admins if it has none. */
export async function escalationRecipients(organization: string): Promise<string[]> {
  const own = await users.emailsOf({ organization, role: 'admin' });
  return own.length ? own : users.emailsOf({ role: 'admin' });
}

export function message(kind: OutboxMessage['kind'], f: FindingDoc, to: string[], key: string, m: MailText): OutboxMessage {
  return { kind, to, dedupeKey: key, subject: `[Attest] ${f.systemCode}: ${m.subject}`, text: m.text, refs: { finding: f._id.toString(), system: f.system.toString(), organization: f.organization.toString() } };
}

/** Tells the assignee (or owners) about an assignment or a reopening; keyed so a retry sends nothing twice. */
export async function notifyChange(f: FindingDoc, kind: 'assignment' | 'reopened'): Promise<void> {
  const to = await recipients(f);
  if (!to.length) return;
  const m = kind === 'assignment' ? mail.assigned(f, f.dueAt) : mail.reopened(f, f.dueAt);
  await notifications.enqueue([message(kind, f, to, `${kind}:${f._id}:${f.version}`, m)]);
}

