/**
 * Protocol and policy checks that look at the request as a whole: method, sizes, framing headers,
 * encodings and country. Each returns the id of the violated rule or nothing.
 */
import type { WafPolicy } from './policy.ts';
import { headerValue, headerValues, splitUrl } from './targets.ts';
import type { RuleMatch, WafRequest } from './types.ts';

type Check = (req: WafRequest, policy: WafPolicy, body: string) => string | undefined;

/** A whole-request check with its paranoia level. */
export interface ProtocolCheck {
  readonly id: string;
  readonly family: 'protocol' | 'geo';
  readonly paranoia: 1 | 2 | 3;
  readonly location: string;
  readonly check: Check;
}

function mediaType(contentType: string): string {
  return (contentType.split(';')[0] ?? '').trim().toLowerCase();
}

function headerBytes(req: WafRequest): { bytes: number; count: number } {
  let bytes = 0;
  let count = 0;
  const headers = req.headers;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') {
      bytes += name.length + value.length + 4;
      count++;
    } else {
      for (const v of value) bytes += name.length + v.length + 4;
      count += value.length;
    }
  }
  return { bytes, count };
}

const flag = (id: string, bad: boolean): string | undefined => (bad ? id : undefined);

/** All whole-request checks. */
export const PROTOCOL_CHECKS: readonly ProtocolCheck[] = [
  {
    id: 'protocol-method-not-allowed', family: 'protocol', paranoia: 1, location: 'method',
    check: (req, p) => flag('protocol-method-not-allowed', !p.allowedMethods.includes(req.method.toUpperCase())),
  },
  {
    id: 'protocol-host', family: 'protocol', paranoia: 1, location: 'header:host',
    check: (req) => {
      const hosts = headerValues(req, 'host');
      return flag('protocol-host', hosts.length !== 1 || (hosts[0] ?? '').trim() === '');
    },
  },
  {
    id: 'protocol-content-length', family: 'protocol', paranoia: 1, location: 'header:content-length',
    check: (req, _p, body) => {
      const lengths = headerValues(req, 'content-length');
      if (lengths.length === 0) return undefined;
      const te = headerValue(req, 'transfer-encoding');
      const bad = lengths.length > 1 || !/^\d+$/.test((lengths[0] ?? '').trim()) || te !== undefined ||
        (req.body !== undefined && Number(lengths[0]) !== Buffer.byteLength(body));
      return flag('protocol-content-length', bad);
    },
  },
  {
    id: 'protocol-body-too-large', family: 'protocol', paranoia: 1, location: 'body',
    check: (req, p, body) => {
      const declared = Number(headerValue(req, 'content-length') ?? 0);
      return flag('protocol-body-too-large', Buffer.byteLength(body) > p.maxBodyBytes || declared > p.maxBodyBytes);
    },
  },
  {
    id: 'protocol-headers-too-large', family: 'protocol', paranoia: 1, location: 'headers',
    check: (req, p) => {
      const { bytes, count } = headerBytes(req);
      return flag('protocol-headers-too-large', bytes > p.maxHeaderBytes || count > p.maxHeaderCount);
    },
  },
  {
    id: 'protocol-url-too-long', family: 'protocol', paranoia: 1, location: 'url',
    check: (req, p) => flag('protocol-url-too-long', req.url.length > p.maxUrlLength),
  },
  {
    id: 'protocol-content-type', family: 'protocol', paranoia: 1, location: 'header:content-type',
    check: (req, p, body) => {
      const type = headerValue(req, 'content-type');
      if (type === undefined) return undefined;
      const media = mediaType(type);
      const allowed = p.allowedContentTypes.includes(media) || (media.endsWith('+json') && body !== '');
      return flag('protocol-content-type', !allowed || /[\r\n\0]/.test(type));
    },
  },
  {
    id: 'protocol-url-encoding', family: 'protocol', paranoia: 1, location: 'url',
    check: (req, _p, body) => {
      const { query } = splitUrl(req.url);
      const form = mediaType(headerValue(req, 'content-type') ?? '') === 'application/x-www-form-urlencoded' ? body : '';
      // Malformed `%`, IIS `%uXXXX`, or a fragment (clients never send one).
      const bad = (s: string): boolean => /%(?![0-9a-f]{2})/i.test(s) || /%u[0-9a-f]{4}/i.test(s);
      return flag('protocol-url-encoding', bad(req.url) || bad(form) || splitUrl(req.url).query.includes('#') ||
        req.url.includes('#') || /[\0]/.test(query));
    },
  },
  {
    id: 'protocol-control-chars', family: 'protocol', paranoia: 1, location: 'url',
    // Null bytes and line breaks in the URL are request-splitting or truncation tricks.
    check: (req) => flag('protocol-control-chars', /%(?:00|0d|0a)|[\0\r\n]/i.test(req.url)),
  },
  {
    id: 'protocol-range-abuse', family: 'protocol', paranoia: 1, location: 'header:range',
    check: (req) => flag('protocol-range-abuse', ((headerValue(req, 'range') ?? '').match(/,/g)?.length ?? 0) >= 5),
  },
  {
    id: 'protocol-multiple-encoding', family: 'protocol', paranoia: 2, location: 'url',
    check: (req) => flag('protocol-multiple-encoding', /%25[0-9a-f]{2}/i.test(req.url)),
  },
  {
    id: 'protocol-missing-user-agent', family: 'protocol', paranoia: 2, location: 'header:user-agent',
    check: (req) => flag('protocol-missing-user-agent', (headerValue(req, 'user-agent') ?? '').trim() === ''),
  },
  {
    id: 'geo-country', family: 'geo', paranoia: 1, location: 'country',
    check: (req, p) => {
      if (p.countryAllow.length === 0 && p.countryDeny.length === 0) return undefined;
      const country = (headerValue(req, p.countryHeader) ?? '').trim().toUpperCase();
      if (country === '') return undefined;
      const denied = p.countryDeny.some((c) => c.toUpperCase() === country);
      const notAllowed = p.countryAllow.length > 0 && !p.countryAllow.some((c) => c.toUpperCase() === country);
      return flag('geo-country', denied || notAllowed);
    },
  },
];

/** The protocol checks a policy runs (its paranoia level, minus disabled rules). */
export function activeProtocolChecks(policy: WafPolicy): readonly ProtocolCheck[] {
  return PROTOCOL_CHECKS.filter((c) => c.paranoia <= policy.paranoia && !policy.disabledRules.includes(c.id));
}

/** Runs the protocol checks a policy allows (`activeProtocolChecks`, chosen once per policy). */
export function protocolMatches(req: WafRequest, policy: WafPolicy, body: string, checks: readonly ProtocolCheck[]): RuleMatch[] {
  const out: RuleMatch[] = [];
  for (const c of checks) {
    const id = c.check(req, policy, body);
    if (id !== undefined) out.push({ ruleId: id, family: c.family, location: c.location });
  }
  return out;
}
