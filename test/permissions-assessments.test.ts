import { runMatrix, READ_ALL, ONLY } from './helpers/matrix';
import { makeSystem, type Actors } from './helpers/factories';
import * as assessments from '../src/modules/assessments/assessment.service';
import * as users from '../src/modules/users/user.service';

async function ctxOf(userId: string) {
  return { actor: (await users.activeActor(userId))! };
}

/** A draft assessment of a level-1 system of the actors' organization, made through the service. */
async function draft(a: Actors) {
  const system = await makeSystem(a.org, { level: 1 });
  return assessments.create(await ctxOf(a.users.inspector.id), { system: system.id }) as Promise<{ id: string; results: { controlId: string }[] }>;
}

async function submitted(a: Actors) {
  const d = await draft(a);
  const ctx = await ctxOf(a.users.inspector.id);
  for (const r of d.results) await assessments.saveResult(ctx, d.id, r.controlId, { result: 'met', version: 0 });
  await assessments.submit(ctx, d.id);
  return d;
}

async function withFile(a: Actors) {
  const d = await draft(a);
  const f = await assessments.addEvidenceFile(await ctxOf(a.users.inspector.id), d.id, d.results[0].controlId, { buffer: Buffer.from('%PDF-1.4 test'), originalname: 'e.pdf', mimetype: 'application/pdf' });
  return { d, fileId: (f as { fileId: string }).fileId };
}

const OWN_ORG_READ = { ...READ_ALL, otherOwner: 404 };

runMatrix('role × scope matrix: assessments', [
  { name: 'POST /assessments', method: 'post', setup: async (a) => ({ path: '/api/v1/assessments', body: { system: (await makeSystem(a.org, { level: 1 })).id } }), expect: ONLY(201, 'inspector') },
  { name: 'GET /assessments', method: 'get', setup: async () => ({ path: '/api/v1/assessments' }), expect: READ_ALL },
  { name: 'GET /assessments/:id', method: 'get', setup: async (a) => ({ path: `/api/v1/assessments/${(await draft(a)).id}` }), expect: OWN_ORG_READ },
  { name: 'DELETE /assessments/:id', method: 'delete', setup: async (a) => ({ path: `/api/v1/assessments/${(await draft(a)).id}` }), expect: ONLY(204, 'inspector') },
  { name: 'PUT /assessments/:id/results/:controlId', method: 'put', setup: async (a) => { const d = await draft(a); return { path: `/api/v1/assessments/${d.id}/results/${d.results[0].controlId}`, body: { result: 'met', version: 0 } }; }, expect: ONLY(200, 'inspector') },
  { name: 'PATCH /assessments/:id/results', method: 'patch', setup: async (a) => { const d = await draft(a); return { path: `/api/v1/assessments/${d.id}/results`, body: { results: [{ controlId: d.results[0].controlId, result: 'met', version: 0 }] } }; }, expect: ONLY(200, 'inspector') },
  { name: 'POST /assessments/:id/results/:controlId/evidence', method: 'post', setup: async (a) => { const d = await draft(a); return { path: `/api/v1/assessments/${d.id}/results/${d.results[0].controlId}/evidence`, file: { data: Buffer.from('%PDF-1.4 x'), name: 'a.pdf', type: 'application/pdf' } }; }, expect: ONLY(201, 'inspector') },
  { name: 'GET /assessments/:id/evidence/:fileId', method: 'get', setup: async (a) => { const { d, fileId } = await withFile(a); return { path: `/api/v1/assessments/${d.id}/evidence/${fileId}` }; }, expect: OWN_ORG_READ },
  { name: 'DELETE /assessments/:id/evidence/:fileId', method: 'delete', setup: async (a) => { const { d, fileId } = await withFile(a); return { path: `/api/v1/assessments/${d.id}/evidence/${fileId}` }; }, expect: ONLY(204, 'inspector') },
  { name: 'POST /assessments/:id/submit', method: 'post', setup: async (a) => {
    const d = await draft(a);
    const ctx = await ctxOf(a.users.inspector.id);
    for (const r of d.results) await assessments.saveResult(ctx, d.id, r.controlId, { result: 'met', version: 0 });
    return { path: `/api/v1/assessments/${d.id}/submit`, body: {} };
  }, expect: ONLY(200, 'inspector') },
  { name: 'POST /assessments/:id/approve', method: 'post', setup: async (a) => ({ path: `/api/v1/assessments/${(await submitted(a)).id}/approve`, body: {} }), expect: ONLY(200, 'admin') },
  { name: 'POST /assessments/:id/return', method: 'post', setup: async (a) => ({ path: `/api/v1/assessments/${(await submitted(a)).id}/return`, body: { reason: 'Missing evidence' } }), expect: ONLY(200, 'admin') },
]);
