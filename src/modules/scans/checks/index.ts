import type { Check, CheckId } from './types';
import { tlsProtocols } from './tls-protocols';
import { tlsCertificate } from './tls-certificate';
import { httpHeaders, httpRedirect } from './http';
import { portsExposed } from './ports';

/** One module per check behind one interface (types.ts). */
export const CHECKS: Record<CheckId, Check> = {
  'tls.protocols': tlsProtocols,
  'tls.certificate': tlsCertificate,
  'http.headers': httpHeaders,
  'http.redirect': httpRedirect,
  'ports.exposed': portsExposed,
};
