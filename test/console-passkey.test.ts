import { expect } from 'chai';
import { api, bearer, makeUser, PASSWORD, tokenFor } from './helpers/factories';
import { harness } from './helpers/harness';
import { baseUrl, closeBrowsers, newPage, startServer, stopServer } from './helpers/browser';
import { configureWebAuthn } from '../src/modules/auth/passkey.service';

/*
 * A passkey made and used in Chromium, with the DevTools virtual authenticator standing in for the
 * platform's. WebAuthn needs a host name (not an IP address) as the relying party, so the console
 * is opened at http://localhost:<port>, the deployment's PUBLIC_BASE_URL for this test.
 */
describe('web console: passkeys', function () {
  this.timeout(120_000);
  let origin: string;
  before(async () => {
    await startServer();
    origin = baseUrl.replace('127.0.0.1', 'localhost');
    configureWebAuthn({ publicBaseUrl: origin });
  });
  after(async () => {
    configureWebAuthn({ publicBaseUrl: harness().config.publicBaseUrl });
    await closeBrowsers(); await stopServer();
  });

  it('when a user adds a passkey on the Security page, then recovery codes are shown once, that console session counts as having passed the second factor (it may create an API token), and the next login asks for the passkey and succeeds with it', async () => {
    const u = await makeUser('inspector');
    const page = await newPage('en');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
    });
    const logIn = async () => {
      await page.goto(`${origin}/`);
      await page.getByLabel('E-mail').fill(u.email);
      await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Log in' }).click();
    };
    await logIn();
    await page.locator('header.top .brand').waitFor();
    await page.getByRole('link', { name: 'Account / Security' }).click();
    await page.getByLabel('Passkey name').fill('Laptop (virtual)');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    const codes = page.getByRole('list', { name: 'Recovery codes' }).getByRole('listitem');
    await codes.first().waitFor();
    expect(await codes.count()).to.equal(10);
    await page.getByText('Laptop (virtual)').waitFor();
    const creds = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials;
    expect(creds).to.have.length(1);
    // the console session that added the first factor counts as having passed it: it may create an API token
    const minted = await page.evaluate(async () => (await fetch('/api/v1/auth/tokens', {
      method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Requested-With': 'attest' },
      body: JSON.stringify({ name: 'after the passkey', scope: 'read-only', expiresInDays: 1 }),
    })).status);
    expect(minted).to.equal(201);
    await page.getByRole('button', { name: 'Log out' }).click();

    await logIn();
    await page.getByRole('heading', { name: 'Two-factor authentication' }).waitFor();
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    await page.locator('header.top .brand').waitFor();
    expect((await cdp.send('WebAuthn.getCredentials', { authenticatorId })).credentials[0].signCount).to.be.greaterThan(creds[0].signCount);
    // the server saw a login with the passkey as its second factor
    const admin = await tokenFor(await makeUser('admin'));
    const events = (await api().get('/api/v1/audit').query({ entity: 'user', limit: 50 }).set(bearer(admin))).body.items as { action: string; entityId: string; after?: { factor?: string } }[];
    expect(events.some((e) => e.entityId === u.id && e.action === 'auth.login' && e.after?.factor === 'passkey')).to.equal(true);
    expect(events.some((e) => e.entityId === u.id && e.action === 'auth.mfa_passkey_added')).to.equal(true);
  });
});
