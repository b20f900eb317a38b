import type { Bilingual, ProblemTable } from './types';

const PROTOCOLS: Record<string, string> = { 'tls.protocol.sslv3': 'SSLv3', 'tls.protocol.tls1_0': 'TLS 1.0', 'tls.protocol.tls1_1': 'TLS 1.1' };

/** "SSLv3, TLS 1.0 và 1.1" / "TLS 1.0 and 1.1": the versions seen, in order, TLS written once. */
export function versionList(codes: string[], and: string): string {
  const names = Object.keys(PROTOCOLS).filter((c) => codes.includes(c)).map((c) => PROTOCOLS[c]);
  const tls = names.filter((n) => n.startsWith('TLS '));
  const parts = [...names.filter((n) => !n.startsWith('TLS ')), ...tls.map((n, i) => (i === 0 ? n : n.slice(4)))];
  return parts.length < 2 ? parts.join('') : `${parts.slice(0, -1).join(', ')} ${and} ${parts[parts.length - 1]}`;
}

const CIPHER_FIX: Bilingual = {
  vi: 'Loại các bộ mã này khỏi cấu hình máy chủ; chỉ dùng trao đổi khóa ECDHE với AES-GCM hoặc ChaCha20-Poly1305.',
  en: 'Remove these suites from the server configuration; use only ECDHE key exchange with AES-GCM or ChaCha20-Poly1305.',
};
const CIPHERS: Record<string, Bilingual> = {
  null: { vi: 'Máy chủ chấp nhận bộ mã không mã hóa (NULL)', en: 'The server accepts cipher suites without encryption (NULL)' },
  anon: { vi: 'Máy chủ chấp nhận bộ mã không xác thực máy chủ (anonymous)', en: 'The server accepts anonymous cipher suites (no server authentication)' },
  export: { vi: 'Máy chủ chấp nhận bộ mã EXPORT đã bị phá', en: 'The server accepts broken EXPORT cipher suites' },
  rc4: { vi: 'Máy chủ chấp nhận bộ mã RC4', en: 'The server accepts RC4 cipher suites' },
  '3des': { vi: 'Máy chủ chấp nhận 3DES (khối 64 bit, tấn công SWEET32)', en: 'The server accepts 3DES (64-bit block, SWEET32)' },
  no_forward_secrecy: { vi: 'Máy chủ chấp nhận bộ mã không có bí mật chuyển tiếp (forward secrecy)', en: 'The server accepts cipher suites without forward secrecy' },
  cbc_only_tls12: { vi: 'TLS 1.2 chỉ có bộ mã CBC, không có bộ mã AEAD', en: 'TLS 1.2 offers only CBC suites, no AEAD suite' },
};

const VALIDITY: Record<string, Bilingual> = {
  'cert.expired': { vi: 'Chứng thư số đã hết hạn', en: 'The certificate has expired' },
  'cert.not_yet_valid': { vi: 'Chứng thư số chưa có hiệu lực', en: 'The certificate is not valid yet' },
  'cert.expiring': { vi: 'Chứng thư số sắp hết hạn', en: 'The certificate expires soon' },
};
const CERT: Record<string, { title: Bilingual; fix: Bilingual }> = {
  'cert.untrusted': {
    title: { vi: 'Chứng thư số không được tin cậy', en: 'The certificate is not trusted' },
    fix: { vi: 'Dùng chứng thư số do tổ chức chứng thực được tin cậy cấp và gửi kèm đủ chuỗi chứng thư trung gian.', en: 'Use a certificate from a trusted authority and send the full chain of intermediates.' },
  },
  'cert.chain_incomplete': {
    title: { vi: 'Máy chủ không gửi đủ chuỗi chứng thư trung gian', en: 'The server does not send its intermediate certificates' },
    fix: { vi: 'Cấu hình máy chủ gửi kèm các chứng thư trung gian (full chain).', en: 'Configure the server to send the intermediate certificates (full chain).' },
  },
  'cert.hostname_mismatch': {
    title: { vi: 'Chứng thư số không khớp với tên máy chủ', en: 'The certificate does not match the host name' },
    fix: { vi: 'Cấp lại chứng thư số có tên máy chủ này trong Subject Alternative Name.', en: 'Reissue the certificate with this host name in its Subject Alternative Name.' },
  },
  'cert.weak_key': {
    title: { vi: 'Khóa của chứng thư số quá ngắn', en: 'The certificate key is too short' },
    fix: { vi: 'Cấp lại chứng thư số với khóa RSA ít nhất 2048 bit hoặc ECDSA P-256.', en: 'Reissue the certificate with an RSA key of at least 2048 bits or an ECDSA P-256 key.' },
  },
  'cert.sha1_signature': {
    title: { vi: 'Chứng thư số được ký bằng SHA-1', en: 'The certificate is signed with SHA-1' },
    fix: { vi: 'Cấp lại chứng thư số (và chứng thư trung gian) ký bằng SHA-256 trở lên.', en: 'Reissue the certificate (and intermediates) signed with SHA-256 or stronger.' },
  },
};

/** tls.protocols and tls.certificate: legacy versions are one problem, each weak cipher class another. */
export const tlsProblems: ProblemTable = {
  keyOf(code) {
    if (code in PROTOCOLS) return 'legacy-protocols';
    if (code.startsWith('tls.cipher.') && code.slice(11) in CIPHERS) return code;
    if (code in VALIDITY) return 'cert.validity';
    if (code in CERT) return code;
    return undefined;
  },
  describe(key, codes) {
    if (key === 'legacy-protocols') {
      return {
        title: { vi: `${versionList(codes, 'và')} vẫn được chấp nhận`, en: `${versionList(codes, 'and')} accepted` },
        fix: { vi: 'Tắt SSLv3, TLS 1.0 và TLS 1.1 trên máy chủ; chỉ cho phép TLS 1.2 và TLS 1.3.', en: 'Turn off SSLv3, TLS 1.0 and TLS 1.1 on the server; allow only TLS 1.2 and TLS 1.3.' },
      };
    }
    if (key.startsWith('tls.cipher.')) return { title: CIPHERS[key.slice(11)], fix: CIPHER_FIX };
    if (key === 'cert.validity') {
      const code = ['cert.expired', 'cert.not_yet_valid', 'cert.expiring'].find((c) => codes.includes(c)) ?? 'cert.expired';
      return { title: VALIDITY[code], fix: { vi: 'Gia hạn chứng thư số và cài chứng thư mới lên máy chủ trước ngày hết hạn.', en: 'Renew the certificate and install the new one on the server before it expires.' } };
    }
    return CERT[key];
  },
};
