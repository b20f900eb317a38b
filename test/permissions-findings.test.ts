import { runMatrix, READ_ALL, ONLY } from './helpers/matrix';
import { makeSystem, type Actors } from './helpers/factories';
import * as lifecycle from '../src/modules/findings/finding.lifecycle';
import * as users from '../src/modules/users/user.service';

const DAY = 86_400_000;
const ctxOf = async (id: string) => ({ actor: (await users.activeActor(id))! });

/** A manual finding on a system of the actors' organization. */
async function finding(a: Actors) {
  const system = await makeSystem(a.org, { level: 2 });
  return lifecycle.createManual(await ctxOf(a.users.inspector.id), { system: system.id, title: 'Open port 23 (telnet)', severity: 'medium' }) as unknown as Promise<{ id: string; dueAt: Date }>;
}

const OWN_ORG = { ...READ_ALL, otherOwner: 404 };

runMatrix('role × scope matrix: findings', [
  { name: 'GET /findings', method: 'get', setup: async () => ({ path: '/api/v1/findings' }), expect: READ_ALL },
  { name: 'GET /findings/summary', method: 'get', setup: async () => ({ path: '/api/v1/findings/summary' }), expect: READ_ALL },
  { name: 'GET /findings/export.csv', method: 'get', setup: async () => ({ path: '/api/v1/findings/export.csv' }), expect: READ_ALL },
  { name: 'GET /findings/:id', method: 'get', setup: async (a) => ({ path: `/api/v1/findings/${(await finding(a)).id}` }), expect: OWN_ORG },
  { name: 'POST /findings', method: 'post', setup: async (a) => ({ path: '/api/v1/findings', body: { system: (await makeSystem(a.org)).id, title: 'Weak TLS', severity: 'high' } }), expect: ONLY(201, 'inspector') },
  { name: 'POST /findings/bulk', method: 'post', setup: async (a) => ({ path: '/api/v1/findings/bulk', body: { filter: { system: (await makeSystem(a.org)).id }, action: 'severity', severity: 'low' } }), expect: ONLY(200, 'inspector') },
  { name: 'PATCH /findings/:id', method: 'patch', setup: async (a) => ({ path: `/api/v1/findings/${(await finding(a)).id}`, body: { severity: 'low' } }), expect: ONLY(200, 'inspector') },
  { name: 'POST /findings/:id/transitions (to in_remediation)', method: 'post', setup: async (a) => ({ path: `/api/v1/findings/${(await finding(a)).id}/transitions`, body: { to: 'in_remediation', comment: 'starting' } }),
    expect: { anonymous: 401, admin: 403, inspector: 403, owner: 200, otherOwner: 404 } },
  { name: 'POST /findings/:id/comments', method: 'post', setup: async (a) => ({ path: `/api/v1/findings/${(await finding(a)).id}/comments`, body: { comment: 'Ghi chú' } }), expect: { ...OWN_ORG, admin: 201, inspector: 201, owner: 201 } },
  { name: 'POST /findings/:id/risk-acceptance', method: 'post', setup: async (a) => ({ path: `/api/v1/findings/${(await finding(a)).id}/risk-acceptance`, body: { justification: 'System retires in Q2', compensatingControls: 'Port closed at the firewall', expiresAt: new Date(Date.now() + 30 * DAY).toISOString() } }),
    expect: { anonymous: 401, admin: 403, inspector: 200, owner: 200, otherOwner: 404 } },
  { name: 'POST /findings/:id/extension', method: 'post', setup: async (a) => { const f = await finding(a); return { path: `/api/v1/findings/${f.id}/extension`, body: { dueAt: new Date(new Date(f.dueAt).getTime() + 30 * DAY).toISOString(), reason: 'Vendor fix due next month' } }; },
    expect: { anonymous: 401, admin: 403, inspector: 403, owner: 200, otherOwner: 404 } },
  { name: 'POST /findings/:id/extension/decision', method: 'post', setup: async (a) => {
    const f = await finding(a);
    await lifecycle.requestExtension(await ctxOf(a.users.owner.id), f.id, { dueAt: new Date(new Date(f.dueAt).getTime() + 30 * DAY), reason: 'Vendor fix due next month' });
    return { path: `/api/v1/findings/${f.id}/extension/decision`, body: { approve: true } };
  }, expect: ONLY(200, 'admin') },
]);
