import { expect } from 'chai';
import { api, bearer, makeSystem, type Actors } from './factories';

/** A manual finding on a fresh system of the actors' organization, raised by the inspector. */
export async function raise(a: Actors, over: Record<string, unknown> = {}, level = 3) {
  const system = await makeSystem(a.org, { level });
  const res = await api().post('/api/v1/findings').set(bearer(a.inspector)).send({ system: system.id, title: 'Máy chủ web lộ phiên bản phần mềm', severity: 'high', ...over });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { finding: res.body as { id: string; status: string; dueAt: string; createdAt: string; severity: string }, system };
}

export const move = (token: string, id: string, body: Record<string, unknown>) =>
  api().post(`/api/v1/findings/${id}/transitions`).set(bearer(token)).send(body);

export const EVIDENCE = [{ url: 'https://evidence.example.org/patch-report.pdf', title: 'Patch report' }];
