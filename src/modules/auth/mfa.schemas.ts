import Joi from 'joi';
import { objectId } from '../../shared/joi';
import { ROLES } from '../../shared/enums';

const code = Joi.string().pattern(/^[0-9]{6}$/).description('the 6-digit code the authenticator app shows now');
const recoveryCode = Joi.string().max(40).pattern(/^[A-Za-z0-9 -]{12,40}$/).description('one of the recovery codes, e.g. ABCD-EFGH-JKMN');
const mfaToken = Joi.string().pattern(/^mfa_[A-Za-z0-9_-]{43}$/).required().description('the handle POST /auth/login returned with mfaRequired');
const name = Joi.string().trim().min(1).max(80);
const b64url = Joi.string().max(65_536).pattern(/^[A-Za-z0-9_=-]*$/);

/** a WebAuthn answer as the browser's JSON form of it (PublicKeyCredential.toJSON()); checked by the WebAuthn library */
const credential = Joi.object({
  id: Joi.string().max(1024).pattern(/^[A-Za-z0-9_-]+$/).required(),
  rawId: Joi.string().max(1024).pattern(/^[A-Za-z0-9_-]+$/).required(),
  type: Joi.string().valid('public-key').required(),
  // the fields of AuthenticatorAttestationResponse / AuthenticatorAssertionResponse.toJSON(); others a
  // browser may add are passed on to the WebAuthn library, which ignores them
  response: Joi.object({
    clientDataJSON: b64url.required(), attestationObject: b64url, authenticatorData: b64url, signature: b64url,
    userHandle: b64url.allow(null), publicKey: b64url, publicKeyAlgorithm: Joi.number().integer(),
    transports: Joi.array().max(10).items(Joi.string().max(40).pattern(/^[a-z-]+$/)),
  }).unknown(true).required(),
  clientExtensionResults: Joi.object().unknown(true).default({}),
  authenticatorAttachment: Joi.string().valid('platform', 'cross-platform'),
});

/** the password or a current code, to prove it is the user before a factor goes */
export const proof = { body: Joi.object({ password: Joi.string().min(1).max(1024), code }).xor('password', 'code') };
export const confirmTotp = { body: Joi.object({ code: code.required() }) };
export const verify = { body: Joi.object({ mfaToken, code, recoveryCode }).xor('code', 'recoveryCode') };
export const passkeyOptions = { body: Joi.object({ mfaToken }) };
export const passkeyVerify = { body: Joi.object({ mfaToken, response: credential.required() }) };
export const registerPasskey = { body: Joi.object({ name: name.default('Passkey'), response: credential.required() }) };
export const passkeyId = { params: Joi.object({ id: Joi.string().max(1024).pattern(/^[A-Za-z0-9_-]+$/).required() }) };
export const removePasskey = { ...passkeyId, ...proof };
export const userId = { params: Joi.object({ id: objectId().required() }) };

export const sessionId = { params: Joi.object({ id: Joi.string().pattern(/^[0-9a-f]{16}$/).required() }) };
export const createToken = {
  body: Joi.object({
    name: name.required().description('what the token is for, e.g. "CI export"'),
    scope: Joi.string().valid('read-only', ...ROLES).required().description('read-only, or one of your roles (the token acts with that role only)'),
    expiresInDays: Joi.number().integer().min(1).max(366).required().description('at most API_TOKEN_MAX_DAYS (default 90)'),
  }),
};
