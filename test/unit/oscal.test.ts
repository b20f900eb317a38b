import { expect } from 'chai';
import { uuidFor, uuidV5, latest } from '../../src/modules/oscal/oscal.common';
import { controlIdOf, prefixOf } from '../../src/modules/oscal/oscal.catalog';
import { riskStatus } from '../../src/modules/oscal/oscal.risks';
import { buildPoam } from '../../src/modules/oscal/oscal.poam';
import { expectValid } from '../helpers/oscal';

describe('OSCAL pure parts', () => {
  it('when a name-based UUID is made, then it is RFC 9562 version 5 (the DNS namespace test vector) and stable per object and role', () => {
    const dns = Buffer.from('6ba7b8109dad11d180b400c04fd430c8', 'hex');
    expect(uuidV5(dns, 'www.example.com')).to.equal('2ed6657d-e927-568b-95e1-2665a8aea6a2');
    expect(uuidFor('system', 'abc', 'ssp')).to.equal(uuidFor('system', 'abc', 'ssp'));
    expect(uuidFor('system', 'abc', 'ssp')).to.not.equal(uuidFor('system', 'abc', 'poam'));
    expect(uuidFor('system', 'abc', 'ssp')).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('when a control id is derived, then it is the TCVN clause without its level digit, the same at every level', () => {
    expect(prefixOf('TCVN-11930')).to.equal('tcvn');
    expect(controlIdOf('TCVN-11930', { levels: [3, 4, 5], refs: { 3: '7.2.3.4', 4: '8.2.3.4', 5: '9.2.3.4' } })).to.equal('tcvn-x-2-3-4');
  });

  it('when finding states are said as OSCAL risk states, then each maps as documented', () => {
    expect(['open', 'reopened', 'in_remediation', 'resolved', 'verified', 'risk_accepted'].map((status) => riskStatus({ status })))
      .to.deep.equal(['open', 'open', 'remediating', 'investigating', 'closed', 'deviation-approved']);
    expect(riskStatus({ status: 'open', riskAcceptance: { requestedAt: new Date(), justification: 'j', compensatingControls: 'c', expiresAt: new Date() } })).to.equal('deviation-requested');
  });

  it('when last-modified is taken from data, then it is the newest date given, never now', () => {
    expect(latest(new Date('2024-01-01T00:00:00Z'), undefined, '2025-02-03T04:05:06Z', null)).to.equal('2025-02-03T04:05:06.000Z');
    expect(latest()).to.equal('1970-01-01T00:00:00.000Z');
  });
});

describe('OSCAL plan of action beyond the export limit', () => {
  const system = { id: 'a1', code: 'HT-900', name: 'Cổng dịch vụ', level: 3, status: 'active', endpoints: ['https://portal.example.gov'], updatedAt: '2026-12-01T00:00:00Z' };
  const organization = { id: 'o1', code: 'BO-1', name: 'Bộ Ví dụ' };
  const finding = (i: number) => ({
    id: `f${i}`, title: `Finding ${i}`, severity: 'high', status: 'open', source: { type: 'manual' },
    dueAt: '2027-01-01T00:00:00Z', createdAt: '2026-11-01T00:00:00Z', updatedAt: '2026-11-02T00:00:00Z',
  });
  const propsOf = (doc: ReturnType<typeof buildPoam>) => doc['plan-of-action-and-milestones'].metadata.props as { name: string; value: string; remarks?: string }[];

  it('when findings were left out of a plan, then its metadata says how many (and the document stays schema-valid); a complete plan says nothing', () => {
    const cut = buildPoam({ system, organization, findings: [finding(1), finding(2)], omitted: 37, base: 'https://attest.example.gov' });
    expectValid(cut);
    const omitted = propsOf(cut).find((p) => p.name === 'findings-omitted');
    expect(omitted?.value).to.equal('37');
    expect(omitted?.remarks).to.match(/Only the 2 oldest open findings are listed; 37 newer ones are left out/);
    const whole = buildPoam({ system, organization, findings: [finding(1)], base: 'https://attest.example.gov' });
    expectValid(whole);
    expect(propsOf(whole).map((p) => p.name)).to.not.include('findings-omitted');
  });
});
