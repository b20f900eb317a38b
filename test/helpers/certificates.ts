import { expect } from 'chai';
import { api, bearer, makeSystem, type Actors } from './factories';
import { allMet, answer, startAssessment } from './assessments';
import { binary } from './pdf';

export interface Issued { system: { id: string; name: string }; cert: { id: string; code: string; number: string; issuedAt: string; expiresAt: string; verifyUrl: string; pdf: { sha256: string } }; pdf: Buffer }

/** A level-2 system of the actors' organization, assessed (all met), approved by a second admin and certified; with its signed PDF. */
export async function certified(a: Actors, admin2: string, name: string): Promise<Issued> {
  const system = await makeSystem(a.org, { level: 2, name });
  const asm = await answer(a.inspector, await startAssessment(a.inspector, system.id), allMet);
  await api().post(`/api/v1/assessments/${asm.id}/submit`).set(bearer(a.inspector)).send({}).expect(200);
  await api().post(`/api/v1/assessments/${asm.id}/approve`).set(bearer(admin2)).send({}).expect(200);
  const res = await api().post(`/api/v1/systems/${system.id}/certificates`).set(bearer(a.admin)).send({});
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  const pdf = await api().get(`/api/v1/certificates/${res.body.id}/pdf`).set(bearer(a.admin)).buffer(true).parse(binary as never);
  expect(pdf.status).to.equal(200);
  return { system, cert: res.body, pdf: pdf.body as Buffer };
}

/** The same bytes with one byte in the middle changed. */
export function alterOneByte(pdf: Buffer): Buffer {
  const copy = Buffer.from(pdf);
  const at = Math.floor(copy.length / 2);
  copy[at] = copy[at] ^ 0x01;
  return copy;
}
