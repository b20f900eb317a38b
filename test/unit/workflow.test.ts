import { expect } from 'chai';
import { noteRequired, summarize, TRANSITIONS } from '../../src/modules/assessments/assessment.workflow';
import { checkTransition, dueFrom, FINDING_TRANSITIONS, movesFor } from '../../src/modules/findings/finding.workflow';
import { csvCell } from '../../src/modules/findings/finding.queries';
import { SCAN_TRANSITIONS, checkScanTransition } from '../../src/modules/scans/scan.workflow';
import { CERTIFICATE_TRANSITIONS, checkCertificateTransition } from '../../src/modules/certificates/certificate.workflow';
import { TtlCache } from '../../src/shared/ttl-cache';

describe('unit: assessment scoring', () => {
  it('when some controls are N/A, then the score is met over applicable and N/A never counts against it', () => {
    const s = summarize([{ result: 'met' }, { result: 'met' }, { result: 'partial' }, { result: 'not_applicable' }]);
    expect(s).to.include({ total: 4, answered: 4, applicable: 3, met: 2, partial: 1, metAllCriteria: false });
    expect(s.score).to.equal(0.6667);
  });
  it('when every applicable control is met, then metAllCriteria holds; an unanswered control breaks it', () => {
    expect(summarize([{ result: 'met' }, { result: 'not_applicable' }]).metAllCriteria).to.equal(true);
    expect(summarize([{ result: 'met' }, {}]).metAllCriteria).to.equal(false);
    expect(summarize([{ result: 'not_applicable' }]).score).to.equal(1);
  });
  it('when a result is anything but met, then a note is required', () => {
    expect(['met', 'partial', 'not_met', 'not_applicable'].map((r) => noteRequired(r as never))).to.deep.equal([false, true, true, true]);
  });
  it('when an assessment is approved, then nothing follows', () => {
    expect(TRANSITIONS.approved).to.deep.equal([]);
    expect(TRANSITIONS.submitted).to.deep.equal(['approved', 'returned']);
  });
});

describe('unit: finding lifecycle rules', () => {
  const t = (from: string, to: string, roles: string[], extra: { comment?: string; evidenceCount?: number } = {}) =>
    checkTransition({ from: from as never, to: to as never, roles: roles as never, evidenceCount: 0, ...extra });

  it('when a move skips a state, then it is illegal (409)', () => {
    expect(t('open', 'resolved', ['owner'], { comment: 'x', evidenceCount: 1 })).to.deep.include({ ok: false, status: 409 });
    expect(t('verified', 'in_remediation', ['owner'])).to.deep.include({ ok: false, status: 409 });
  });
  it('when the wrong role moves a finding, then 403', () => {
    expect(t('open', 'in_remediation', ['inspector'])).to.deep.include({ ok: false, status: 403 });
    expect(t('resolved', 'verified', ['owner'])).to.deep.include({ ok: false, status: 403 });
    expect(t('open', 'risk_accepted', ['inspector'], { comment: 'x' })).to.deep.include({ ok: false, status: 403 });
  });
  it('when resolving without a comment or evidence, then 422; with both, then allowed', () => {
    expect(t('in_remediation', 'resolved', ['owner'], { comment: 'fixed' })).to.deep.include({ ok: false, status: 422 });
    expect(t('in_remediation', 'resolved', ['owner'], { evidenceCount: 1 })).to.deep.include({ ok: false, status: 422 });
    expect(t('in_remediation', 'resolved', ['owner'], { comment: 'fixed', evidenceCount: 1 })).to.deep.equal({ ok: true });
  });
  it('when a risk acceptance expires, then the system (or an admin) may reopen it', () => {
    expect(t('risk_accepted', 'reopened', ['system'])).to.deep.equal({ ok: true });
    expect(t('risk_accepted', 'reopened', ['admin'], { comment: 'revoked' })).to.deep.equal({ ok: true });
    expect(t('risk_accepted', 'reopened', ['owner'], { comment: 'x' })).to.deep.include({ ok: false, status: 403 });
  });
  it('when any open state is reached, then risk acceptance is among its next states', () => {
    for (const s of ['open', 'in_remediation', 'resolved', 'reopened'] as const) expect(FINDING_TRANSITIONS[s]).to.include('risk_accepted');
  });
  it('when a user reads a finding, then the moves offered are those their roles allow', () => {
    expect(movesFor('resolved', ['owner'])).to.not.include.members(['verified', 'reopened']);
    expect(movesFor('resolved', ['inspector'])).to.include.members(['verified', 'reopened']);
    expect(movesFor('open', ['owner'])).to.include('in_remediation');
    expect(movesFor('open', ['inspector'])).to.not.include('in_remediation');
    for (const s of Object.keys(FINDING_TRANSITIONS) as (keyof typeof FINDING_TRANSITIONS)[]) {
      expect(FINDING_TRANSITIONS[s]).to.include.members(movesFor(s, ['admin', 'inspector', 'owner']));
    }
  });

  it('when an SLA applies, then the deadline is that many days later', () => {
    expect(dueFrom(new Date('2026-01-01T00:00:00Z'), 30).toISOString()).to.equal('2026-01-31T00:00:00.000Z');
  });
});

describe('unit: CSV cells', () => {
  it('when a cell has commas, quotes, newlines or starts like a formula, then it is quoted and neutralised', () => {
    expect(csvCell('plain')).to.equal('plain');
    expect(csvCell('a, "b"')).to.equal('"a, ""b"""');
    expect(csvCell('line1\nline2')).to.equal('"line1\nline2"');
    expect(csvCell('=1+1')).to.equal("'=1+1");
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
    // dates as people read them: in the display time zone (Asia/Ho_Chi_Minh, UTC+7, by default)
    expect(csvCell(new Date('2026-01-01T00:00:00Z'))).to.equal('2026-01-01 07:00');
    expect(csvCell(new Date('2026-12-05T18:30:00Z'))).to.equal('2026-12-06 01:30');
    expect(csvCell(undefined)).to.equal('');
    expect(csvCell('Hệ thống')).to.equal('Hệ thống');
  });
  it('when a cell holds a separator of another locale followed by a formula, then it is quoted and the formula neutralised', () => {
    expect(csvCell('x;=4+4')).to.equal(`"x;'=4+4"`);
    expect(csvCell('a\t+cmd')).to.equal(`"a\t'+cmd"`);
    expect(csvCell('ok;fine')).to.equal('"ok;fine"');
  });
});

describe('unit: scan run and certificate transition tables', () => {
  it('when a scan run has finished, then nothing follows; queued and running may be interrupted', () => {
    for (const s of ['succeeded', 'failed', 'interrupted'] as const) expect(SCAN_TRANSITIONS[s]).to.deep.equal([]);
    expect(checkScanTransition('interrupted', 'succeeded')).to.deep.include({ ok: false, status: 409 });
    expect(checkScanTransition('queued', 'succeeded').ok).to.equal(false);
    expect(checkScanTransition('running', 'interrupted').ok).to.equal(true);
  });
  it('when a certificate is revoked or expired, then nothing follows; a move to its own status is refused', () => {
    expect(CERTIFICATE_TRANSITIONS.revoked).to.deep.equal([]);
    expect(CERTIFICATE_TRANSITIONS.expired).to.deep.equal([]);
    expect(checkCertificateTransition('revoked', 'valid')).to.deep.include({ ok: false, status: 409 });
    expect(checkCertificateTransition('valid', 'valid').ok).to.equal(false);
    expect(checkCertificateTransition('suspended', 'valid').ok).to.equal(true);
  });
});

describe('unit: a cache entry read while it was invalidated', () => {
  it('when a lookup read before a revocation finishes after it, then what it read is not kept', () => {
    const c = new TtlCache<string, string>(60_000);
    c.set('t', 'user-1');
    const mark = c.mark(); // a lookup starts (it missed the cache, say) and reads the database
    c.delete('t'); // the revocation, written to the database, drops the entry
    c.set('t', 'user-1', undefined, mark); // the lookup finishes with what it read before
    expect(c.get('t')).to.equal(undefined);
    c.set('t', 'user-2', undefined, c.mark());
    expect(c.get('t')).to.equal('user-2');
  });
});
