import { expect } from 'chai';
import { api, bearer } from './factories';

export interface AssessmentBody { id: string; status: string; version: number; controls: { id: string; severity: string; ref: string }[]; results: { controlId: string; version: number; result?: string }[] }

export async function startAssessment(token: string, system: string, extra: Record<string, unknown> = {}): Promise<AssessmentBody> {
  const res = await api().post('/api/v1/assessments').set(bearer(token)).send({ system, ...extra });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body;
}

export type Pick = (controlId: string, index: number) => { result: string; note?: string } | undefined;

/** Answers controls as `pick` says (undefined = leave unanswered); returns the fresh assessment. */
export async function answer(token: string, a: AssessmentBody, pick: Pick): Promise<AssessmentBody> {
  for (const [i, r] of a.results.entries()) {
    const choice = pick(r.controlId, i);
    if (!choice) continue;
    const res = await api().put(`/api/v1/assessments/${a.id}/results/${r.controlId}`).set(bearer(token))
      .send({ note: choice.result === 'met' ? undefined : 'Observed during the on-site review', ...choice, version: r.version });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }
  return (await api().get(`/api/v1/assessments/${a.id}`).set(bearer(token))).body;
}

export const allMet: Pick = () => ({ result: 'met' });
